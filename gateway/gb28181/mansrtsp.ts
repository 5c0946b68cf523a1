// MANSRTSP (GB/T 28181 annex B): the RTSP-like bodies of in-dialog INFO that pause, resume, seek and change the
// speed of a Playback session.
import { GbMediaError } from './errors';

export type MansrtspCommand =
  | { method: 'PAUSE' }
  /** Resume; `fromS` seeks (Range: npt=<s>-, seconds from the start of the session's range); `scale` sets the speed. */
  | { method: 'PLAY'; fromS?: number; scale?: number }
  | { method: 'TEARDOWN' };

const SCALES = new Set([0.25, 0.5, 1, 2, 4, 8, 16, 32]);

/** The body of an INFO; `cseq` counts the session's MANSRTSP commands. */
export function buildMansrtsp(cmd: MansrtspCommand, cseq: number): string {
  const lines = [`${cmd.method} RTSP/1.0`, `CSeq: ${cseq}`];
  if (cmd.method === 'PAUSE') lines.push('PauseTime: now');
  if (cmd.method === 'PLAY') {
    if (cmd.scale !== undefined) {
      if (!SCALES.has(cmd.scale)) throw new GbMediaError('MANSRTSP Scale is not 0.25–32 in powers of two', cmd.scale);
      lines.push(`Scale: ${cmd.scale.toFixed(1)}`);
    }
    if (cmd.fromS !== undefined) {
      if (!(cmd.fromS >= 0) || !Number.isFinite(cmd.fromS))
        throw new GbMediaError('MANSRTSP Range is negative', cmd.fromS);
      lines.push(`Range: npt=${Math.floor(cmd.fromS)}-`);
    }
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Reads an INFO body (bounded: 1 kB); GbMediaError for anything else than PLAY/PAUSE/TEARDOWN with sane values. */
export function parseMansrtsp(body: string): MansrtspCommand & { cseq: number } {
  if (body.length > 1024) throw new GbMediaError('MANSRTSP body over 1 kB', body.length);
  const lines = body.split(/\r?\n/).map((l) => l.trim());
  const m = /^(PLAY|PAUSE|TEARDOWN) RTSP\/1\.0$/.exec(lines[0] ?? '');
  if (!m)
    throw new GbMediaError('MANSRTSP start line is not PLAY/PAUSE/TEARDOWN RTSP/1.0', (lines[0] ?? '').slice(0, 60));
  const head = (name: string): string | undefined =>
    lines
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim();
  const cseq = Number(head('CSeq') ?? NaN);
  if (!Number.isInteger(cseq) || cseq < 0) throw new GbMediaError('MANSRTSP CSeq is not a number', head('CSeq') ?? '');
  if (m[1] !== 'PLAY') return { method: m[1] as 'PAUSE' | 'TEARDOWN', cseq };
  const out: { method: 'PLAY'; cseq: number; fromS?: number; scale?: number } = { method: 'PLAY', cseq };
  const scale = head('Scale');
  if (scale !== undefined) {
    const v = Number(scale);
    if (!SCALES.has(v)) throw new GbMediaError('MANSRTSP Scale is not 0.25–32 in powers of two', scale);
    out.scale = v;
  }
  const range = head('Range');
  if (range !== undefined) {
    const r = /^npt=(\d+(?:\.\d+)?|now)-/.exec(range);
    if (!r) throw new GbMediaError('MANSRTSP Range is not npt=<seconds>-', range.slice(0, 60));
    if (r[1] !== 'now') out.fromS = Number(r[1]);
  }
  return out;
}
