// The map clusters' worker thread: builds and queries cluster sets, so no build runs on the gateway's event loop.
import { parentPort, threadId } from 'node:worker_threads';
import {
  ClusterSet,
  packedBuffers,
  type Bbox,
  type ClusterOptions,
  type ClusterPoints,
  type PackedMarkers,
} from '../../gis/index';

export type ClusterRequest =
  | { op: 'build'; id: number; key: number; points: ClusterPoints; options: ClusterOptions }
  | { op: 'query'; id: number; key: number; bbox: Bbox; zoom: number }
  | { op: 'drop'; key: number };

export type ClusterReply =
  | { id: number; ok: true; markers?: PackedMarkers; buildMs?: number; threadId: number }
  | { id: number; ok: false; error: string; gone?: boolean };

const sets = new Map<number, ClusterSet>();

function handle(req: ClusterRequest): ClusterReply | null {
  if (req.op === 'drop') {
    sets.delete(req.key);
    return null;
  }
  try {
    if (req.op === 'build') {
      const t0 = performance.now();
      sets.set(req.key, new ClusterSet(req.points, req.options));
      return { id: req.id, ok: true, buildMs: performance.now() - t0, threadId };
    }
    const set = sets.get(req.key);
    if (!set) return { id: req.id, ok: false, error: `cluster set ${req.key} is gone`, gone: true };
    return { id: req.id, ok: true, markers: set.queryPacked(req.bbox, req.zoom), threadId };
  } catch (err) {
    return { id: req.id, ok: false, error: (err as Error).message };
  }
}

parentPort?.on('message', (req: ClusterRequest) => {
  const reply = handle(req);
  if (reply) parentPort?.postMessage(reply, reply.ok && reply.markers ? packedBuffers(reply.markers) : []);
});
