// Wiring of the HTTP side: the API router with every route, the express app, and the listening server.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../config/load';
import type { Database } from '../db/database';
import { CameraFinderRepo } from '../db/camera-finder-repo';
import { RequestAuthenticator } from '../auth/guards';
import { CameraFinder } from '../cameras/camera-finder';
import { AuditReader } from '../admin/audit-reader';
import type { DeviceService } from '../devices/device-service';
import { registerPtzRoutes } from '../http/routes/ptz-routes';
import type { PtzParts } from './ptz';
import type { BaseLayers } from '../map/base-layers';
import { ApiRouter } from '../http/api-router';
import { logLevelOf } from '../http/errors';
import { documentHls, hlsRouter } from '../http/hls-routes';
import { documentLive, liveRouter, liveUpgrade } from '../http/live-routes';
import { createApp, createRequestListener } from '../http/app';
import { opsRouter } from '../http/ops-routes';
import { requestIdOf } from '../logging/request-id';
import type { OpsParts } from './ops';
import { sdkRouter } from '../http/sdk-routes';
import { registerAuthRoutes } from '../http/routes/auth-routes';
import { registerEmbedRoutes } from '../http/routes/embed-routes';
import { registerCameraFinderRoutes } from '../http/routes/camera-finder-routes';
import { registerCameraRoutes } from '../http/routes/camera-routes';
import { registerAdminRoutes } from '../http/routes/admin-routes';
import { registerAuditRoutes } from '../http/routes/audit-routes';
import { registerStreamRoutes } from '../http/routes/stream-routes';
import { registerDeviceRoutes } from '../http/routes/device-routes';
import { registerEventRoutes } from '../http/routes/event-routes';
import { registerEventSourceRoutes } from '../http/routes/event-source-routes';
import { registerEventWebhookRoutes, WEBHOOK_PATH, webhookBodyParser } from '../http/routes/event-webhook-routes';
import { registerGisRoutes } from '../http/routes/gis-routes';
import { registerMapRoutes } from '../http/routes/map-routes';
import { registerMetaRoutes } from '../http/routes/meta-routes';
import { registerHealthRoutes } from '../http/routes/health-routes';
import { registerRecordingRoutes } from '../http/routes/recording-routes';
import { documentPlayback, playbackRouter } from '../http/playback-routes';
import { registerExportRoutes } from '../http/routes/export-routes';
import { documentExportDownload, exportDownloadRouter } from '../http/export-download';
import type { PlaybackParts } from './playback';
import type { AuthParts } from './auth';
import type { CameraParts } from './cameras';
import type { AlarmParts } from './alarms';
import type { WallParts } from './wall';
import type { TourService } from '../wall/tour-service';
import { registerTourRoutes } from '../http/routes/tour-routes';
import { registerWallRoutes } from '../http/routes/wall-routes';
import { registerViewRoutes } from '../http/routes/view-routes';
import { registerAlarmRoutes } from '../http/routes/alarm-routes';
import { registerAlarmRuleRoutes } from '../http/routes/alarm-rule-routes';
import { registerEventVideoRoutes } from '../http/routes/event-video-routes';
import { buildEventVideo } from './event-video';
import type { EventParts } from './events';
import type { SpatialParts } from './spatial';
import type { StreamParts } from './streams';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the routes serve. */
export interface HttpDeps {
  version: string;
  baseLayers: BaseLayers;
  db: Database;
  repos: Repositories;
  auth: AuthParts;
  cameras: CameraParts;
  spatial: SpatialParts;
  streams: StreamParts;
  devices: DeviceService;
  ptz: PtzParts;
  events: EventParts;
  playback: PlaybackParts;
  alarms: AlarmParts;
  wall: WallParts;
  tours: TourService;
  ops: OpsParts;
}

export interface HttpParts {
  api: ApiRouter;
  app: ReturnType<typeof createApp>;
  server: http.Server;
  /** The port listened on (the configured one, or the one chosen for port 0). */
  port: number;
}

