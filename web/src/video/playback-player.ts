// Plays recorded footage in a <video>: each session's stream.mp4 read as it arrives into MSE, one session after the next, and the wall clock shown.
import { mediaSourceClass } from './stream-source';
import { fetchMap, openSession, type PlaybackSession } from './footage-index';
import type { ApiAuth } from '../core/api';
import { mediaAt, wallAt, type PlaybackMapView } from './playback-time';

/** Media kept buffered ahead of playback before reading more (s). */
const AHEAD_S = 30;
/** Media kept behind playback (s); older media is removed from the SourceBuffer. */
const BEHIND_S = 10;
/** At the end of what is recorded, look for newer footage this often (ms). */
const FOLLOW_MS = 3000;
/** Above this speed the gateway serves keyframes only (the session is opened at that speed). */
export const MAX_PLAYER_SPEED = 8;
export const SPEEDS = [1, 2, 4, 8, 16, 32] as const;

export interface PlaybackPlayerEvents {
  /** A seek's first picture is on screen. */
  playing(): void;
  /** Nothing could be played: no footage there, access refused, the browser cannot decode it. */
  failed(reason: string): void;
}

/** One session's stream on the video's timeline: its media starts `baseS` seconds in. */
interface Part {
  baseS: number;
  map: PlaybackMapView;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class PlaybackPlayer {
  private ms: MediaSource | null = null;
  private sb: SourceBuffer | null = null;
  private objectUrl = '';
  private parts: Part[] = [];
  private abort: AbortController | null = null;
  /** Bumped by every seek: work of an older seek stops where it notices. */
  private epoch = 0;
  private speed = 1;
  private closed = false;
  /** Playback stuck at a hole in the buffered media (between two sessions' streams) is moved past it. */
  private readonly watchdog = setInterval(() => this.unstick(), 500);
  private lastTime = -1;
  private stuckSince = 0;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly cameraId: string,
    private readonly events: PlaybackPlayerEvents,
    /** An embedded widget's gateway and token (web/sdk); the page's session when absent. */
    private readonly auth?: ApiAuth,
  ) {}

  /** The wall-clock time (ms) of the frame shown, from the session maps; null before the first picture. */
  wallNow(): number | null {
    if (!this.parts.length || this.video.readyState < 2) return null;
    const t = this.video.currentTime;
    const part = this.parts.filter((p) => p.baseS <= t + 1e-3).at(-1) ?? this.parts[0]!;
    return wallAt(part.map.segments, t - part.baseS);
  }

  get currentSpeed(): number {
    return this.speed;
  }

  /** 1–8: the browser's playbackRate; 16 and 32: a new session of keyframes only from the time shown. */
  setSpeed(speed: number): void {
    const serverSide = (s: number): boolean => s > MAX_PLAYER_SPEED;
    if (!serverSide(speed) && !serverSide(this.speed)) {
      this.speed = speed;
      this.video.playbackRate = speed;
      return;
    }
    const at = this.wallNow();
    this.speed = speed;
    if (at !== null) void this.seek(at, speed);
  }

  /** Plays from wall-clock `startMs` (the session starts at the keyframe at or before it; playback at `startMs`). */
  async seek(startMs: number, speed = this.speed): Promise<void> {
    const epoch = ++this.epoch;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.speed = speed;
    try {
      const session = await openSession(this.cameraId, startMs, speed, 'main', this.auth);
      const map = await fetchMap(session, abort.signal);
      if (epoch !== this.epoch) return;
      await this.attach(map.mime);
      if (epoch !== this.epoch) return;
      this.parts = [{ baseS: 0, map }];
      const target = mediaAt(map.segments, startMs) ?? map.segments[0]?.mediaStartS ?? 0;
      void this.feed(session, epoch, abort.signal, target).catch((err: unknown) => {
        if (epoch === this.epoch && !abort.signal.aborted) this.events.failed(describe(err));
      });
    } catch (err) {
      if (epoch === this.epoch && !abort.signal.aborted) this.events.failed(describe(err));
    }
  }

  /** A fresh MediaSource on the video for this mime. */
  private async attach(mime: string): Promise<void> {
    this.detach();
    const MS = mediaSourceClass();
    if (!MS) throw new Error('this browser has no MediaSource');
    if (!MS.isTypeSupported(mime)) throw new Error(`this browser cannot decode ${mime}`);
    const ms = new MS();
    this.ms = ms;
    this.objectUrl = URL.createObjectURL(ms);
    if ('ManagedMediaSource' in globalThis) this.video.disableRemotePlayback = true;
    this.video.src = this.objectUrl;
    await new Promise<void>((ok) => ms.addEventListener('sourceopen', () => ok(), { once: true }));
    this.sb = ms.addSourceBuffer(mime);
    this.sb.mode = 'segments';
  }

