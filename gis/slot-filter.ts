// The query filters of the camera index (status, departments, tags, a predicate) compiled into one test of a store slot.
import type { CameraStore } from './camera-store';
import { GisInputError } from './errors';
import type { QueryOptions } from './types';

/** Compiles filters + predicate into one slot test; tombstones never pass. */
export function acceptSlot(store: CameraStore, o: QueryOptions): (slot: number) => boolean {
  const { mask, test } = compileFilter(store, o);
  if (mask === null) return test;
  const depts = store.depts;
  return (slot) => mask[depts[slot] as number] === 1 && test(slot);
}

/**
 * Splits filters + predicate into the department filter as a mask over the store's dense
 * department column (null = any department; tombstones never pass it), and `test`: the rest,
 * which reads the record (tombstones never pass it either).
 */
export function compileFilter(
  store: CameraStore,
  o: QueryOptions,
): { mask: Uint8Array | null; test: (slot: number) => boolean } {
  const cams = store.cams;
  const status = listSet(o.status, 'status');
  const depts = listOf(o.departmentIds, 'departmentIds');
  const tags = listSet(o.tagsAny, 'tagsAny');
  const pred = o.predicate;
  if (pred !== undefined && typeof pred !== 'function')
    throw new GisInputError('predicate', 'must be a function', pred);
  const mask = depts ? store.departmentMask(depts) : null;
  if (!status && !tags) {
    return {
      mask,
      test: pred
        ? (slot) => {
            const c = cams[slot];
            return c !== undefined && pred(c);
          }
        : (slot) => cams[slot] !== undefined,
    };
  }
  return {
    mask,
    test: (slot) => {
      const c = cams[slot];
      if (c === undefined) return false;
      if (status && !status.has(c.status)) return false;
      if (tags && !c.tags.some((t) => tags.has(t))) return false;
      return pred ? pred(c) : true;
    },
  };
}

/** A filter list: null when absent or empty (no filter); throws when not an array. */
function listOf<T>(v: readonly T[] | undefined, path: string): readonly T[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new GisInputError(path, 'must be an array', v);
  return v.length === 0 ? null : v;
}

function listSet<T>(v: readonly T[] | undefined, path: string): Set<T> | null {
  const list = listOf(v, path);
  return list && new Set(list);
}
