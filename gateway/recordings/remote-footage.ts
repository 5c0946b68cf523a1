// Footage a camera keeps elsewhere, read whole for an export: a lower platform's camera (cascade) or a GB/T 28181
// channel's device. Its pieces over a range (a span, cut into session windows), each read as the fMP4 its source sends.
import { randomUUID } from 'node:crypto';
import type { DeviceFootagePort } from './device-playback';
import { peerSpans, peerWindow, type PeerFootagePort } from './peer-playback';

/** A stretch of footage kept elsewhere: its wall-clock range, where it is kept, and how to read it (once). */
export interface RemotePiece {
  startMs: number;
  endMs: number;
  /** "lower platform <name>" or "device". */
  source: string;
  stream(): AsyncGenerator<Buffer>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class RemoteFootage {
  constructor(
    private readonly o: { peer?: PeerFootagePort | undefined; device?: DeviceFootagePort | undefined; windowS: number },
  ) {}

  /**
   * The pieces over [fromMs, toMs) of a camera whose footage is kept elsewhere, oldest first; null for a camera with
   * none elsewhere. A lower platform is asked as `operator` (its policy decides; its audit names the operator).
   */
  async pieces(
    cameraId: string,
    fromMs: number,
    toMs: number,
    operator: string,
    reason: string,
  ): Promise<RemotePiece[] | null> {
    const { peer, device } = this.o;
    const ref = peer ? await peer.ref(cameraId) : null;
    if (peer && ref) {
      const answer = await peerSpans(peer, ref, cameraId, { fromMs, toMs }, 'main', operator);
      const out: RemotePiece[] = [];
      for (const s of answer.spans) {
        const end = Math.min(Date.parse(s.end), toMs);
        // a session covers at most the playback window: a longer span is read window by window
        for (let at = Math.max(Date.parse(s.start), fromMs); at < end; at += this.o.windowS * 1000) {
          const [startMs, endMs] = [at, Math.min(end, at + this.o.windowS * 1000)];
          out.push({
            startMs,
            endMs,
            source: `lower platform ${ref.peer}`,
            async *stream() {
              const req = { start: iso(startMs), end: iso(endMs), profile: 'main' as const, speed: 1 as const, reason };
              const w = await peerWindow(peer, ref, cameraId, req, startMs, operator);
              yield* peer.stream(ref, w.session);
            },
          });
        }
      }
      return out;
    }
    const spans = device ? await device.spans(cameraId, fromMs, toMs) : null;
    if (!device || !spans) return null;
    return spans
      .map((s) => ({ startMs: Math.ceil(Math.max(s.startMs, fromMs) / 1000) * 1000, endMs: Math.min(s.endMs, toMs) }))
      .filter((s) => s.endMs > s.startMs)
      .map((s) => ({
        ...s,
        source: 'device',
        stream: () => device.stream(randomUUID(), cameraId, s.startMs, s.endMs),
      }));
  }
}
