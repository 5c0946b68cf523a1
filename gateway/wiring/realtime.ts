// Wiring of realtime pushes: socket.io on the HTTP server, fed by camera, access, stream and stream-health changes.
import type http from 'node:http';
import type { Supervisor } from '../../transcoder/index';
import { Realtime } from '../realtime/realtime';
import { principalKey } from '../auth/policy';
import { isScreenToken } from '../wall/screen-credentials';
import { isEmbedToken } from '../auth/embed-tokens';
import type { CameraService } from '../cameras/camera-service';
import type { CameraDirectory } from '../spatial/camera-directory';
import type { AuthParts } from './auth';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';
import type { Database } from '../db/database';
import { schemaPool } from '../db/pg-pool';
import { postgresAdapter } from '../realtime/cluster-adapter';
import type { ClusterParts } from './cluster';

/** Attaches socket.io to `server`; a camera whose stream keeps failing is marked offline for everyone. */
export function buildRealtime(
  server: http.Server,
  authParts: AuthParts,
  cameras: CameraService,
  directory: CameraDirectory,
  supervisor: Supervisor,
  repos: Repositories,
  closers: Closers,
  log: Log,
  cluster: { parts: ClusterParts; db: Database } | null = null,
): Realtime {
  const { auth, access } = authParts;
  let adapter: ReturnType<typeof postgresAdapter> | undefined;
  if (cluster) {
    const warn = (err: Error): void => log('warn', `realtime: cluster adapter: ${err.message}`);
    const pool = schemaPool(cluster.db.url, cluster.db.schema, 3, warn);
    // closed after the realtime hub (which gives the adapter's connection back first); a LISTEN connection the
    // adapter was still opening is not waited for
    closers.add(() => Promise.race([pool.end(), new Promise<void>((r) => setTimeout(r, 2000).unref())]));
    adapter = postgresAdapter(pool, cluster.db.schema, warn);
  }
  const rt = new Realtime(server, {
    authenticate: async (a, origin, host) =>
      typeof a.apiKey === 'string'
        ? auth.fromApiKey(a.apiKey)
        : typeof a.token === 'string' && isScreenToken(a.token)
          ? auth.fromScreenToken(a.token)
          : typeof a.token === 'string' && isEmbedToken(a.token)
            ? authParts.embeds.authenticate(a.token, origin, host)
            : (await auth.fromAccessToken(typeof a.token === 'string' ? a.token : '')).principal,
    reauthenticate: (p) => auth.resolve(principalKey(p)),
    policy: access,
    lookup: (id) => directory.lookup(id),
    ...(adapter ? { adapter } : {}),
  });
  closers.add(() => rt.close());
  access.onChange(() => rt.invalidate());
  auth.onInvalidate(() => void rt.refreshPrincipals());
  // removals are published before the directory forgets the camera (see main.ts)
  cameras.onChange((c) => {
    if (c.kind === 'upsert') rt.publishCamera('changed', c.camera.id);
  });
  // a derived output (the H.264 of an H.265 pull) is not the camera's stream: its idle stop and its
  // failures say nothing of the camera, whose own pull reports those
  supervisor.on('state', (e) =>
    e.derived
      ? undefined
      : rt.publishStreamState({ cameraId: e.cameraId, profile: e.profile, state: e.state, reason: e.reason }),
  );
  // a camera whose stream keeps failing is offline for everyone, not only for its viewers
  const streamHealth = (id: string, status: 'offline' | 'online', reason: string): void => {
    directory.setStatus(id, status);
    rt.publishStatus([{ id, status, reason, lastSeen: status === 'online' ? new Date().toISOString() : null }]);
    repos.cameras
      .setStatuses([{ id, status, reason, lastSeen: status === 'online' ? new Date() : null }])
      // cluster: the other nodes re-read the state once it is stored, into their index and to their sockets
      .then(() => cluster?.parts.changes.publish('status', id))
      .catch((err: unknown) => log('warn', `status: ${String(err)}`));
  };
  supervisor.on('failing', (e) => !e.derived && streamHealth(e.cameraId, 'offline', `stream failing: ${e.reason}`));
  supervisor.on('recovered', (e) =>
    e.derived
      ? undefined
      : streamHealth(e.cameraId, 'online', `stream recovered after ${Math.round(e.downForMs / 1000)} s`),
  );
  return rt;
}
