// Gateway wiring: constructs every component in order, and closes them in reverse.
import type { Config } from '../config/load';
import type { Gateway, GatewayOptions } from './gateway-shape';
import type { Realtime } from './realtime/realtime';
import { BaseLayers } from './map/base-layers';
import { Closers, type Log } from './wiring/lifecycle';
import { buildDatabase, buildRepositories } from './wiring/storage';
import { buildAuth } from './wiring/auth';
import { buildCameras } from './wiring/cameras';
import { buildSpatial } from './wiring/spatial';
import { buildStreams, buildTranscoder } from './wiring/streams';
import { buildDevices } from './wiring/devices';
import { buildPtz } from './wiring/ptz';
import { buildGb28181, deviceFootagePort } from './wiring/gb28181';
import { startGbUpstream } from './wiring/gb-upstream';
import { buildCascadeUpper, peerFootagePort } from './wiring/cascade';
import { buildCascadeLower } from './wiring/cascade-lower';
import { buildHttp } from './wiring/http';
import { buildRealtime } from './wiring/realtime';
import { buildHealth } from './wiring/health';
import { buildRecordings } from './wiring/recordings';
import { buildPlayback } from './wiring/playback';
import { buildEvents } from './wiring/events';
import { buildAlarms } from './wiring/alarms';
import { buildWall } from './wiring/wall';
import { buildTours } from './wiring/tours';
import { buildOps, type OpsParts } from './wiring/ops';
import { buildCluster, healthPartition, linkClusterChanges } from './wiring/cluster';
import { buildClusterStreams } from './wiring/cluster-streams';
import { clusterRecordTrigger, followClusterRules } from './wiring/cluster-record';
import { createLogSink } from './logging/log-sink';
import type { WallAlarms } from './wall/wall-alarms';

export const VERSION = '0.1.0';

export type { Gateway, GatewayOptions } from './gateway-shape';

/**
 * Starts a gateway: map layers → database → repositories → auth → cameras → spatial → transcoder → streams → recordings →
 * devices → … → ops (metrics, probes) → http → realtime → health, each registering its close as it is built. `close()`
 * (or a failed start) first drains (/readyz 503), then closes them in reverse order.
 */
