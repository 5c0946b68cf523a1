// The GIS engine's one error class: bad input, with the offending value and a field path.

/**
 * Thrown for any invalid query or record input. `path` names the offending field the way the
 * HTTP layer reports it (e.g. `"polygon.coordinates[0]"`, `"radiusM"`), `value` is the bad value.
 * Message: `gis: <what>, got <value>`.
 */
export class GisInputError extends Error {
  override readonly name = 'GisInputError';
  readonly path: string;
  readonly value: unknown;

  constructor(path: string, what: string, value: unknown) {
    super(`gis: ${path} ${what}, got ${show(value)}`);
    this.path = path;
    this.value = value;
  }
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