/** Builds the API router with every route; refusals by the policy are audited as denied. */
function buildApi(config: Config, d: HttpDeps, logError: (err: unknown) => void): ApiRouter {
  const { repos, baseLayers } = d;
  const { access } = d.auth;
  const { cameras } = d.cameras;
  const api = new ApiRouter(new RequestAuthenticator(d.auth.auth, d.auth.embeds), access, logError, (r) =>
    repos.audit.append({
      actorType: r.principal.kind,
      actorId: r.principal.id,
      actorName: r.principal.name,
      departmentId: r.principal.departmentId,
      ip: r.ip,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      outcome: 'denied',
      detail: { refusedBy: 'policy', reason: r.reason },
    }),
  );
  registerAuthRoutes(api, d.auth.auth);
  registerEmbedRoutes(api, d.auth.embeds);
  registerCameraFinderRoutes(api, new CameraFinder(new CameraFinderRepo(d.db.knex), access));
  registerCameraRoutes(api, cameras);
  registerAdminRoutes(api, d.cameras.admin);
  registerAuditRoutes(api, new AuditReader(repos.audit, access));
  registerStreamRoutes(api, d.streams.streams, d.streams.snapshots, d.streams.stills, d.streams.routing);
  documentHls(api);
  documentLive(api);
  registerRecordingRoutes(api, d.playback.playback);
  documentPlayback(api);
  registerExportRoutes(api, d.playback.exports);
  documentExportDownload(api);
  registerDeviceRoutes(api, d.devices, () => repos.cameras.xaddrs());
  registerPtzRoutes(api, d.ptz.ptz, d.ptz.patrols, d.ptz.setPriority, d.streams.routing);
  registerEventRoutes(api, d.events.ingest, d.events.search, cameras);
  registerEventSourceRoutes(api, d.events.sources);
  registerEventWebhookRoutes(api, d.events.sources, config.events.webhook.maxBodyBytes);
  registerAlarmRuleRoutes(api, d.alarms.rules);
  registerAlarmRoutes(api, d.alarms.alarms);
  registerWallRoutes(api, d.wall.wall, d.wall.views, d.wall.credentials);
  registerViewRoutes(api, d.wall.views);
  registerTourRoutes(api, d.tours);
  const video = buildEventVideo(config, d.auth, d.spatial, d.events, d.playback, d.alarms);
  registerEventVideoRoutes(api, video.links, video.tracks);
  registerGisRoutes(api, d.spatial.spatial, access, {
    maxRadiusM: config.gis.maxRadiusM,
    maxResults: config.gis.maxResults,
  });
  registerMapRoutes(api, baseLayers);
  registerHealthRoutes(api, d.playback.health);
  const { center, zoom } = config.map;
  registerMetaRoutes(api, d.version, () => ({
    map: { center, zoom, baseLayers: baseLayers.client },
    gis: { defaultRangeM: config.gis.defaultRangeM },
  }));
  return api;
}

/** Builds the routes and the app, and listens on `config.server` (host, port). */
export async function buildHttp(config: Config, d: HttpDeps, closers: Closers, log: Log): Promise<HttpParts> {
  const logError = (err: unknown, res?: http.ServerResponse): void => {
    const requestId = requestIdOf(res?.req);
    const fields = requestId ? { requestId } : undefined;
    // a device's bad answer is the outside world failing, not a bug: its reason, no stack
    if (logLevelOf(err) === 'warn') log('warn', err instanceof Error ? err.message : String(err), fields);
    else log('error', err instanceof Error ? (err.stack ?? err.message) : String(err), fields);
  };
  const api = buildApi(config, d, logError);
  const live = {
    allowedOrigins: config.security.allowedOrigins,
    ...(d.streams.routing ? { routing: d.streams.routing } : {}),
  };
  const app = createApp({
    api,
    mounts: [
      { path: '/', router: opsRouter(d.ops.endpoints) },
      { path: '/', router: sdkRouter(path.join(ROOT, 'web', 'sdk', 'dist'), d.auth.embeds) },
      { path: '/hls', router: hlsRouter(d.streams.streams, d.streams.routing) },
      { path: '/live', router: liveRouter(d.streams.streams, live) },
      { path: '/playback', router: playbackRouter(d.playback.playback, d.playback.repo) },
      { path: '/exports', router: exportDownloadRouter(d.playback.exports) },
      { path: `/api/v1${WEBHOOK_PATH}`, router: webhookBodyParser(config.events.webhook.maxBodyBytes) },
    ],
    bodyLimitBytes: config.server.bodyLimitBytes,
    importLimitBytes: config.server.importLimitBytes,
    webDir: path.join(ROOT, 'web', 'dist'),
    corsOrigins: config.server.corsOrigins,
    log: logError,
  });
  const embeds = d.auth.embeds;
  const server = http.createServer(
    createRequestListener(
      app,
      api,
      config.server.corsOrigins,
      d.ops.requests,
      () => embeds.origins,
      d.streams.routing?.vouch,
    ),
  );
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // WebSocket viewers: checked, then upgraded (socket.io keeps /socket.io/)
  const upgrade = liveUpgrade(d.streams.streams, d.streams.live, live, logError);
  server.on('upgrade', upgrade.listener);
  closers.add(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  // closed first (reverse order): viewers get 1001 before the server goes
  closers.add(async () => {
    server.off('upgrade', upgrade.listener);
    await d.streams.live.close();
    upgrade.close();
  });
  return { api, app, server, port };
}
