// Wiring of alarms: linkage rules, the raiser on every accepted event, the workflow and its escalation sweep.
import type { Config } from '../../config/load';
import { AlarmRaiser, type AlarmRecorder } from '../alarms/alarm-raiser';
import { AlarmService } from '../alarms/alarm-service';
import { RuleService } from '../alarms/rule-service';
import type { Database } from '../db/database';
import { AlarmRulesRepo } from '../db/alarm-rules-repo';
import { AlarmsRepo } from '../db/alarms-repo';
import { WallRepo } from '../db/wall-repo';
import type { AlarmMessage } from '../realtime/messages';
import type { AuthParts } from './auth';
import type { EventParts } from './events';
import type { Closers, Log } from './lifecycle';
import type { SpatialParts } from './spatial';
import type { Repositories } from './storage';

export interface AlarmParts {
  rules: RuleService;
  raiser: AlarmRaiser;
  alarms: AlarmService;
}

/**
 * Builds the alarm side and subscribes it to the accepted events. `notify` reaches the realtime hub, built later
 * (it needs the listening server); the subscription is removed and pending alarms finish before the event queue closes.
 */
export async function buildAlarms(
  config: Config,
  db: Database,
  repos: Repositories,
  auth: AuthParts,
  spatial: SpatialParts,
  events: EventParts,
  recordings: AlarmRecorder,
  notify: (departmentId: number, m: AlarmMessage) => void,
  closers: Closers,
  log: Log,
): Promise<AlarmParts> {
  const { access } = auth;
  const repo = new AlarmsRepo(db.knex);
  const walls = new WallRepo(db.knex);
  // a rule may name a wall screen of its department (its alarms are shown there)
  const screenDepartment = async (id: number) => (await walls.screen(id))?.departmentId ?? null;
  const rules = new RuleService(new AlarmRulesRepo(db.knex), access, repos.audit, screenDepartment);
  await rules.start();
  const raiser = new AlarmRaiser({
    rules: () => rules.rules,
    repo,
    chooser: spatial.spatial,
    recorder: recordings,
    audit: repos.audit,
    notify,
    log,
  });
  const alarms = new AlarmService(
    {
      repo,
      policy: access,
      audit: repos.audit,
      event: (id) => events.repo.get(id),
      camera: (id) => spatial.directory.lookup(id),
      user: async (id) => {
        const u = await repos.accounts.user(id);
        return u && !u.disabled ? auth.auth.userPrincipal(u) : null;
      },
      departmentUsers: async (departmentId) =>
        Promise.all(
          (await repos.accounts.users(departmentId)).filter((u) => !u.disabled).map((u) => auth.auth.userPrincipal(u)),
        ),
      notify,
      log,
    },
    { sweepIntervalMs: config.events.alarms.sweepIntervalMs },
  );
  alarms.start();
  const off = events.writer.onAccepted((e) => raiser.accept(e));
  closers.add(async () => {
    off();
    await raiser.settled();
    await alarms.close();
  });
  return { rules, raiser, alarms };
}
