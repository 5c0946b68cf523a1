// Records what a transcoder hub publishes (as a tap), for tests: inits, fragments, run ends, playable bytes.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../bench/transcoder-proc';
import type { Fragment, InitSegment, StreamHub, Tap } from '../../transcoder/index';

/** A tap on a hub that keeps everything it is given (tests only: unbounded). */
export class HubRecorder implements Tap {
  readonly inits: InitSegment[] = [];
  readonly fragments: Fragment[] = [];
  readonly ends: string[] = [];
  readonly remove: () => void;

  constructor(hub: StreamHub, opts: { keepAlive?: boolean } = {}) {
    this.remove = hub.addTap(this, opts);
  }

  init(init: InitSegment): void {
    this.inits.push(init);
  }
  fragment(f: Fragment): void {
    this.fragments.push(f);
  }
  end(reason: string): void {
    this.ends.push(reason);
  }

  /** Fragments of run `generation` (default: the newest init's). */
  of(generation = this.inits.at(-1)?.generation ?? -1): Fragment[] {
    return this.fragments.filter((f) => f.generation === generation);
  }

  /** Resolves once `n` fragments of the newest run (from its first keyframe) were recorded. */
  async waitFragments(n: number, timeoutMs: number): Promise<void> {
    await waitFor(`${n} fragments`, () => this.playable().length >= n, timeoutMs, 20);
  }

  /** Fragments of the newest run from its first keyframe on. */
  playable(): Fragment[] {
    const all = this.of();
    const k = all.findIndex((f) => f.keyframe);
    return k < 0 ? [] : all.slice(k);
  }

  /** The newest run as one fragmented MP4 (its init, then its fragments from the first keyframe on). */
  bytes(): Buffer {
    const init = this.inits.at(-1);
    if (!init) throw new Error('no init segment recorded');
    return Buffer.concat([init.data, ...this.playable().map((f) => f.data)]);
  }
}

/** ffprobe's view of the first video stream of `bytes` (written to a file in `dir`). */
export function probeVideo(bytes: Buffer, dir: string): { codec: string; tag: string; width: number; height: number } {
  const file = path.join(dir, `probe-${Date.now()}-${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(file, bytes);
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,codec_tag_string,width,height',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const s = (JSON.parse(out) as { streams: Array<Record<string, string | number>> }).streams[0] ?? {};
  return {
    codec: String(s.codec_name ?? ''),
    tag: String(s.codec_tag_string ?? ''),
    width: Number(s.width ?? 0),
    height: Number(s.height ?? 0),
  };
}
