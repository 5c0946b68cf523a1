// The demo's command-center wall: two screens of the police department (左屏 with four panes, 右屏 with one large pane
// and twelve small ones), cameras on their panes, and at every start a fresh pairing link per screen to open them.
import type { Knex } from 'knex';
import type { Principal } from '../auth/policy-terms';
import type { WallService } from '../wall/wall-service';

export const DEMO_WALL = [
  { name: '指挥中心左屏', col: 0, row: 0, layout: '4' },
  { name: '指挥中心右屏', col: 1, row: 0, layout: 'L4-2' },
] as const;

export interface DemoScreen {
  id: number;
  name: string;
  /** /screen/<id>#pair=<secret>: opening it pairs the browser (the secret is valid once, for 24 h). */
  url: string;
}

/**
 * Registers the demo wall (once: screens an operator changed are kept) as the police department's admin, and issues
 * each demo screen a new pairing secret. `base` is the console's URL.
 */
export async function seedDemoWall(knex: Knex, wall: WallService, base: string): Promise<DemoScreen[]> {
  const user = await knex('users as u')
    .join('departments as d', 'd.id', 'u.department_id')
    .where({ 'u.username': 'police.admin', 'd.code': 'police' })
    .first('u.id', 'u.role', 'u.department_id');
  if (!user) return [];
  const admin: Principal = {
    kind: 'user',
    id: Number(user.id),
    name: 'police.admin',
    role: user.role,
    departmentId: Number(user.department_id),
    area: null,
    scopes: [],
  };
  const existing = await wall.list(admin);
  const cameras: string[] = (
    await knex('cameras').where({ department_id: admin.departmentId }).orderBy('id').limit(8).select('id')
  ).map((c: { id: string | number }) => String(c.id));
  const out: DemoScreen[] = [];
  let next = 0;
  for (const spec of DEMO_WALL) {
    let screen = existing.find((s) => s.name === spec.name);
    if (!screen) {
      screen = (await wall.create(admin, { ...spec })).screen;
      // the first panes of each screen get the department's first cameras
      for (let pane = 0; pane < Math.min(4, screen.panes.length) && next < cameras.length; pane++)
        screen = await wall.setPane(admin, screen.id, pane, cameras[next++]!);
    }
    const pairing = await wall.repair(admin, screen.id);
    out.push({ id: screen.id, name: screen.name, url: `${base}/screen/${screen.id}#pair=${pairing.secret}` });
  }
  return out;
}
