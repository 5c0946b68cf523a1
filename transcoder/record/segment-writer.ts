// A hub tap writing keyframe-aligned fMP4 segment files (init + fragments), each under a temporary name, fsync'd, then renamed.
import { close, closeSync, existsSync, fsync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import type { Tap } from '../fanout/types';
import type { Fragment, InitSegment } from '../fmp4/types';
import { TranscoderInputError } from '../errors';
import { partPathOf, segmentRelPath, type SegmentProfile } from './segment-names';

/** A segment renamed to its final name: complete, keyframe-aligned, on disk. */
export interface ClosedSegment {
  /** Absolute final path. */
  path: string;
  /** Path relative to the recording root ('/' separators): what the index stores. */
  relPath: string;
  /** Wall clock of the first fragment's first sample, ms since the epoch. */
  startTime: number;
  /** Wall clock of the end of the last fragment, ms since the epoch. */
  endTime: number;
  bytes: number;
  fragments: number;
  /** Run (ffmpeg spawn) of the stream the segment comes from. */
  generation: number;
}

/** A write, fsync or rename failed (volume unwritable or full): reported, never thrown. */
export interface WriteFailure {
  /** Errno code when there is one (EACCES, ENOSPC, EROFS, …). */
  code: string | null;
  message: string;
}

export interface SegmentWriterOptions {
  /** Recording root (absolute); segments go to `<root>/<cameraId>/<YYYY-MM-DD>/`. */
  root: string;
  cameraId: string;
  profile: SegmentProfile;
  /**
   * Target length in seconds: a segment is closed at the first keyframe at or after this much media
   * time, so it lasts segmentSeconds rounded up to the GOP. Default 10.
   */
  segmentSeconds?: number;
  /** Starts writing at once (continuous), or waits for resume() (event recording on standby). Default true. */
  active?: boolean;
  onSegment(s: ClosedSegment): void;
  /** Once per failure; the writer then writes nothing until retry(). */
  onError(f: WriteFailure): void;
}

interface OpenSegment {
  fd: number;
  path: string;
  part: string;
  generation: number;
  firstStartS: number;
  lastEndS: number;
  bytes: number;
  fragments: number;
}

/**
 * Tap of one (camera, profile) stream. Data is written with synchronous writes as fragments arrive (the page
 * cache takes them in microseconds; a tap must not queue unboundedly), each closed segment is fsync'd, renamed
 * and its directory fsync'd off the event loop, in order, before onSegment. A crash therefore leaves only a
 * `.part` file (removed by reconciliation), never a half segment under a final name.
 * Wall clock: `receivedAt − (startS + durationS)` of each fragment estimates when the run's time 0 was; the
 * smallest estimate of the run (the least delayed fragment) is used, so a slow first fragment does not shift it.
 */
export class SegmentWriter implements Tap {
  private readonly segmentS: number;
  private current: InitSegment | null = null;
  private anchorMs = Infinity;
  private seg: OpenSegment | null = null;
  private lastWrittenSeq = -1;
  private lastEnd: { generation: number; ms: number } | null = null;
  private active: boolean;
  private failure: WriteFailure | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: SegmentWriterOptions) {
    this.segmentS = o.segmentSeconds ?? 10;
    if (!(this.segmentS >= 1 && this.segmentS <= 600))
      throw new TranscoderInputError(`transcoder: record: segmentSeconds ${this.segmentS} outside 1..600`);
    segmentRelPath(o.cameraId, o.profile, 0); // validates the camera id before anything is written
    this.active = o.active ?? true;
  }

  /** True while a write failure stops the writer (until retry()). */
  get failed(): WriteFailure | null {
    return this.failure;
  }

  /** True while on standby (paused, or created inactive): fragments are watched, not written. */
  get standby(): boolean {
    return !this.active;
  }

  /** True while fragments are written (not on standby, not failed, not closed). */
  get writing(): boolean {
    return this.active && !this.failure && !this.closed;
  }

  init(init: InitSegment): void {
    if (this.current && this.current.generation === init.generation) return; // the same run again (addTap after a pre-roll)
    this.closeSegment();
    this.current = init;
    this.anchorMs = Infinity;
  }

  fragment(f: Fragment): void {
    if (this.closed || !this.current || f.generation !== this.current.generation) return;
    this.anchorMs = Math.min(this.anchorMs, f.receivedAt - (f.startS + f.durationS) * 1000);
    if (!this.writing || f.seq <= this.lastWrittenSeq) return;
    if (this.seg && f.keyframe && f.startS - this.seg.firstStartS >= this.segmentS) this.closeSegment();
    if (!this.seg) {
      if (!f.keyframe) return;
      if (!this.open(f)) return;
    }
    this.write(f.data);
    if (!this.seg) return;
    this.seg.fragments++;
    this.seg.lastEndS = f.startS + f.durationS;
    this.lastWrittenSeq = f.seq;
  }

  /** The run ended: the open segment is closed with the complete fragments it has; the next run starts after a gap. */
  end(_reason: string): void {
    this.closeSegment();
    this.current = null;
  }

  /** Starts writing (event recording): first the pre-roll (hub.replay(), whole GOPs), then what the hub sends. */
  resume(preRoll?: { init: InitSegment; fragments: Fragment[] } | null): void {
    if (this.closed || this.active) return;
    this.active = true;
    if (!preRoll) return;
    this.init(preRoll.init);
    for (const f of preRoll.fragments) this.fragment(f);
  }

  /** Stops writing (post-roll over): the open segment is closed; fragments are still watched for the clock. */
  pause(): void {
    this.closeSegment();
    this.active = false;
  }

  /** After a failure: writing starts again at the next keyframe. */
  retry(): void {
    this.failure = null;
  }

  /** Closes the open segment and waits until every closed segment is renamed and reported. Idempotent. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closeSegment();
      this.closed = true;
    }
    await this.chain;
  }

  /** Waits until the segments closed so far are renamed and reported. */
  flushed(): Promise<void> {
    return this.chain;
  }

  private wallMs(s: number): number {
    return Math.round((Number.isFinite(this.anchorMs) ? this.anchorMs : Date.now()) + s * 1000);
  }

  private open(f: Fragment): boolean {
    const init = this.current!;
    let startMs = this.wallMs(f.startS);
    let abs = '';
    try {
      for (;;) {
        abs = path.join(this.o.root, segmentRelPath(this.o.cameraId, this.o.profile, startMs));
        if (!existsSync(abs) && !existsSync(partPathOf(abs))) break;
        startMs++; // two segments never share a name (clock stepped back, same millisecond)
      }
      mkdirSync(path.dirname(abs), { recursive: true });
      const part = partPathOf(abs);
      const fd = openSync(part, 'wx', 0o640);
      this.seg = {
        fd,
        path: abs,
        part,
        generation: init.generation,
        firstStartS: f.startS,
        lastEndS: f.startS,
        bytes: 0,
        fragments: 0,
      };
    } catch (err) {
      this.fail(err);
      return false;
    }
    this.write(init.data);
    return this.seg !== null;
  }

  private write(data: Buffer): void {
    const s = this.seg;
    if (!s) return;
    try {
      let off = 0;
      while (off < data.length) off += writeSync(s.fd, data, off, data.length - off);
      s.bytes += data.length;
    } catch (err) {
      this.fail(err);
    }
  }

  private closeSegment(): void {
    const s = this.seg;
    if (!s) return;
    this.seg = null;
    let startTime = this.wallMs(s.firstStartS);
    let endTime = this.wallMs(s.lastEndS);
    // the anchor only moves earlier: keep a run's segments contiguous and in order
    if (this.lastEnd && this.lastEnd.generation === s.generation && startTime < this.lastEnd.ms) {
      endTime += this.lastEnd.ms - startTime;
      startTime = this.lastEnd.ms;
    }
    this.lastEnd = { generation: s.generation, ms: endTime };
    const relPath = path.relative(this.o.root, s.path).split(path.sep).join('/');
    const done: ClosedSegment = {
      path: s.path,
      relPath,
      startTime,
      endTime,
      bytes: s.bytes,
      fragments: s.fragments,
      generation: s.generation,
    };
    this.chain = this.chain.then(() => this.finish(s, done));
  }

  private async finish(s: OpenSegment, done: ClosedSegment): Promise<void> {
    try {
      await fsyncFd(s.fd);
      const fd = s.fd;
      s.fd = -1;
      await closeFd(fd);
      await rename(s.part, s.path);
      await fsyncDir(path.dirname(s.path));
    } catch (err) {
      if (s.fd >= 0) await closeFd(s.fd).catch(() => undefined);
      await unlink(s.part).catch(() => undefined);
      this.fail(err);
      return;
    }
    try {
      this.o.onSegment(done);
    } catch {
      // a throwing listener must not stop the writer
    }
  }

  private fail(err: unknown): void {
    const s = this.seg;
    this.seg = null;
    if (s) {
      try {
        closeSync(s.fd);
      } catch {
        // already closed
      }
      try {
        unlinkSync(s.part);
      } catch {
        // gone or the volume refuses: reconciliation removes it at the next start
      }
    }
    if (this.failure) return;
    const e = err as NodeJS.ErrnoException;
    this.failure = {
      code: typeof e?.code === 'string' ? e.code : null,
      message: `transcoder: record: ${e?.message ?? String(err)}`,
    };
    try {
      this.o.onError(this.failure);
    } catch {
      // reported; nothing else to do
    }
  }
}

const fsyncFd = promisify(fsync);
const closeFd = promisify(close);

/** fsync of a directory, so a rename inside it survives a power cut. */
async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
