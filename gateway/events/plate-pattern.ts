// Plate search patterns ("湘J*8*": `*` any run, `?` one character) turned into an exact value or a SQL LIKE pattern.
import { ValidationError } from '../errors';
import { normalizePlate } from './event-model';

/** An exact plate (btree index) or a LIKE pattern over the normalised plate (trigram GIN index). */
export type PlateQuery = { exact: string } | { like: string };

/**
 * Parses a plate search. Without `*`/`?` it is an exact match of the normalised plate. With them it is a
 * LIKE pattern anchored at both ends (`湘J*8*` → `湘J%8%`); at least two fixed characters are required so a
 * search cannot ask for every plate.
 */
export function parsePlatePattern(raw: string): PlateQuery {
  const bad = (message: string) =>
    new ValidationError(`events: plate ${JSON.stringify(raw.slice(0, 40))}: ${message}`, [
      { path: 'query.plate', message },
    ]);
  if (raw.length > 32) throw bad('at most 32 characters');
  if (!/^[\p{L}\p{N}*?·\-\s]+$/u.test(raw)) throw bad('letters, digits and the wildcards * and ? only');
  const norm = normalizePlate(raw).replace(/\*+/g, '*');
  const fixed = norm.replace(/[*?]/g, '');
  if (fixed.length < 2) throw bad('at least two letters or digits besides wildcards');
  if (!/[*?]/.test(norm)) return { exact: norm };
  // the normalised text holds only letters and digits, so nothing but the wildcards has a meaning in LIKE
  return { like: norm.replace(/\*/g, '%').replace(/\?/g, '_') };
}
