// The names an HLS packager serves (init<g>.mp4, seg<n>.m4s, part<n>.<i>.m4s): made here, and parsed strictly.

/** What a served name designates. */
export type HlsFileName =
  | { kind: 'init'; generation: number }
  | { kind: 'segment'; msn: number }
  | { kind: 'part'; msn: number; index: number };

/** Name of the init segment of run `generation`. */
export const initName = (generation: number): string => `init${generation}.mp4`;
/** Name of the whole media segment with media sequence number `msn`. */
export const segmentName = (msn: number): string => `seg${msn}.m4s`;
/** Name of partial segment `index` (from 0) of segment `msn`. */
export const partName = (msn: number, index: number): string => `part${msn}.${index}.m4s`;

// Canonical decimal numbers only: no sign, no leading zero, at most 15 digits (always a safe integer).
const NUM = '(0|[1-9]\\d{0,14})';
const INIT_RE = new RegExp(`^init${NUM}\\.mp4$`);
const SEGMENT_RE = new RegExp(`^seg${NUM}\\.m4s$`);
const PART_RE = new RegExp(`^part${NUM}\\.(0|[1-9]\\d{0,5})\\.m4s$`);

/**
 * What `name` designates, or null for anything that is not exactly a name this packager makes
 * (paths, '..', encoded characters, leading zeros, signs, numbers beyond 15 digits, other types).
 */
export function parseFileName(name: unknown): HlsFileName | null {
  if (typeof name !== 'string' || name.length > 40) return null;
  let m = INIT_RE.exec(name);
  if (m) return { kind: 'init', generation: Number(m[1]) };
  m = SEGMENT_RE.exec(name);
  if (m) return { kind: 'segment', msn: Number(m[1]) };
  m = PART_RE.exec(name);
  if (m) return { kind: 'part', msn: Number(m[1]), index: Number(m[2]) };
  return null;
}
