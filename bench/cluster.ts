// Cluster benchmark (cloudeye bench cluster): three gateway nodes as processes on one PostgreSQL schema. storm: 1,000
// stream opens at once over the nodes for 100 cameras (duplicate_pulls); failover: SIGKILL of the node holding the most
// pulls, until every stream it held plays again for its viewer and every recording runs again (failover_s); propagation:
// a camera moved on one node until another node's spatial answer shows it (change_propagation_p99_ms); cascade: a
// township's camera played by the city's operator against the township's own (cascade_first_frame_ratio, bench/cascade.ts).
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { parsePhaseList } from './phases';
import { startClusterRig, type ClusterRig } from './cluster-rig';
import { ClusterViewer } from './cluster-viewer';
import type { NodeProcess } from './cluster-nodes';
import { run as runCascade } from './cascade';

/** The phases `--only` may name, in the order they run. */
export const CLUSTER_PHASES = ['storm', 'failover', 'propagation', 'cascade'] as const;
export type ClusterPhase = (typeof CLUSTER_PHASES)[number];

export interface ClusterBenchOptions {
  log: (line: string) => void;
  /** Fewer opens, viewers and changes: a smoke test, not a measurement. */
  quick?: boolean;
  only?: string;
}

interface Ctx {
  rig: ClusterRig;
  log: (line: string) => void;
  quick: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * p) - 1] ?? NaN;

export async function run(opts: ClusterBenchOptions): Promise<void> {
  const quick = opts.quick === true;
  const phases = parsePhaseList('cluster', CLUSTER_PHASES, opts.only);
  const dbUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const onRig = CLUSTER_PHASES.filter((p) => p !== 'cascade' && phases.has(p));
  // the cascade runs two gateways of its own (a township linked to a city), not the three nodes
  if (onRig.length) await onNodes(opts, quick, dbUrl, onRig);
  if (phases.has('cascade')) await runCascade({ log: opts.log, quick });
}

async function onNodes(
  opts: ClusterBenchOptions,
  quick: boolean,
  dbUrl: string,
  phases: ClusterPhase[],
): Promise<void> {
  const rig = await startClusterRig({
    dbUrl,
    names: ['b1', 'b2', 'b3'],
    cameras: quick ? 30 : 100,
    recorded: quick ? 6 : 30,
    config: { transcoder: { idleTimeoutS: 120 }, recording: { planIntervalS: 2 } },
  });
  try {
    const ctx: Ctx = { rig, log: opts.log, quick };
    for (const p of phases) await PHASES[p as Exclude<ClusterPhase, 'cascade'>](ctx);
  } finally {
    await rig.close();
  }
}

const PHASES: Record<Exclude<ClusterPhase, 'cascade'>, (c: Ctx) => Promise<void>> = { storm, failover, propagation };

/** Opens at once, spread over the nodes, each asked again after a 503 as the player does; duplicates counted twice over. */
async function storm({ rig, log, quick }: Ctx): Promise<void> {
  const nodes = rig.nodes.nodes.filter((n) => n.alive);
  const total = quick ? 150 : 1000;
  rig.sim.resetPeak();
  let retried = 0;
  const open = async (i: number): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      const r = await rig.open(nodes[(i + attempt) % nodes.length]!, rig.cameras[i % rig.cameras.length]!.id, 'sub');
      if (r.status !== 503 || attempt === 9) return r.status;
      retried++;
      await sleep(1000);
    }
  };
  const t0 = performance.now();
  const statuses = await Promise.all(Array.from({ length: total }, (_, i) => open(i)));
  const ms = performance.now() - t0;
  const ok = statuses.filter((s) => s === 201).length;
  const pulls = await rig.nodes.pullMap();
  // a pull on two nodes at once, as the nodes say, and a second RTSP session on a camera, as the camera saw it
  let onTwo = 0;
  let sessions = 0;
  for (const cam of rig.cameras) {
    onTwo += Math.max(0, (pulls.get(`${cam.id}.sub`)?.length ?? 0) - 1);
    sessions += Math.max(0, rig.sim.peakSessions(RtspProcess.mount(cam.index, 'sub')) - 1);
  }
  log(`# storm: ${total} opens for ${rig.cameras.length} cameras over ${nodes.length} nodes in ${Math.round(ms)} ms;`);
  log(
    `#   ${ok} answered 201, ${retried} asked again after 503; pulls on two nodes ${onTwo}, extra RTSP sessions ${sessions}`,
  );
  if (ok !== total) throw new Error(`bench cluster: ${total - ok} opens were refused`);
  log(`bench duplicate_pulls ${onTwo + sessions} count`);
}

