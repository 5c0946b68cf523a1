// Gateway wiring: constructs every component in order, and closes them in reverse.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/load';
import { Database } from './db/database';
import { EmbeddedDatabase } from './db/embedded';
import { CamerasRepo, gisRows } from './db/cameras-repo';
import { OrgRepo } from './db/org-repo';
import { AccountsRepo } from './db/accounts-repo';
import { AuditRepo } from './db/audit-repo';
import { CredentialBox, loadMasterKey } from './auth/secrets';
import { TokenService } from './auth/tokens';
import { AccessControl } from './auth/access';
import { AuthService } from './auth/auth-service';
import { RequestAuthenticator } from './auth/guards';
import { CameraService } from './cameras/camera-service';
import { AdminService } from './admin/admin-service';
import { CameraDirectory } from './spatial/camera-directory';
import { SpatialQueries } from './spatial/spatial-queries';
import { registerGisRoutes } from './http/routes/gis-routes';
import { registerDeviceRoutes } from './http/routes/device-routes';
import { registerEventRoutes } from './http/routes/event-routes';
import { EventsRepo } from './db/events-repo';
import { DeviceService } from './devices/device-service';
import { HealthService } from './health/health-service';
import { Realtime } from './realtime/realtime';
import { StreamService } from './streams/stream-service';
import { SnapshotService } from './streams/snapshot-service';
import { StillService } from './streams/still-service';
import { Supervisor, streamKey, type GrabSpec, type Profile } from '../transcoder/index';
import { ApiRouter } from './http/api-router';
import { CameraReach, type ServiceEndpoint } from './cameras/camera-reach';
import { logLevelOf } from './http/errors';
import { documentHls, hlsRouter } from './http/hls-routes';
import { registerStreamRoutes } from './http/routes/stream-routes';
import { createApp, createRequestListener } from './http/app';
import { registerMetaRoutes } from './http/routes/meta-routes';
import { registerAuthRoutes } from './http/routes/auth-routes';
import { registerCameraRoutes } from './http/routes/camera-routes';
import { registerCameraFinderRoutes } from './http/routes/camera-finder-routes';
import { CameraFinder } from './cameras/camera-finder';
import { CameraFinderRepo } from './db/camera-finder-repo';
import { registerAdminRoutes } from './http/routes/admin-routes';
import { registerAuditRoutes } from './http/routes/audit-routes';
import { AuditReader } from './admin/audit-reader';
import { registerMapRoutes } from './http/routes/map-routes';
import { BaseLayers } from './map/base-layers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VERSION = '0.1.0';