  /** Reads a session's stream into the SourceBuffer, then the sessions after it (or newer footage as it is recorded). */
  private async feed(first: PlaybackSession, epoch: number, signal: AbortSignal, targetS: number): Promise<void> {
    let session: PlaybackSession | null = first;
    let placed = false;
    while (session && epoch === this.epoch) {
      const res = await fetch(session.stream, { signal });
      if (!res.ok || !res.body) throw new Error(`playback stream: HTTP ${res.status}`);
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (epoch !== this.epoch) return void reader.cancel().catch(() => undefined);
        if (done) break;
        await this.append(value);
        if (!placed && this.bufferedEnd() > targetS) {
          placed = true;
          this.video.currentTime = Math.max(targetS, this.video.buffered.start(0));
          this.video.playbackRate = this.speed <= MAX_PLAYER_SPEED ? this.speed : 1;
          void this.video.play().catch(() => undefined);
          this.events.playing();
        }
        while (epoch === this.epoch && this.bufferedEnd() - this.video.currentTime > AHEAD_S) await sleep(250);
        if (epoch !== this.epoch) return void reader.cancel().catch(() => undefined);
        await this.trim();
      }
      session = await this.next(epoch, signal);
    }
  }

  /** The session after the last one: where its map says, or newer footage once it is recorded. */
  private async next(epoch: number, signal: AbortSignal): Promise<PlaybackSession | null> {
    const last = this.parts.at(-1)!.map;
    const fromMs = Date.parse(last.next ?? last.end);
    for (;;) {
      if (epoch !== this.epoch || this.closed) return null;
      if (!last.next) await sleep(FOLLOW_MS);
      try {
        const session = await openSession(this.cameraId, fromMs, this.speed, 'main', this.auth);
        const map = await fetchMap(session, signal);
        if (epoch !== this.epoch) return null;
        const sb = this.sb!;
        if (this.parts.at(-1)!.map.mime !== map.mime && 'changeType' in sb) sb.changeType(map.mime);
        const baseS = this.bufferedEnd();
        sb.timestampOffset = baseS;
        this.parts.push({ baseS, map });
        return session;
      } catch (err) {
        // nothing newer yet (404): keep looking while the player is on this seek
        if (!/404/.test(describe(err))) throw err;
        if (last.next) await sleep(FOLLOW_MS);
      }
    }
  }

  private bufferedEnd(): number {
    const b = this.sb?.buffered;
    return b && b.length ? b.end(b.length - 1) : 0;
  }

  private append(data: Uint8Array): Promise<void> {
    return this.update((sb) => sb.appendBuffer(data as Uint8Array<ArrayBuffer>));
  }

  /** Removes what lies more than BEHIND_S behind playback. */
  private async trim(): Promise<void> {
    const b = this.sb?.buffered;
    const cut = this.video.currentTime - BEHIND_S;
    if (b && b.length && cut - b.start(0) > BEHIND_S) await this.update((sb) => sb.remove(b.start(0), cut));
  }

  /** One SourceBuffer operation, resolved at its updateend. */
  private update(op: (sb: SourceBuffer) => void): Promise<void> {
    const sb = this.sb;
    if (!sb) return Promise.reject(new Error('playback: no SourceBuffer'));
    return new Promise<void>((ok, fail) => {
      const done = (): void => {
        sb.removeEventListener('updateend', done);
        sb.removeEventListener('error', err);
        ok();
      };
      const err = (): void => {
        sb.removeEventListener('updateend', done);
        sb.removeEventListener('error', err);
        fail(new Error('decode: SourceBuffer error'));
      };
      sb.addEventListener('updateend', done);
      sb.addEventListener('error', err);
      try {
        op(sb);
      } catch (e) {
        sb.removeEventListener('updateend', done);
        sb.removeEventListener('error', err);
        fail(e as Error);
      }
    });
  }

  private unstick(): void {
    const v = this.video;
    if (v.paused || !this.sb) return;
    if (v.currentTime !== this.lastTime) {
      this.lastTime = v.currentTime;
      this.stuckSince = performance.now();
      return;
    }
    if (performance.now() - this.stuckSince < 1000) return;
    const b = v.buffered;
    for (let i = 0; i < b.length; i++)
      if (b.start(i) > v.currentTime && b.start(i) - v.currentTime < 2) {
        v.currentTime = b.start(i) + 0.001;
        return;
      }
  }

  /** Pauses (true) or resumes (false) the picture, e.g. while other panes of a synchronized wall catch up. */
  hold(on: boolean): void {
    if (on) this.video.pause();
    else if (this.parts.length) void this.video.play().catch(() => undefined);
  }

  private detach(): void {
    this.sb = null;
    this.parts = [];
    if (this.ms) {
      this.video.removeAttribute('src');
      this.video.load();
      URL.revokeObjectURL(this.objectUrl);
    }
    this.ms = null;
  }

  /** Stops reading and frees the MediaSource; idempotent. */
  close(): void {
    this.closed = true;
    clearInterval(this.watchdog);
    this.epoch++;
    this.abort?.abort();
    this.detach();
  }
}

function describe(err: unknown): string {
  const e = err as { describe?: () => string; status?: number; message?: string };
  const text = typeof e.describe === 'function' ? e.describe() : (e.message ?? String(err));
  return e.status ? `${e.status} ${text}` : text;
}
