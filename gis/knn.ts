// Best-first k-nearest search over the kd-tree and the delta, with the visibility test applied as points pop.
import { toRad } from './geodesy';
import { FloatHeap } from './heap';
import { unitVector, type CameraStore } from './camera-store';

// Scratch shared by every search: the search is synchronous, so one set is enough.
const heap = new FloatHeap(4096);
let nodeCap = 1024;
let nLeft = new Int32Array(nodeCap);
let nRight = new Int32Array(nodeCap);
let nAxis = new Uint8Array(nodeCap);
let nBox = new Float64Array(nodeCap * 4);
let nodeCount = 0;
const q = new Float64Array(3);
const p = new Float64Array(3);

// Lower bounds shrink a hair so float error never prunes a true hit.
const SLACK = 1 - 1e-9;
const ABS_SLACK = 1e-21;

function newNode(left: number, right: number, axis: number, w: number, s: number, e: number, n: number): number {
  if (nodeCount === nodeCap) {
    nodeCap *= 2;
    const l = new Int32Array(nodeCap), r = new Int32Array(nodeCap), a = new Uint8Array(nodeCap), b = new Float64Array(nodeCap * 4);
    l.set(nLeft); r.set(nRight); a.set(nAxis); b.set(nBox);
    nLeft = l; nRight = r; nAxis = a; nBox = b;
  }
  const id = nodeCount++;
  nLeft[id] = left;
  nRight[id] = right;
  nAxis[id] = axis;
  nBox[4 * id] = w;
  nBox[4 * id + 1] = s;
  nBox[4 * id + 2] = e;
  nBox[4 * id + 3] = n;
  return id;
}

/** Lower bound of sin²(x) for 0 <= x <= π/2 without trigonometry (sin x >= x - x³/6). */
function sin2Low(x: number): number {
  const s = x - (x * x * x) / 6;
  return s * s;
}

const HALF_RAD = Math.PI / 360;
const RAD = Math.PI / 180;

/**
 * Trig-free lower bound of the haversine term from the query to any point of the box:
 * hav(Δlat_min) + cos(lat_q) · min cos(lat over box) · hav(Δlng_min), each factor bounded below.
 */
function boxBound(lng: number, lat: number, cosLat: number, w: number, s: number, e: number, n: number): number {
  const dLat = lat < s ? s - lat : lat > n ? lat - n : 0;
  let dLng = 0;
  if (lng < w) dLng = Math.min(w - lng, lng + 360 - e);
  else if (lng > e) dLng = Math.min(lng - e, w + 360 - lng);
  if (dLng === 0) return dLat === 0 ? 0 : sin2Low(dLat * HALF_RAD) * SLACK - ABS_SLACK;
  const far = Math.max(Math.abs(s), Math.abs(n)) * RAD;
  const cosLow = Math.max(0, 1 - (far * far) / 2);
  return (sin2Low(dLat * HALF_RAD) + cosLat * cosLow * sin2Low(dLng * HALF_RAD)) * SLACK - ABS_SLACK;
}

/**
 * Finds up to `k` accepted slots nearest to (lng, lat) with haversine term <= maxA, in increasing
 * order of that term. Points are keyed by chord²/4 over precomputed unit vectors, which equals the
 * haversine term without any trigonometry per point. `accept(slot)` runs only on points popped in distance order, so the
 * predicate costs O(examined-in-order) and "k nearest visible" never comes up short.
 * Exact ties with the k-th are all returned (the caller sorts by distance then id and cuts).
 * Returns how many were found; the slots are in `knnSlots[0..count)`.
 */
export function knn(
  store: CameraStore, lng: number, lat: number, k: number, maxA: number, accept: (slot: number) => boolean,
): number {
  let found = 0;
  heap.clear();
  nodeCount = 0;
  const cosLat = Math.cos(toRad(lat));
  unitVector(lng, lat, q, 0);
  const qx = q[0] as number, qy = q[1] as number, qz = q[2] as number;
  const lngs = store.lngs, lats = store.lats;
  for (let slot = store.staticCount; slot < store.used; slot++) {
    if (store.cams[slot] === undefined) continue;
    unitVector(lngs[slot] as number, lats[slot] as number, p, 0);
    const dx = (p[0] as number) - qx, dy = (p[1] as number) - qy, dz = (p[2] as number) - qz;
    const a = (dx * dx + dy * dy + dz * dz) / 4;
    if (a <= maxA) heap.push(a, slot);
  }
  const vecs = store.vecs;
  const tree = store.tree;
  if (tree) heap.push(0, -1 - newNode(0, tree.ids.length - 1, 0, -180, -90, 180, 90));
  const ids = tree ? tree.ids : new Uint32Array(0);
  const coords = tree ? tree.coords : new Float64Array(0);
  const nodeSize = tree ? tree.nodeSize : 0;
  let cut = maxA;

  while (heap.size > 0) {
    const d = heap.peekKey();
    if (d > cut) break;
    const item = heap.peekItem();
    heap.pop();
    if (item >= 0) {
      if (accept(item)) {
        if (found === knnSlots.length) growOut();
        knnSlots[found++] = item;
        if (found >= k) cut = d;
      }
      continue;
    }
    const node = -1 - item;
    const left = nLeft[node] as number, right = nRight[node] as number;
    if (right - left <= nodeSize) {
      for (let i = left; i <= right; i++) {
        const dx = (vecs[3 * i] as number) - qx, dy = (vecs[3 * i + 1] as number) - qy, dz = (vecs[3 * i + 2] as number) - qz;
        const a = (dx * dx + dy * dy + dz * dz) / 4;
        if (a <= cut) heap.push(a, ids[i] as number);
      }
      continue;
    }
    const m = (left + right) >> 1;
    const mx = coords[2 * m] as number, my = coords[2 * m + 1] as number;
    const dx = (vecs[3 * m] as number) - qx, dy = (vecs[3 * m + 1] as number) - qy, dz = (vecs[3 * m + 2] as number) - qz;
    const a = (dx * dx + dy * dy + dz * dz) / 4;
    if (a <= cut) heap.push(a, ids[m] as number);
    const axis = nAxis[node] as number;
    const b = 4 * node;
    const w = nBox[b] as number, s = nBox[b + 1] as number, e = nBox[b + 2] as number, n = nBox[b + 3] as number;
    const lw = w, ls = s, le = axis === 0 ? mx : e, ln = axis === 1 ? my : n;
    const rw = axis === 0 ? mx : w, rs = axis === 1 ? my : s, re = e, rn = n;
    const lb = boxBound(lng, lat, cosLat, lw, ls, le, ln);
    if (lb <= cut && m - 1 >= left) heap.push(lb, -1 - newNode(left, m - 1, 1 - axis, lw, ls, le, ln));
    const rb = boxBound(lng, lat, cosLat, rw, rs, re, rn);
    if (rb <= cut && right >= m + 1) heap.push(rb, -1 - newNode(m + 1, right, 1 - axis, rw, rs, re, rn));
  }
  return found;
}

/** Output of the last knn() call (valid until the next call). */
export let knnSlots = new Int32Array(256);

function growOut(): void {
  const next = new Int32Array(knnSlots.length * 2);
  next.set(knnSlots);
  knnSlots = next;
}
