// Wiring of the wall: screens and their credentials (let into authentication), saved views, pushes to the realtime hub.
import type { Database } from '../db/database';
import { WallRepo } from '../db/wall-repo';
import type { WallScreenMessage } from '../realtime/messages';
import type { CameraDirectory } from '../spatial/camera-directory';
import { ScreenCredentials } from '../wall/screen-credentials';
import { ViewService } from '../wall/view-service';
import { WallService } from '../wall/wall-service';
import type { CameraService } from '../cameras/camera-service';
import type { AuthParts } from './auth';
import type { Log } from './lifecycle';
import type { Repositories } from './storage';

export interface WallParts {
  wall: WallService;
  views: ViewService;
  credentials: ScreenCredentials;
}

/** `notify` reaches the realtime hub, built later (it needs the listening server). */
export function buildWall(
  db: Database,
  repos: Repositories,
  auth: AuthParts,
  directory: CameraDirectory,
  cameras: CameraService,
  notify: (departmentId: number, screenId: number, state: WallScreenMessage | null) => void,
  log: Log,
): WallParts {
  const repo = new WallRepo(db.knex);
  const credentials = new ScreenCredentials(repo);
  auth.auth.useScreens(credentials);
  const camera = (id: string) => directory.lookup(id);
  const wall = new WallService({ repo, credentials, policy: auth.access, audit: repos.audit, camera, notify });
  const views = new ViewService({ repo, policy: auth.access, wall, audit: repos.audit, camera });
  // a removed camera leaves its panes: the screens are told
  cameras.onChange((c) => {
    if (c.kind === 'remove') wall.cameraRemoved().catch((err: unknown) => log('warn', `wall: ${String(err)}`));
  });
  return { wall, views, credentials };
}
