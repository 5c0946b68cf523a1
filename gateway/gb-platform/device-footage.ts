// An NVR's own footage as Cloud Eye playback: RecordInfo of a GB/T 28181 channel as spans, and Playback INVITEs whose
// PS is demuxed and muxed into the fMP4 the playback player reads (one device session per playback session).
import { Fmp4Muxer } from '../../transcoder/fmp4/muxer';
import type { InitSegment } from '../../transcoder/fmp4/types';
import {
  gbTimeToMs,
  msToGbTime,
  readMediaStatus,
  type GbDevice,
  type GbDialog,
  type ManscdpDoc,
  type MediaReceiver,
} from '../gb28181/index';
import type { GbMediaSource } from './gb-media-source';

/** A camera's GB/T 28181 identity: the device it is a channel of, and the channel. */
export interface GbChannelRef {
  deviceId: string;
  channelId: string;
}

export interface DeviceFootageOptions {
  /** The devices' clock offset from UTC in minutes (MANSCDP times are local). */
  utcOffsetMin: number;
  /** No picture for this long after the INVITE or since the last one: the session ends. */
  mediaTimeoutMs: number;
  /** A session nobody reads for this long is closed (its map was asked, its stream never). */
  idleMs?: number;
}

const WRAP = 2 ** 33;
const MAX_QUEUED = 4000;

/** One Playback INVITE: fragments queued for the stream reader; over at MediaStatus 121, BYE, timeout or close. */
class DeviceSession {
  init: Promise<InitSegment>;
  private resolveInit!: (i: InitSegment) => void;
  private rejectInit!: (e: Error) => void;
  private readonly queue: Buffer[] = [];
  private wake: (() => void) | null = null;
  ended: string | null = null;
  dialog: GbDialog | null = null;
  receiver: MediaReceiver | null = null;
  /** One muxer per codec the device sends (a channel sends one; a second would fail at its init). */
  private readonly muxers = new Map<string, Fmp4Muxer>();
  private base = 0;
  private last = -1;
  lastRead = Date.now();

  constructor(readonly ref: GbChannelRef) {
    this.init = new Promise<InitSegment>((ok, fail) => {
      this.resolveInit = ok;
      this.rejectInit = fail;
    });
    this.init.catch(() => undefined);
  }

  picture(au: { codec: 'h264' | 'h265'; nals: Buffer[]; pts: number; keyframe: boolean }): void {
    if (this.ended) return;
    if (this.last >= 0 && au.pts + this.base < this.last - 2 ** 32) this.base += WRAP;
    this.last = au.pts + this.base;
    let m = this.muxers.get(au.codec);
    if (!m)
      this.muxers.set(
        au.codec,
        (m = new Fmp4Muxer({ codec: au.codec, clockRate: 90_000, vps: [], sps: [], pps: [] }, 0)),
      );
    try {
      const out = m.push({ nals: au.nals, timestamp: this.last, keyframe: au.keyframe, receivedAt: Date.now() });
      if (out.init) {
        this.resolveInit(out.init);
        this.push(out.init.data);
      }
      if (out.fragment) this.push(out.fragment.data);
    } catch (err) {
      this.end(`gb28181: device footage of ${this.ref.channelId} cannot be muxed: ${(err as Error).message}`);
    }
  }

  private push(b: Buffer): void {
    if (this.queue.length >= MAX_QUEUED) return this.end('gb28181: device footage read too slowly');
    this.queue.push(b);
    this.wake?.();
  }

  end(why: string): void {
    if (this.ended) return;
    this.ended = why;
    this.rejectInit(new Error(why));
    this.wake?.();
    void this.dialog?.bye().catch(() => undefined);
    void this.receiver?.close();
  }

