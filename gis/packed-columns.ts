// The packed columns of the camera store (positions, departments, unit vectors) and the slices that build them.
import type { CellGrid } from './cell-grid';
import { normalize } from './camera-record';
import { toRad } from './geodesy';
import type { IdSlots } from './id-slots';
import type { GisCamera } from './types';

/** Writes the unit vector of (lng, lat) to out[at..at+2]. */
export function unitVector(lng: number, lat: number, out: Float64Array, at: number): void {
  const p = toRad(lat),
    l = toRad(lng),
    cp = Math.cos(p);
  out[at] = cp * Math.cos(l);
  out[at + 1] = cp * Math.sin(l);
  out[at + 2] = Math.sin(p);
}

/** A packed content, built off to the side and swapped in by CameraStore.install. */
export interface Packed {
  cams: Array<GisCamera | undefined>;
  lngs: Float64Array;
  lats: Float64Array;
  depts: Int32Array;
  vecs: Float64Array;
  slotOf: IdSlots;
  grid: CellGrid | null;
  n: number;
  maxRange: number;
}

/** Copies the live slots of [s0, s1) to the next free slots of the new content (at most n in all). */
export function copyLive(
  src: Array<GisCamera | undefined>,
  srcLngs: Float64Array,
  srcLats: Float64Array,
  srcDepts: Int32Array,
  s0: number,
  s1: number,
  n: number,
  cams: Array<GisCamera | undefined>,
  lngs: Float64Array,
  lats: Float64Array,
  depts: Int32Array,
  slotOf: IdSlots,
  out: { j: number; maxRange: number },
): void {
  let j = out.j,
    maxRange = out.maxRange;
  for (let s = s0; s < s1 && j < n; s++) {
    const c = src[s];
    if (c === undefined) continue;
    cams[j] = c;
    lngs[j] = srcLngs[s] as number;
    lats[j] = srcLats[s] as number;
    depts[j] = srcDepts[s] as number;
    slotOf.set(c.id, j);
    if (c.rangeM != null && c.rangeM > maxRange) maxRange = c.rangeM;
    j++;
  }
  out.j = j;
  out.maxRange = maxRange;
}

/** Moves slots [i0, i1) to their grid rank: reads in order, writes at random. */
export function scatter(
  rank: Int32Array,
  i0: number,
  i1: number,
  cams: Array<GisCamera | undefined>,
  tags: string[][] | null,
  lngs: Float64Array,
  lats: Float64Array,
  depts: Int32Array,
  src: Array<GisCamera | undefined>,
  srcTags: string[][] | null,
  glng: Float64Array,
  glat: Float64Array,
  gdept: Int32Array,
  slotOf: IdSlots,
): void {
  for (let i = i0; i < i1; i++) {
    const r = rank[i] as number;
    const c = cams[i];
    src[r] = c;
    if (srcTags) srcTags[r] = (tags as string[][])[i] as string[];
    glng[r] = lngs[i] as number;
    glat[r] = lats[i] as number;
    gdept[r] = depts[i] as number;
    if (c !== undefined) slotOf.set(c.id, r);
  }
}

/** Replaces the records of slots [r0, r1) with the index's own copies (see normalize). */
export function normalizeSlice(cams: Array<GisCamera | undefined>, tags: string[][], r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) {
    const c = cams[r];
    if (c !== undefined) cams[r] = normalize(c, tags[r] as string[]);
  }
}

export function unitVectors(lngs: Float64Array, lats: Float64Array, i0: number, i1: number, vecs: Float64Array): void {
  for (let i = i0; i < i1; i++) unitVector(lngs[i] as number, lats[i] as number, vecs, 3 * i);
}
