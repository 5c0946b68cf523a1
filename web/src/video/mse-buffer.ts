// One MediaSource run on a <video>: init then fragments in order (queued while updating), the played part trimmed, playback kept near the live edge.
import { mediaSourceClass } from './stream-source';

/** Seconds of already-played media kept in the SourceBuffer. */
const KEEP_BEHIND_S = 4;
/** Trim when this much lies behind playback (so removals are occasional, not per fragment). */
const TRIM_ABOVE_S = 8;
/** Further behind the newest frame than this: jump to it. */
const JUMP_BEHIND_S = 1.0;
/** Right after the first picture (a warm join receives the cached GOP in a burst): jump already beyond this. */
const JOIN_JUMP_BEHIND_S = 0.3;
const JOIN_MS = 1500;
/** Where a jump lands, before the newest frame (a little room so playback does not stall at once). */
const JUMP_TO_S = 0.1;
/** Between these: play slightly faster until caught up. */
const CATCH_UP_ABOVE_S = 0.35;
const CAUGHT_UP_BELOW_S = 0.15;
const CATCH_UP_RATE = 1.15;
/** Fragments waiting for the SourceBuffer beyond which the viewer has fallen behind for good. */
const MAX_QUEUE = 300;

export interface MseBufferEvents {
  /** The browser cannot decode or append this stream (SourceBuffer or video error, refused mime). */
  error(reason: string): void;
  /** More fragments wait than the browser takes: the caller rejoins at a keyframe. */
  overflow(): void;
}

/**
 * A MediaSource attached to `video` for one init segment (one run of the stream). A new run gets a
 * new MseBuffer: the video's source is replaced, which resets decoder and timeline in place.
 */
export class MseBuffer {
  private readonly ms: MediaSource;
  private readonly objectUrl: string;
  private sb: SourceBuffer | null = null;
  private readonly queue: ArrayBuffer[] = [];
  private readonly ticker: ReturnType<typeof setInterval>;
  private destroyed = false;
  private failed = false;
  /** When playback was placed on the first fragment (a warm join starts at a cached keyframe); 0: not yet. */
  private placedAt = 0;

