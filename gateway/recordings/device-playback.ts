// Footage kept by a camera's own device (a GB/T 28181 NVR): its spans next to Cloud Eye's on the timeline (kind
// 'device'), and playback sessions served from the device instead of the index (profile 'device' in the token).
import { NotFoundError, ValidationError } from '../errors';
import type { PlaybackClaims } from '../auth/tokens';
import type { PlaybackMap } from './playback-types';
import type { SpanAnswer } from './span-kinds';
import type { TimeRange } from './time-range';

/** What playback needs of device footage (declared here, STYLE §5; the GB/T 28181 wiring provides it). */
export interface DeviceFootagePort {
  /** Spans of a camera's device footage over [fromMs, toMs); null when the camera is no channel of such a device. */
  spans(cameraId: string, fromMs: number, toMs: number): Promise<Array<{ startMs: number; endMs: number }> | null>;
  /** Starts the device session of playback session `psid` (once); resolves with its stream's mime at its first picture. */
  open(psid: string, cameraId: string, startMs: number, endMs: number): Promise<{ mime: string }>;
  /** The session's fMP4 (init, then fragments), ending with the footage. */
  stream(psid: string, cameraId: string, startMs: number, endMs: number): AsyncGenerator<Buffer>;
}

/** The profile a device session's token carries: its footage is not in the index. */
export const DEVICE_PROFILE = 'device';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Adds a camera's device spans (kind 'device') to an answer from the index, oldest first, and recomputes the gaps over
 * both. A device that cannot be asked (off line, no answer) leaves the index's answer with `deviceError` saying why.
 */
export async function withDeviceSpans(
  answer: SpanAnswer,
  r: TimeRange,
  device: DeviceFootagePort | undefined,
): Promise<SpanAnswer> {
  if (!device) return answer;
  let spans: Array<{ startMs: number; endMs: number }> | null;
  try {
    spans = await device.spans(answer.camera, r.fromMs, r.toMs);
  } catch (err) {
    return { ...answer, deviceError: (err as Error).message };
  }
  if (!spans?.length) return answer;
  const all = [
    ...answer.spans,
    ...spans.map((s) => ({ start: iso(s.startMs), end: iso(s.endMs), kind: 'device' as const })),
  ].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const gaps: SpanAnswer['gaps'] = [];
  let prev = r.fromMs;
  for (const s of all) {
    const a = Date.parse(s.start);
    if (a > prev) gaps.push({ start: iso(prev), end: iso(a), seconds: (a - prev) / 1000 });
    prev = Math.max(prev, Date.parse(s.end));
  }
  const end = Math.min(r.toMs, Date.now());
  if (end > prev) gaps.push({ start: iso(prev), end: iso(end), seconds: (end - prev) / 1000 });
  return { ...answer, spans: all, gaps };
}

/**
 * Where a device session asked at `startMs` plays: from the device span holding it (or the first after it) to the
 * span's end or `endMs`, whichever comes first. NotFoundError when the device has none; speeds above 8 are refused
 * (the device sends every picture: the player applies 1–8×).
 */
export async function deviceWindow(
  device: DeviceFootagePort | undefined,
  cameraId: string,
  startMs: number,
  endMs: number,
  speed: number,
): Promise<{ startMs: number; endMs: number } | null> {
  if (!device) return null;
  const spans = await device.spans(cameraId, startMs, endMs).catch((err: Error) => {
    throw new NotFoundError(`playback: camera ${cameraId}'s device footage cannot be listed: ${err.message}`);
  });
  const first = spans?.find((s) => s.endMs > startMs);
  if (!first) return null;
  if (speed > 8)
    throw new ValidationError(`playback: device footage plays at 1–8×, not ${speed}×`, [
      { path: 'body.speed', message: 'device footage: 1, 2, 4 or 8' },
    ]);
  // whole seconds: a Playback INVITE's t= range is in seconds, and the map must say where the device starts
  return { startMs: Math.ceil(Math.max(first.startMs, startMs) / 1000) * 1000, endMs: Math.min(first.endMs, endMs) };
}

/** A device session's map: one piece of footage from its start, its mime known once the device's first picture came. */
export async function deviceMap(device: DeviceFootagePort | undefined, c: PlaybackClaims): Promise<PlaybackMap> {
  if (!device) throw new NotFoundError('playback: device footage is not served here');
  const { mime } = await device.open(c.psid, c.cam, c.start, c.end).catch((err: Error) => {
    throw new NotFoundError(`playback: camera ${c.cam}'s device sent no footage: ${err.message}`);
  });
  const seg = { id: `device-${c.psid}`, mediaStartS: 0, durationS: (c.end - c.start) / 1000, wallStart: iso(c.start) };
  return {
    camera: c.cam,
    profile: DEVICE_PROFILE,
    start: iso(c.start),
    mime,
    segments: [{ ...seg, wallEnd: iso(c.end), rate: 1 }],
    keyframesOnly: false,
    gaps: [],
    end: iso(c.end),
    next: null,
    endedBy: 'window',
  };
}
