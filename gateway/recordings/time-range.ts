// Time ranges of recording queries: ISO 8601 instants with an explicit offset, in order, not in the future, bounded.
import { ValidationError } from '../errors';

/** A checked range, ms since the epoch, from < to. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

// 2026-12-06T10:00:00Z, 2026-12-06T18:00:00.250+08:00 (seconds and fraction optional)
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses one instant; `field` names it in the error (e.g. 'query.from'). */
export function parseInstant(v: unknown, field: string): number {
  const bad = (why: string): never => {
    throw new ValidationError(`recording: ${field} ${JSON.stringify(String(v)).slice(0, 80)} ${why}`, [
      { path: field, message: why },
    ]);
  };
  if (typeof v !== 'string') return bad('must be an ISO 8601 time with a time zone offset');
  const m = ISO.exec(v);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v))
      return bad('has no time zone: add Z or an offset such as +08:00');
    return bad('must be an ISO 8601 time with a time zone offset, e.g. 2026-12-06T18:00:00+08:00');
  }
  if (m[8] !== 'Z' && (Number(m[10]) > 14 || Number(m[11]) > 59 || (Number(m[10]) === 14 && Number(m[11]) > 0)))
    return bad('has a time zone offset outside -14:00..+14:00');
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const probe = new Date(utc);
  if (
    probe.getUTCFullYear() !== y ||
    probe.getUTCMonth() !== mo - 1 ||
    probe.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  )
    return bad('is not a real date and time');
  const ms = Date.parse(v);
  if (!Number.isFinite(ms) || y < 2000 || y > 2200) return bad('is outside the years 2000–2200');
  return ms;
}

/**
 * Checks a query range: both ends valid instants, from before to, from not in the future, at most
 * `maxDays` long. Throws ValidationError naming the field (`<prefix>.from`, `<prefix>.to`).
 */
export function checkRange(
  from: unknown,
  to: unknown,
  o: { maxDays: number; nowMs: number; prefix?: string },
): TimeRange {
  const p = o.prefix ?? 'query';
  const fromMs = parseInstant(from, `${p}.from`);
  const toMs = parseInstant(to, `${p}.to`);
  if (toMs <= fromMs)
    throw new ValidationError(
      `recording: range reversed or empty: ${p}.to ${String(to)} is not after ${p}.from ${String(from)}`,
      [{ path: `${p}.to`, message: 'must be after from' }],
    );
  if (fromMs > o.nowMs)
    throw new ValidationError(`recording: ${p}.from ${String(from)} is in the future: nothing is recorded yet`, [
      { path: `${p}.from`, message: 'is in the future' },
    ]);
  if (toMs - fromMs > o.maxDays * 86_400_000)
    throw new ValidationError(
      `recording: range of ${Math.ceil((toMs - fromMs) / 86_400_000)} days is longer than ${o.maxDays} days`,
      [{ path: `${p}.to`, message: `range longer than ${o.maxDays} days` }],
    );
  return { fromMs, toMs };
}