export interface GatewayOptions {
  /** Database schema to use (tests isolate themselves); default public. */
  schema?: string;
  /** Log sink for warnings and errors; default stderr. */
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

export interface Gateway {
  url: string;
  port: number;
  config: Config;
  db: Database;
  services: { cameras: CameraService; admin: AdminService; auth: AuthService; access: AccessControl; tokens: TokenService; box: CredentialBox; directory: CameraDirectory; spatial: SpatialQueries; devices: DeviceService; health: HealthService; realtime: Realtime; streams: StreamService; supervisor: Supervisor };
  repos: { cameras: CamerasRepo; org: OrgRepo; accounts: AccountsRepo; audit: AuditRepo };
  api: ApiRouter;
  /** The express application (route listing in tests). */
  app: ReturnType<typeof createApp>;
  server: http.Server;
  /** Re-reads in-memory state (shares, spatial index) after data was written behind the gateway's back (seeds). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startGateway(config: Config, opts: GatewayOptions = {}): Promise<Gateway> {
  const log = opts.log ?? ((level, msg) => process.stderr.write(`[${level}] ${msg}\n`));
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c().catch((err: unknown) => log('error', `close: ${String(err)}`));
  };
  try {
    // first: a missing map file stops the start before anything else is brought up
    const baseLayers = new BaseLayers(config.map.baseLayers, log);
    closers.push(async () => baseLayers.close());
    let url = config.database.url;
    if (!url) {
      const embedded = new EmbeddedDatabase({ dataDir: config.database.embedded.dataDir, port: config.database.embedded.port, onWarn: (m) => log('warn', m) });
      closers.push(() => embedded.close());
      url = await embedded.start();
      log('info', `embedded PostgreSQL on 127.0.0.1:${config.database.embedded.port} (${config.database.embedded.dataDir})`);
    }
    const db = new Database({ url, poolMin: config.database.poolMin, poolMax: config.database.poolMax, ...(opts.schema ? { schema: opts.schema } : {}) });
    closers.push(() => db.close());
    if (opts.schema) await db.ensureSchema();
    await db.migrateUp();

    const master = loadMasterKey(config.security);
    const box = new CredentialBox(master);
    const tokens = new TokenService(master, { issuer: config.security.jwtIssuer, accessTtlS: config.security.accessTokenTtlS, streamTtlS: config.security.streamTokenTtlS });
    const repos = { cameras: new CamerasRepo(db.knex), org: new OrgRepo(db.knex), accounts: new AccountsRepo(db.knex), audit: new AuditRepo(db.knex) };
    const access = new AccessControl(repos.org);
    await access.start();
    const auth = new AuthService(repos.accounts, repos.org, repos.audit, tokens, {
      accessTtlS: config.security.accessTokenTtlS,
      refreshTtlS: config.security.refreshTokenTtlS,
      loginMaxPerUser: config.security.loginMaxPerUser,
      loginMaxPerIp: config.security.loginMaxPerIp,
      loginSlowPerUser: config.security.loginSlowPerUser,
      loginSlowDelayMs: config.security.loginSlowDelayMs,
      loginWindowS: config.security.loginWindowS,
    });
    await auth.start();
    // the gateway's own services are never camera addresses; the HTTP port is known once listening
    const LOOPBACK = /^(localhost|127\.[\d.]+|::1)$/;
    let httpPort = config.server.port;
    const dbUrl = new URL(url);
    const dbHost = dbUrl.hostname.replace(/^\[(.*)\]$/, '$1');
    const services = (): ServiceEndpoint[] => [
      { service: 'HTTP', port: httpPort, hosts: '*' },
      ...(dbHost ? [{ service: 'database', port: Number(dbUrl.port || 5432), hosts: LOOPBACK.test(dbHost) ? ('*' as const) : [dbHost] }] : []),
    ];
    const reach = new CameraReach({ networks: (dep) => repos.org.networks(dep), services, exceptions: config.security.cameraAddressExceptions });
    const cameras = new CameraService(repos.cameras, repos.org, repos.audit, access, box, (fn) => db.knex.transaction(fn), reach);
    const admin = new AdminService(repos.org, repos.accounts, repos.audit, access, auth, box);
    const directory = new CameraDirectory(() => gisRows(db.knex), {
      defaultRangeM: config.gis.defaultRangeM,
      onError: (what, err) => log('error', `${what}: ${String(err)}`),
    });
    const loadStart = performance.now();
    await directory.start();
    log('info', `camera index: ${directory.index.size} cameras in ${Math.round(performance.now() - loadStart)} ms (index built in ${directory.lastSteps.load} steps)`);
    cameras.onChange((c) => directory.apply(c));
    const spatial = new SpatialQueries(directory, access, {
      defaultRangeM: config.gis.defaultRangeM,
      maxResults: config.gis.maxResults,
      onError: (what, err) => log('error', `${what}: ${String(err)}`),
    });
    closers.push(() => spatial.close());
    const loadGrids = async (): Promise<void> => {
      for (const g of spatial.loadGrids(await repos.org.grids())) log('warn', `grids: grid ${g.id} left out of the layer: ${g.error}`);
    };
    const reloadGrids = async (): Promise<void> => {
      await loadGrids();
      // compared with what the index holds: the database already reads null for a deleted grid
      const known = (id: string): number | null | undefined => {
        const g = directory.lookup(id)?.gridId;
        return g == null ? g : Number(g);
      };
      directory.setGrids(await repos.cameras.assignGrids((lng, lat) => spatial.gridOf(lng, lat), known));
    };
    await loadGrids();
    cameras.setGridLocator((lng, lat) => spatial.gridOf(lng, lat));
    admin.onGridsChange(() => void reloadGrids().catch((err: unknown) => log('error', `grids: ${String(err)}`)));

    const supervisor = new Supervisor(config.transcoder);
    await supervisor.start();
    closers.push(() => supervisor.close());
    const streams = new StreamService(
      supervisor,
      {
        record: (p, id, action) => cameras.record(p, id, action),
        credentials: (cam) => cameras.credentials(cam),
        assertReach: (cam) => cameras.assertReach(cam),
        lookup: (id) => directory.lookup(id),
        requireReason: async (departmentId) => (await repos.org.department(departmentId))?.settings.requireStreamReason === true,
      },
      auth,
      access,
      tokens,
      repos.audit,
      { streamTtlS: config.security.streamTokenTtlS, idleCloseS: Math.max(10, config.transcoder.idleTimeoutS), log: (msg) => log('error', msg) },
    );
    streams.start();
    closers.push(() => streams.closeAll());
    cameras.onChange((c) => {
      if (c.kind === 'remove') void streams.stopCamera(c.id, 'camera deleted');
    });
    access.onChange(() => void streams.recheck());
    let realtime: Realtime | null = null;
    const devices = new DeviceService(repos.org, cameras, repos.audit, access, box, { progress: (dept, m) => realtime?.publishScan(dept, m) }, {
      probeRepeats: config.discovery.probeRepeats,
      probeWaitMs: config.discovery.probeWaitMs,
      sweepConcurrency: config.discovery.sweepConcurrency,
      maxSweepPrefix: config.discovery.maxSweepPrefix,
      requestTimeoutMs: config.discovery.requestTimeoutMs,
      maxResponseBytes: config.discovery.maxResponseBytes,
    });
    closers.push(() => devices.close());
    const health = new HealthService(
      () => repos.cameras.all(),
      (c) => cameras.credentials(c),
      {
        persist: (changes) => repos.cameras.setStatuses(changes),
        publish: (changes) => {
          for (const c of changes) directory.setStatus(c.id, c.state);
          realtime?.publishStatus(changes.map((c) => ({ id: c.id, status: c.state, reason: c.reason, lastSeen: c.lastSeen?.toISOString() ?? null })));
        },
      },
      { intervalS: config.health.intervalS, jitter: config.health.jitter, concurrency: config.health.concurrency, timeoutMs: config.health.timeoutMs },
      (msg) => log('warn', msg),
      (c) => cameras.reachRefusal(c),
    );
    cameras.onChange((c) => health.apply(c));
    const frames = {
      grab: (s: GrabSpec) => supervisor.grab(s),
      isLive: (id: string, profile: Profile) => {
        const s = supervisor.get(streamKey(id, profile));
        return s?.state === 'live' && !s.transcode;
      },
    };
    const snapshots = new SnapshotService(frames, { timeoutMs: config.discovery.requestTimeoutMs, cacheMs: 5000, maxBytes: 8 * 1024 * 1024 });
    const stills = new StillService(
      {
        // the policy, then the address check every contact with a camera passes
        record: async (p, id, action) => {
          const cam = await cameras.record(p, id, action);
          await cameras.assertReach(cam);
          return cam;
        },
        credentials: (cam) => cameras.credentials(cam),
      },
      snapshots,
      repos.audit,
    );

    const logError = (err: unknown): void => {
      // a device's bad answer is the outside world failing, not a bug: its reason, no stack
      if (logLevelOf(err) === 'warn') log('warn', err instanceof Error ? err.message : String(err));
      else log('error', err instanceof Error ? (err.stack ?? err.message) : String(err));
    };
    const api = new ApiRouter(new RequestAuthenticator(auth), access, logError, (r) =>
      repos.audit.append({
        actorType: r.principal.kind, actorId: r.principal.id, actorName: r.principal.name, departmentId: r.principal.departmentId, ip: r.ip,
        action: r.action, targetType: r.targetType, targetId: r.targetId, outcome: 'denied', detail: { refusedBy: 'policy', reason: r.reason },
      }),
    );
    registerAuthRoutes(api, auth);
    registerCameraFinderRoutes(api, new CameraFinder(new CameraFinderRepo(db.knex), access));
    registerCameraRoutes(api, cameras);
    registerAdminRoutes(api, admin);
    registerAuditRoutes(api, new AuditReader(repos.audit, access));
    registerStreamRoutes(api, streams, {
      snapshot: async (p, id) => {
        const cam = await cameras.record(p, id, 'snapshot');
        await cameras.assertReach(cam);
        const profile = cam.subUri ? 'sub' : 'main';
        const codec = (profile === 'sub' ? cam.streams.sub : cam.streams.main)?.codec ?? cam.streams.main?.codec;
        const streamUri = cam.subUri ?? cam.mainUri;
        const snap = await snapshots.get({ cameraId: cam.id, profile, snapshotUri: cam.snapshotUri, streamUri, codec, credentials: cameras.credentials(cam) });
        return snap.jpeg;
      },
    }, stills);
    documentHls(api);
    registerDeviceRoutes(api, devices, () => repos.cameras.xaddrs());
    registerEventRoutes(api, new EventsRepo(db.knex), cameras, (e) => realtime?.publishEvent(e));
    registerGisRoutes(api, spatial, access, { maxRadiusM: config.gis.maxRadiusM, maxResults: config.gis.maxResults });
    registerMapRoutes(api, baseLayers);
    const { center, zoom } = config.map;
    registerMetaRoutes(api, VERSION, () => ({ map: { center, zoom, baseLayers: baseLayers.client }, gis: { defaultRangeM: config.gis.defaultRangeM } }));

    const app = createApp({
      api,
      mounts: [{ path: '/hls', router: hlsRouter(streams) }],
      bodyLimitBytes: config.server.bodyLimitBytes,
      importLimitBytes: config.server.importLimitBytes,
      webDir: path.join(ROOT, 'web', 'dist'),
      corsOrigins: config.server.corsOrigins,
      log: logError,
    });
    const server = http.createServer(createRequestListener(app, api, config.server.corsOrigins));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.server.port, config.server.host, () => resolve());
    });
    httpPort = (server.address() as AddressInfo).port;
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    realtime = new Realtime(server, {
      authenticate: async (a) => (typeof a.apiKey === 'string' ? auth.fromApiKey(a.apiKey) : (await auth.fromAccessToken(typeof a.token === 'string' ? a.token : '')).principal),
      policy: {
        permits: (p, action) => access.permits(p, action),
        cameraCheck: (p, action) => (action === 'view' ? access.predicate(p) : (cam) => access.can(p, action, cam)),
        inDepartment: (p, action, departmentId) => access.inDepartment(p, action, departmentId),
      },
      lookup: (id) => directory.lookup(id),
    });
    const rt = realtime;
    closers.push(() => rt.close());
    access.onChange(() => rt.invalidate());
    cameras.onChange((c) => rt.publishCamera(c.kind === 'upsert' ? 'changed' : 'removed', c.kind === 'upsert' ? c.camera.id : c.id));
    supervisor.on('state', (e) => rt.publishStreamState({ cameraId: e.cameraId, profile: e.profile, state: e.state, reason: e.reason }));
    // a camera whose stream keeps failing is offline for everyone, not only for its viewers
    const streamHealth = (id: string, status: 'offline' | 'online', reason: string): void => {
      directory.setStatus(id, status);
      rt.publishStatus([{ id, status, reason, lastSeen: status === 'online' ? new Date().toISOString() : null }]);
      repos.cameras.setStatuses([{ id, status, reason, lastSeen: status === 'online' ? new Date() : null }]).catch((err: unknown) => log('warn', `status: ${String(err)}`));
    };
    supervisor.on('failing', (e) => streamHealth(e.cameraId, 'offline', `stream failing: ${e.reason}`));
    supervisor.on('recovered', (e) => streamHealth(e.cameraId, 'online', `stream recovered after ${Math.round(e.downForMs / 1000)} s`));
    if (config.health.enabled) {
      await health.start();
      closers.push(() => health.close());
    }
    const port = (server.address() as AddressInfo).port;
    const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
    return {
      url: config.server.publicUrl || `http://${host}:${port}/`,
      port,
      config,
      db,
      services: { cameras, admin, auth, access, tokens, box, directory, spatial, devices, health, realtime: rt, streams, supervisor },
      repos,
      api,
      app,
      server,
      reload: async () => {
        await access.reload();
        await directory.start();
        await reloadGrids();
        if (config.health.enabled) await health.reload();
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
