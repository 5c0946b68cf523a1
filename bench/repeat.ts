// Runs of one benchmark summed up: every run's figure, the spread, and the median of the runs as the figure.

/** One `bench <name> <value> <unit>` line, parsed. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

const LINE = /^bench (\S+) (-?[\d.]+(?:e[+-]?\d+)?) (\S+)$/;

/** The figure of a `bench …` line, or null for any other line. */
export function parseFigure(line: string): Figure | null {
  const m = LINE.exec(line);
  return m ? { name: m[1]!, value: Number(m[2]), unit: m[3]! } : null;
}

/** The median of `xs` (the mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** How a value is printed: as the runs printed it (their most decimals). */
function format(x: number, decimals: number): string {
  return x.toFixed(decimals);
}

/**
 * The summary of `runs` (each the figures one run printed, in order): for every figure, a `#` line
 * with each run's value, min–max and the median, then its `bench <name> <median> <unit>` line.
 */
export function summarize(runs: readonly Figure[][], raw: readonly string[][]): string[] {
  const names: string[] = [];
  const values = new Map<string, { unit: string; xs: number[]; decimals: number }>();
  runs.forEach((figures, i) => {
    for (const f of figures) {
      let v = values.get(f.name);
      if (!v) {
        v = { unit: f.unit, xs: [], decimals: 0 };
        values.set(f.name, v);
        names.push(f.name);
      }
      v.xs.push(f.value);
      const text = raw[i]!.find((l) => l.startsWith(`bench ${f.name} `))?.split(' ')[2] ?? '';
      v.decimals = Math.max(v.decimals, text.includes('.') ? text.split('.')[1]!.length : 0);
    }
  });
  const out: string[] = [];
  for (const name of names) {
    const v = values.get(name)!;
    const xs = v.xs.map((x) => format(x, v.decimals)).join(', ');
    const lo = format(Math.min(...v.xs), v.decimals);
    const hi = format(Math.max(...v.xs), v.decimals);
    out.push(`# ${name}: runs ${xs}; spread ${lo}–${hi} ${v.unit}; median of ${v.xs.length}`);
  }
  for (const name of names) {
    const v = values.get(name)!;
    out.push(`bench ${name} ${format(median(v.xs), v.decimals)} ${v.unit}`);
  }
  return out;
}