  /** Whether this browser's MediaSource accepts `mime` (checked before anything is created). */
  static supports(mime: string): boolean {
    try {
      return mediaSourceClass()?.isTypeSupported(mime) ?? false;
    } catch {
      return false;
    }
  }

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly mime: string,
    private readonly events: MseBufferEvents,
  ) {
    const MS = mediaSourceClass();
    if (!MS) throw new Error('mse: this browser has no MediaSource');
    this.ms = new MS();
    this.objectUrl = URL.createObjectURL(this.ms);
    this.ms.addEventListener('sourceopen', this.onOpen, { once: true });
    // ManagedMediaSource plays only with remote playback disabled
    if ('ManagedMediaSource' in globalThis) video.disableRemotePlayback = true;
    video.src = this.objectUrl;
    video.addEventListener('error', this.onVideoError);
    this.ticker = setInterval(this.followEdge, 250);
  }

  /** Appends the init segment or a fragment (queued until the SourceBuffer is free). */
  append(data: ArrayBuffer): void {
    if (this.destroyed || this.failed) return;
    this.queue.push(data);
    if (this.queue.length > MAX_QUEUE) {
      this.queue.length = 0;
      this.events.overflow();
      return;
    }
    this.pump();
  }

  /** Seconds from the shown frame to the newest buffered one (0 when nothing is buffered). */
  behindS(): number {
    const b = this.video.buffered;
    return b.length ? Math.max(0, b.end(b.length - 1) - this.video.currentTime) : 0;
  }

  private readonly onOpen = (): void => {
    if (this.destroyed) return;
    try {
      const sb = this.ms.addSourceBuffer(this.mime);
      sb.mode = 'segments';
      sb.addEventListener('updateend', this.pump);
      sb.addEventListener('error', () => this.fail('SourceBuffer error'));
      this.sb = sb;
      // live: no end; Chromium then renders with low delay
      this.ms.duration = Infinity;
    } catch (err) {
      this.fail(`addSourceBuffer(${this.mime}): ${(err as Error).message}`);
      return;
    }
    this.pump();
  };

  private readonly onVideoError = (): void => {
    const e = this.video.error;
    this.fail(`video error ${e?.code ?? '?'}${e?.message ? `: ${e.message}` : ''}`);
  };

  private readonly pump = (): void => {
    const sb = this.sb;
    if (!sb || sb.updating || this.destroyed || this.failed || this.ms.readyState !== 'open') return;
    // the first picture is placed as soon as it is buffered, not at the next tick
    if (!this.placedAt) this.followEdge();
    if (this.trim(sb)) return;
    // everything waiting goes in one append (a warm join's init + cached GOP arrive in a burst):
    // one SourceBuffer round trip instead of one per fragment
    const next = this.queue.length > 1 ? joinBuffers(this.queue.splice(0)) : this.queue.shift();
    if (!next) return;
    try {
      sb.appendBuffer(next);
    } catch (err) {
      if ((err as DOMException).name === 'QuotaExceededError') {
        // full: drop what was played and try the same data again after the removal
        this.queue.unshift(next);
        const t = this.video.currentTime;
        if (sb.buffered.length && t - 0.5 > sb.buffered.start(0)) sb.remove(sb.buffered.start(0), t - 0.5);
        return;
      }
      this.fail(`appendBuffer: ${(err as Error).message}`);
    }
  };

  /** Removes media well behind playback; true when a removal started (updateend pumps again). */
  private trim(sb: SourceBuffer): boolean {
    const b = sb.buffered;
    if (!b.length) return false;
    const cut = this.video.currentTime - KEEP_BEHIND_S;
    if (cut - b.start(0) < TRIM_ABOVE_S - KEEP_BEHIND_S) return false;
    sb.remove(b.start(0), cut);
    return true;
  }

  /** Keeps playback near the newest frame: placed at the start, jumps when far behind, a touch faster when a little. */
  private readonly followEdge = (): void => {
    if (this.destroyed || this.failed) return;
    const v = this.video;
    const b = v.buffered;
    if (!b.length) return;
    const end = b.end(b.length - 1);
    const lastStart = b.start(b.length - 1);
    const behind = end - v.currentTime;
    const joining = performance.now() - this.placedAt < JOIN_MS;
    if (!this.placedAt || v.currentTime < lastStart || behind > (joining ? JOIN_JUMP_BEHIND_S : JUMP_BEHIND_S)) {
      this.placedAt ||= performance.now();
      const to = Math.max(lastStart, end - JUMP_TO_S);
      if (Math.abs(v.currentTime - to) > 0.05) v.currentTime = to;
      v.playbackRate = 1;
      if (v.paused) void v.play().catch(() => undefined);
      return;
    }
    if (behind > CATCH_UP_ABOVE_S && v.playbackRate === 1) v.playbackRate = CATCH_UP_RATE;
    else if (behind < CAUGHT_UP_BELOW_S && v.playbackRate !== 1) v.playbackRate = 1;
    if (v.paused && behind > 0.05) void v.play().catch(() => undefined);
  };

  private fail(reason: string): void {
    if (this.failed || this.destroyed) return;
    this.failed = true;
    this.events.error(reason);
  }

  /** Detaches from the video and frees the MediaSource; idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.ticker);
    this.queue.length = 0;
    this.video.removeEventListener('error', this.onVideoError);
    this.ms.removeEventListener('sourceopen', this.onOpen);
    if (this.sb) this.sb.removeEventListener('updateend', this.pump);
    if (this.video.src === this.objectUrl) {
      this.video.removeAttribute('src');
      this.video.load();
    }
    URL.revokeObjectURL(this.objectUrl);
    this.video.playbackRate = 1;
  }
}

/** The buffers end to end in one (fMP4 init and fragments may be appended together). */
function joinBuffers(parts: ArrayBuffer[]): ArrayBuffer {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out.buffer;
}
