// What a bench smoke test checks of its output: every figure printed once as `bench <name> <number> <unit>`, in a sane range.
import assert from 'node:assert/strict';

/** A figure, its unit and the range a working run lands in on any machine (not the floor). */
export type Figure = [name: string, unit: string, lo: number, hi: number];

/** Asserts each figure is printed once with its unit and a value in its range; returns the whole output. */
export function assertFigures(lines: readonly string[], figures: readonly Figure[]): string {
  const text = lines.join('\n');
  for (const [name, unit, lo, hi] of figures) {
    const found = lines.filter((l) => l.startsWith(`bench ${name} `));
    assert.equal(found.length, 1, `one line for ${name}:\n${text}`);
    const m = new RegExp(`^bench ${name} (-?[\\d.]+) ${unit.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}$`).exec(found[0]!);
    assert.ok(m, `bench ${name} <number> ${unit}: ${found[0]}`);
    const v = Number(m[1]);
    assert.ok(v >= lo && v <= hi, `${name} ${v} outside ${lo}..${hi}:\n${text}`);
  }
  return text;
}
