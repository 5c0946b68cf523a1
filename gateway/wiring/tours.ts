// Wiring of wall tours: the runner (its next streams started through the stream service, as a live viewer's are), the
// service, and the tours that ran when the gateway stopped, started again where they were; and alarms on the wall (a
// rule's screen shows its alarms' cameras until they are closed, also across a restart), hooked to the alarm side here.
import { screenPrincipal } from '../auth/policy';
import type { Database } from '../db/database';
import { AlarmsRepo } from '../db/alarms-repo';
import { TourRepo } from '../db/tour-repo';
import { WallAlarmRepo } from '../db/wall-alarm-repo';
import { WallRepo } from '../db/wall-repo';
import { NotFoundError } from '../errors';
import type { CameraDirectory } from '../spatial/camera-directory';
import type { StreamService } from '../streams/stream-service';
import { StreamElsewhereError } from '../cluster/errors';
import { TourRunner } from '../wall/tour-runner';
import { TourService } from '../wall/tour-service';
import { WallAlarms } from '../wall/wall-alarms';
import type { AlarmParts } from './alarms';
import type { AuthParts } from './auth';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';
import type { WallParts } from './wall';

export async function buildTours(
  db: Database,
  repos: Repositories,
  auth: AuthParts,
  directory: CameraDirectory,
  streams: StreamService,
  wall: WallParts,
  alarms: AlarmParts,
  closers: Closers,
  log: Log,
): Promise<{ tours: TourService; runner: TourRunner; wallAlarms: WallAlarms }> {
  const repo = new TourRepo(db.knex);
  const walls = new WallRepo(db.knex);
  const camera = (id: string) => directory.lookup(id);
  const runner = new TourRunner({
    tour: (id) => repo.tour(id),
    view: (id) => walls.view(id),
    camera,
    show: (screenId, layout, cameras, overlay, valid) => wall.wall.drive(screenId, layout, cameras, overlay, valid),
    prestart: async (screenId, cameraId, profile) => {
      const s = await walls.screen(screenId);
      if (!s) throw new NotFoundError(`wall: no screen ${screenId}`);
      // a session of the screen's own: the output runs (and idles out as any unwatched one) until the screen plays it;
      // in a cluster the pull may be placed on another node, which starts it there: warm all the same
      await streams.open(screenPrincipal(s), cameraId, { profile }, '').catch((err: unknown) => {
        if (!(err instanceof StreamElsewhereError)) throw err;
      });
    },
    preview: (screenId, next) => wall.wall.setOverlay(screenId, { ...wall.wall.overlay(screenId), next }),
    saveStep: (screenId, step) => repo.step(screenId, step),
    log,
  });
  closers.add(() => runner.close());
  const tours = new TourService({
    repo,
    walls,
    wall: wall.wall,
    runner,
    policy: auth.access,
    audit: repos.audit,
    camera,
    log,
  });
  const alarmRepo = new AlarmsRepo(db.knex);
  const wallAlarms = new WallAlarms({
    wall: wall.wall,
    runner,
    audit: repos.audit,
    store: new WallAlarmRepo(db.knex),
    alarm: async (id) => {
      const a = await alarmRepo.get(id);
      return a ? { state: a.state, departmentId: a.departmentId } : null;
    },
    ruleScreen: (id) => alarms.rules.rules.find((r) => r.rule.id === id)?.rule.screenId ?? null,
    content: async (id) => {
      const s = await walls.screen(id);
      if (!s) return null;
      return { layout: s.layout, cameras: Array.from({ length: 36 }, (_, i) => s.panes.get(i) ?? null) };
    },
    log,
  });
  closers.add(() => wallAlarms.close());
  // the alarms screens showed at the last stop are shown again, their tours held; those closed meanwhile restored
  const held = await wallAlarms.restore();
  await tours.resume(held);
  wallAlarms.settle();
  alarms.alarms.onMoved((a) => wallAlarms.moved(a));
  tours.onStopped((screenId) => wallAlarms.tourStopped(screenId));
  return { tours, runner, wallAlarms };
}
