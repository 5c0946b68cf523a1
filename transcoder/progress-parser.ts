// Incremental parser of ffmpeg's `-progress` output (key=value lines, a block ends with progress=…).

/** One progress block of ffmpeg. */
export interface ProgressReport {
  /** Frames output so far. */
  frame: number;
  /** Output timestamp, microseconds (-1 when ffmpeg reports N/A). */
  outTimeUs: number;
  /** Processing speed relative to real time (NaN when N/A). */
  speed: number;
  /** True for the last block (ffmpeg is ending). */
  end: boolean;
}

/** Feed it stdout chunks; it calls `onReport` once per completed block. Lines are capped at 1 KiB. */
export class ProgressParser {
  private buf = '';
  private cur = new Map<string, string>();

  constructor(private readonly onReport: (r: ProgressReport) => void) {}

  push(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      this.line(this.buf.slice(0, nl).trim());
      this.buf = this.buf.slice(nl + 1);
    }
    if (this.buf.length > 1024) this.buf = '';
  }

  private line(line: string): void {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    if (k !== 'progress') {
      this.cur.set(k, v);
      return;
    }
    const num = (key: string, dflt: number): number => {
      const n = Number.parseFloat(this.cur.get(key) ?? '');
      return Number.isFinite(n) ? n : dflt;
    };
    this.onReport({
      frame: num('frame', 0),
      outTimeUs: num('out_time_us', -1),
      speed: num('speed', Number.NaN),
      end: v === 'end',
    });
    this.cur.clear();
  }
}