export async function startGateway(config: Config, opts: GatewayOptions = {}): Promise<Gateway> {
  const log: Log =
    opts.log ?? createLogSink({ level: config.log.level, format: config.log.format, node: config.server.nodeName });
  const closers = new Closers(log);
  let ops: OpsParts | null = null;
  const drain = (): void => ops?.readiness.drain();
  const close = (): Promise<void> => {
    drain();
    return closers.closeAll();
  };
  try {
    // first: a missing map file stops the start before anything else is brought up
    const baseLayers = new BaseLayers(config.map.baseLayers, log);
    closers.add(async () => baseLayers.close());
    const { db, url } = await buildDatabase(config, opts.schema, closers, log);
    const repos = buildRepositories(db);
    // early: a node started with the name of a live node stops here, before it serves anything
    const cluster = await buildCluster(config, db, closers, log);
    const authParts = await buildAuth(config, db, repos, closers);
    const { access, auth, tokens, box } = authParts;
    const cameraParts = buildCameras(config, db, url, repos, authParts);
    const { cameras, admin } = cameraParts;
    // realtime needs the listening server; what is built before it pushes through this late binding
    let realtime: Realtime | null = null;
    // alarms shown on wall screens, built with the tours (after the alarms they follow)
    let wallAlarms: WallAlarms | null = null;
    // a removal is told before the directory forgets the camera: its record names who may hear of it
    cameras.onChange((c) => {
      if (c.kind === 'remove') realtime?.publishCamera('removed', c.id);
    });
    const spatialParts = await buildSpatial(config, db, repos, access, cameraParts, closers, log);
    const { directory, spatial } = spatialParts;
    // GB/T 28181 devices register; their channels are registry cameras like any other, pulled by the transcoder
    const gb = await buildGb28181(config, repos, cameras, closers, log, cluster?.pins.here);
    // lower Cloud Eye platforms link here; their cameras are registry cameras pulled through their links
    const upper = await buildCascadeUpper(config, repos, cameras, closers, log, cluster?.pins.here);
    const external = [...(gb ? [gb.media] : []), ...(upper ? [upper.media] : [])];
    const supervisor = await buildTranscoder(config, closers, external);
    // cluster: every pull, live or recording, runs under this node's lease of it
    const pulls = cluster ? buildClusterStreams(cluster, supervisor, cameras, repos, authParts, closers, log) : null;
    const streamParts = buildStreams(config, supervisor, cameras, directory, repos, authParts, closers, log, pulls);
    const recordings = await buildRecordings(config, db, supervisor, cameras, repos, closers, log, pulls);
    // events and alarms record on the node that pulls the camera
    const record = cluster && pulls ? clusterRecordTrigger(cluster, pulls, recordings, log) : recordings;
    const playback = await buildPlayback(config, db, recordings, directory, repos, authParts, closers, log, {
      device: gb ? deviceFootagePort(gb, repos) : undefined,
      peer: upper ? peerFootagePort(upper, repos) : undefined,
    });
    const devices = buildDevices(
      config,
      repos,
      cameras,
      authParts,
      { progress: (dept, m) => realtime?.publishScan(dept, m) },
      closers,
    );
    const ptz = await buildPtz(config, db, repos, cameras, authParts, closers, log, gb, upper?.ptz);
    // Cloud Eye as a lower platform of a superior GB/T 28181 platform (shares cameras upward)
    const up = { auth: authParts, ptz: ptz.ptz, playback: playback.playback, directory };
    await startGbUpstream(config, repos, cameras, supervisor, up, closers, log);
    // this platform's link up to its upper platform, publishing what is shared with the upper platform's account
    const lower = buildCascadeLower(
      config,
      repos,
      {
        auth: authParts,
        directory,
        streams: streamParts.streams,
        live: streamParts.live,
        ptz: ptz.ptz,
        playback: playback.playback,
      },
      closers,
      log,
    );
    // who controls a camera's PTZ, to whoever may view it (the one it was taken from among them)
    ptz.control.onChange((c) => realtime?.publishPtzControl(c));
    const events = await buildEvents(config, db, repos, authParts, spatialParts, closers, log);
    // every stored event with a camera goes to the sockets that may see that camera, and records it when its plan says
    events.writer.onAccepted((e) => {
      if (!e.cameraId) return;
      realtime?.publishEvent({ id: e.id, cameraId: e.cameraId, type: e.type, at: e.at, data: e.data });
      record.trigger(e.cameraId, e.id, Date.parse(e.at));
    });
    // linkage rules: matching events raise alarms, record the cameras that see them and notify the operators
    const alarms = await buildAlarms(
      config,
      db,
      repos,
      authParts,
      spatialParts,
      events,
      record,
      (dept, m) => {
        realtime?.publishAlarm(dept, m);
        if (m.reason === 'raised') wallAlarms?.raised(m.alarm, m.cameras);
      },
      closers,
      log,
    );
    if (cluster) followClusterRules(cluster, alarms.rules, log);
    const wall = buildWall(
      db,
      repos,
      authParts,
      directory,
      cameras,
      (dept, id, m) => realtime?.publishScreen(dept, id, m),
      log,
    );
    // tours run by the server on screens, those that ran at the last stop started again where they were
    const tourParts = await buildTours(
      db,
      repos,
      authParts,
      directory,
      streamParts.streams,
      wall,
      alarms,
      closers,
      log,
    );
    const { tours } = tourParts;
    wallAlarms = tourParts.wallAlarms;
    ops = buildOps(
      config,
      { db, url, supervisor, streams: streamParts, recordings, events, auth: authParts },
      closers,
      log,
    );
    const { api, app, server, port } = await buildHttp(
      config,
      {
        version: VERSION,
        baseLayers,
        db,
        repos,
        auth: authParts,
        cameras: cameraParts,
        spatial: spatialParts,
        streams: streamParts,
        devices,
        ptz,
        events,
        playback,
        alarms,
        wall,
        tours,
        ops,
      },
      closers,
      log,
    );
    cameraParts.httpListening(port);
    const rt = buildRealtime(
      server,
      authParts,
      cameras,
      directory,
      supervisor,
      repos,
      closers,
      log,
      cluster && { parts: cluster, db },
    );
    realtime = rt;
    // a recorder failing (its volume refuses writes) or recording again, to whoever may view the camera
    recordings.onStatus((s) => rt.publishRecordingState({ ...s, since: new Date(s.since).toISOString() }));
    const partition = cluster ? healthPartition(cluster, log) : null;
    const health = await buildHealth(config, repos, cameras, directory, rt, closers, log, partition);
    const reloadAll = async (origin: 'local' | 'remote'): Promise<void> => {
      await access.reload(origin);
      await directory.start();
      await spatialParts.reloadGrids();
      if (config.health.enabled) await health.reload();
    };
    if (cluster)
      linkClusterChanges(
        cluster,
        {
          cameras,
          access,
          camera: (id) => repos.cameras.get(id),
          status: (c) => {
            directory.setStatus(c.id, c.status);
            rt.publishStatus([{ id: c.id, status: c.status, reason: c.statusReason, lastSeen: c.lastSeen }]);
          },
          resync: () => reloadAll('remote'),
        },
        log,
      );

    const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
    return {
      url: config.server.publicUrl || `http://${host}:${port}/`,
      port,
      config,
      db,
      services: {
        cameras,
        admin,
        auth,
        access,
        tokens,
        box,
        directory,
        spatial,
        devices,
        health,
        realtime: rt,
        streams: streamParts.streams,
        live: streamParts.live,
        supervisor,
        recordings,
        playback,
        events,
        alarms,
        wall,
        tours,
        ops,
        gb,
        cascade: { upper, lower },
      },
      repos,
      cluster,
      api,
      app,
      server,
      reload: () => reloadAll('local'),
      drain,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
