// Hub test fixtures: a real 4 s H.264 stream as the reader hands it on, and recording sinks and taps.
import assert from 'node:assert/strict';
import type { Sink, SinkCloseReason, Tap } from '../../transcoder/fanout/types';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { ffmpegFmp4 } from './fmp4-ffmpeg';

export type Raw = Omit<Fragment, 'seq'>;

/** 4 s of 25 fps H.264, a keyframe every 25 frames, as the reader hands it on. */
export function stream(generation: number): { init: InitSegment; fragments: Raw[] } {
  let init: InitSegment | null = null;
  const fragments: Raw[] = [];
  const r = new FragmentReader({
    generation,
    sliceCodec: 'h264',
    onInit: (i) => (init = i),
    onFragment: (f) => fragments.push(f),
    onError: (e) => assert.fail(e),
  });
  r.push(ffmpegFmp4({ codec: 'h264', seconds: 4, gop: 25, size: '640x360' }));
  return { init: init!, fragments };
}

/** A viewer's transport: queues what it is given until read(); `reading` drains at once. */
export class TestSink implements Sink {
  got: Array<{ init?: InitSegment; fragment?: Fragment; data: Buffer }> = [];
  queued = 0;
  reading = true;
  closed: { reason: SinkCloseReason; detail: string; at: number } | null = null;
  write(data: Buffer, what: { init: InitSegment } | { fragment: Fragment }): void {
    assert.equal(this.closed, null, 'no write after close');
    this.got.push({ ...what, data });
    if (!this.reading) this.queued += data.length;
  }
  bufferedBytes(): number {
    return this.queued;
  }
  close(reason: SinkCloseReason, detail: string): void {
    assert.equal(this.closed, null, 'closed once');
    this.closed = { reason, detail, at: Date.now() };
  }
  get fragments(): Fragment[] {
    return this.got.filter((g) => g.fragment).map((g) => g.fragment!);
  }
  /** What the viewer received, as one file. */
  bytes(): Buffer {
    return Buffer.concat(this.got.map((g) => g.data));
  }
}

export class TestTap implements Tap {
  events: string[] = [];
  seqs: number[] = [];
  init(init: InitSegment): void {
    this.events.push(`init${init.generation}`);
  }
  fragment(f: Fragment): void {
    this.seqs.push(f.seq);
    this.events.push(f.keyframe ? `K${f.seq}` : `f${f.seq}`);
  }
  end(reason: string): void {
    this.events.push(`end:${reason}`);
  }
}
