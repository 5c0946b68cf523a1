// The `--only a,b` option of the benchmarks that run in phases.

/** The phases `only` names (every one of `known` when absent or empty); throws naming an unknown phase. */
export function parsePhaseList<P extends string>(bench: string, known: readonly P[], only: string | undefined): Set<P> {
  if (only === undefined || only === '') return new Set(known);
  const out = new Set<P>();
  for (const p of only.split(',').map((s) => s.trim())) {
    if (!(known as readonly string[]).includes(p))
      throw new Error(`bench ${bench}: unknown phase '${p}' in --only; known: ${known.join(', ')}`);
    out.add(p as P);
  }
  return out;
}
