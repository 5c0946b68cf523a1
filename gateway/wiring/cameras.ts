// Wiring of the camera registry and the administration: address rules, camera CRUD/import, departments and accounts.
import type { Config } from '../../config/load';
import type { Database } from '../db/database';
import { CameraService } from '../cameras/camera-service';
import { CameraReach, type ServiceEndpoint } from '../cameras/camera-reach';
import { AdminService } from '../admin/admin-service';
import type { AuthParts } from './auth';
import type { Repositories } from './storage';

export interface CameraParts {
  cameras: CameraService;
  admin: AdminService;
  /** Tells the address rules the HTTP port once the server listens (the configured one may be 0). */
  httpListening(port: number): void;
}

/** `dbUrl` is the database the gateway connected to: like the HTTP port, never a camera's address. */
export function buildCameras(
  config: Config,
  db: Database,
  dbUrl: string,
  repos: Repositories,
  a: AuthParts,
): CameraParts {
  // the gateway's own services are never camera addresses; the HTTP port is known once listening
  const LOOPBACK = /^(localhost|127\.[\d.]+|::1)$/;
  let httpPort = config.server.port;
  const url = new URL(dbUrl);
  const dbHost = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const services = (): ServiceEndpoint[] => [
    { service: 'HTTP', port: httpPort, hosts: '*' },
    ...(dbHost
      ? [
          {
            service: 'database',
            port: Number(url.port || 5432),
            hosts: LOOPBACK.test(dbHost) ? ('*' as const) : [dbHost],
          },
        ]
      : []),
  ];
  const reach = new CameraReach({
    networks: (dep) => repos.org.networks(dep),
    services,
    exceptions: config.security.cameraAddressExceptions,
  });
  const cameras = new CameraService(
    repos.cameras,
    repos.org,
    repos.audit,
    a.access,
    a.box,
    (fn) => db.knex.transaction(fn),
    reach,
  );
  const admin = new AdminService(repos.org, repos.accounts, repos.audit, a.access, a.auth, a.box);
  return { cameras, admin, httpListening: (port) => (httpPort = port) };
}