  async *read(): AsyncGenerator<Buffer> {
    for (;;) {
      this.lastRead = Date.now();
      const b = this.queue.shift();
      if (b) {
        yield b;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((ok) => (this.wake = ok));
      this.wake = null;
    }
  }
}

/** Device recordings of GB/T 28181 channels: their spans (RecordInfo) and their playback (Playback INVITE → fMP4). */
export class DeviceFootage {
  private readonly sessions = new Map<string, DeviceSession>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly media: GbMediaSource,
    private readonly o: DeviceFootageOptions,
  ) {
    media.server.on('notify', (doc: ManscdpDoc, _dev: GbDevice) => {
      if (doc.cmdType !== 'MediaStatus') return;
      try {
        if (readMediaStatus(doc).notifyType !== 121) return;
      } catch {
        return;
      }
      // 121: the device has sent the whole file; what is queued is still read
      for (const s of this.sessions.values())
        if (s.ref.channelId === doc.deviceId) s.end('footage sent (MediaStatus 121)');
    });
    this.sweep = setInterval(() => {
      const idle = this.o.idleMs ?? 30_000;
      for (const [id, s] of this.sessions)
        if (Date.now() - s.lastRead > idle) {
          s.end('gb28181: device footage session not read');
          this.sessions.delete(id);
        }
    }, 5000);
    this.sweep.unref();
  }

  /** The recordings of a channel overlapping [fromMs, toMs), merged where they touch (RecordInfo, all pages). */
  async spans(ref: GbChannelRef, fromMs: number, toMs: number): Promise<Array<{ startMs: number; endMs: number }>> {
    const dev = this.media.server.device(ref.deviceId);
    if (!dev?.online) return [];
    const off = this.o.utcOffsetMin;
    const items = await this.media.server.queryRecordInfo(
      ref.deviceId,
      ref.channelId,
      msToGbTime(fromMs, off),
      msToGbTime(toMs, off),
    );
    const spans: Array<{ startMs: number; endMs: number }> = [];
    for (const it of items) {
      let s: number;
      let e: number;
      try {
        s = Math.max(gbTimeToMs(it.startTime, off), fromMs);
        e = Math.min(gbTimeToMs(it.endTime, off), toMs);
      } catch {
        continue; // an item with a time that is no time is left out
      }
      if (e <= s) continue;
      const prev = spans.at(-1);
      if (prev && s <= prev.endMs + 1000) prev.endMs = Math.max(prev.endMs, e);
      else spans.push({ startMs: s, endMs: e });
    }
    return spans;
  }

  /** Starts (once per playback session id) the device's Playback of [startMs, endMs); resolves with its init. */
  async open(psid: string, ref: GbChannelRef, startMs: number, endMs: number): Promise<InitSegment> {
    let s = this.sessions.get(psid);
    if (!s) {
      s = new DeviceSession(ref);
      this.sessions.set(psid, s);
      void this.start(s, startMs, endMs);
    }
    return s.init;
  }

  private async start(s: DeviceSession, startMs: number, endMs: number): Promise<void> {
    const { server } = this.media;
    try {
      const ssrc = server.newSsrc(true);
      s.receiver = await this.media.receiver({
        ssrc: Number(ssrc),
        noMediaTimeoutMs: this.o.mediaTimeoutMs,
        onAccessUnit: (au) => s.picture(au),
        onClose: (why) => s.end(`gb28181: device footage of ${s.ref.channelId}: ${why}`),
      });
      if (s.ended) return void (await s.receiver.close());
      const { transport, host } = this.media.opts;
      s.dialog = await server.invite(
        s.ref.deviceId,
        s.ref.channelId,
        { address: host, port: s.receiver.port, transport, ssrc },
        {
          kind: 'Playback',
          channelId: s.ref.channelId,
          startS: Math.floor(startMs / 1000),
          endS: Math.ceil(endMs / 1000),
        },
      );
      if (s.ended) return void (await s.dialog.bye().catch(() => undefined));
      s.dialog.once('ended', (how: string) => {
        if (how === 'bye-received') s.end('the device ended the playback (BYE)');
      });
    } catch (err) {
      s.end(`gb28181: playback of ${s.ref.channelId}'s device footage failed: ${(err as Error).message}`);
    }
  }

  /** The fMP4 of a session opened by `open` (init first); ends with the footage. The session is closed after. */
  async *stream(psid: string, ref: GbChannelRef, startMs: number, endMs: number): AsyncGenerator<Buffer> {
    await this.open(psid, ref, startMs, endMs);
    const s = this.sessions.get(psid)!;
    try {
      yield* s.read();
    } finally {
      s.end('stream closed');
      this.sessions.delete(psid);
    }
  }

  /** Device sessions running now. */
  active(): number {
    return this.sessions.size;
  }

  close(): void {
    clearInterval(this.sweep);
    for (const s of this.sessions.values()) s.end('gateway stopping');
    this.sessions.clear();
  }
}