/** Viewers of the victim's streams (through the other nodes), then SIGKILL; until every one plays and records again. */
async function failover({ rig, log, quick }: Ctx): Promise<void> {
  const alive = rig.nodes.nodes.filter((n) => n.alive);
  // same-run baseline: the same number of streams started cold at once, without any failure
  const count = quick ? 4 : 20;
  const cold = rig.cameras.slice(-count).map((c, i) => new ClusterViewer(rig, alive[i % alive.length]!, c.id, 'main'));
  const tc = performance.now();
  await Promise.all(cold.map((v) => v.start()));
  const coldS = (performance.now() - tc) / 1000;
  for (const v of cold) v.close();
  const held = await Promise.all(alive.map(async (n) => ({ n, live: await n.live(), recs: await n.recorders() })));
  const victim = held.sort((a, b) => b.live.length - a.live.length)[0]!;
  const others = alive.filter((n) => n !== victim.n);
  const watched = victim.live.filter((k) => k.endsWith('.sub')).slice(0, count);
  const viewers = watched.map((k, i) => new ClusterViewer(rig, others[i % others.length]!, k.split('.')[0]!, 'sub'));
  await Promise.all(viewers.map((v) => v.start()));
  log(`# failover: ${victim.n.name} holds ${victim.live.length} live pulls and ${victim.recs.length} recordings;`);
  log(`#   ${viewers.length} of its streams watched through ${others.map((o) => o.name).join(', ')}`);
  const duplicates = new Set<string>();
  const t0 = performance.now();
  await rig.nodes.kill(victim.n);
  let playing = 0;
  let recording = 0;
  while (!playing || !recording) {
    const now = performance.now();
    if (now - t0 > 30_000) throw new Error('bench cluster: the dead node’s streams did not come back within 30 s');
    if (!playing && viewers.every((v) => v.droppedAt > t0 && v.lastFrameAt > v.droppedAt)) playing = now - t0;
    const [recs, pulls] = await Promise.all([Promise.all(others.map((o) => o.recorders())), rig.nodes.pullMap()]);
    for (const [k, on] of pulls) if (on.length > 1) duplicates.add(k);
    if (!recording && victim.recs.every((k) => recs.flat().includes(k))) recording = performance.now() - t0;
    await sleep(50);
  }
  for (const v of viewers) v.close();
  log(
    `#   viewers playing again after ${Math.round(playing)} ms, recordings running again after ${Math.round(recording)} ms`,
  );
  log(`#   pulls seen on two nodes during the fail-over: ${duplicates.size}`);
  log(`bench failover_s ${(Math.max(playing, recording) / 1000).toFixed(2)} s`);
  log(`bench failover_baseline_cold_start_s ${coldS.toFixed(2)} s`);
}

/** A camera moved on one node, polled in another node's nearby answer (and, as the baseline, in its own node's). */
async function propagation({ rig, log, quick }: Ctx): Promise<void> {
  const [a, b] = rig.nodes.nodes.filter((n) => n.alive) as [NodeProcess, NodeProcess];
  const cam = rig.cameras[0]!;
  const samples = quick ? 5 : 50;
  const remote: number[] = [];
  const local: number[] = [];
  for (let i = 0; i < samples; i++) {
    const lng = 117 + (i % 2) * 0.5 + i * 0.001;
    const seen = async (n: NodeProcess): Promise<boolean> => {
      const r = await rig.api(n, 'GET', `/api/v1/gis/nearby?lng=${lng}&lat=30&radius=30&limit=5`);
      const items = r.body?.items as Array<{ camera: { id: string } }> | undefined;
      return items?.some((x) => String(x.camera.id) === cam.id) === true;
    };
    const t0 = performance.now();
    const r = await rig.api(a, 'PATCH', `/api/v1/cameras/${cam.id}`, { lng, lat: 30 });
    if (r.status !== 200) throw new Error(`bench cluster: moving camera ${cam.id}: ${r.status} ${r.text}`);
    const answered = performance.now();
    const found = { a: 0, b: 0 };
    while (!found.a || !found.b) {
      if (performance.now() - t0 > 10_000) throw new Error('bench cluster: a camera change was not seen within 10 s');
      const [sa, sb] = await Promise.all([found.a || seen(a), found.b || seen(b)]);
      if (sa && !found.a) found.a = performance.now();
      if (sb && !found.b) found.b = performance.now();
    }
    remote.push(found.b - t0);
    local.push(found.a - t0);
    if (i === 0) log(`# propagation: PATCH answered after ${Math.round(answered - t0)} ms`);
  }
  log(`# propagation: ${samples} moves on ${a.name}; seen on ${b.name} p50 ${pct(remote, 0.5).toFixed(0)} ms`);
  log(`bench change_propagation_p99_ms ${pct(remote, 0.99).toFixed(0)} ms`);
  log(`bench change_local_p99_ms ${pct(local, 0.99).toFixed(0)} ms`);
}
