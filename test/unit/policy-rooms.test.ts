// The policy's socket rooms meet exactly where `can` says yes: random cities of shares, cameras and principals, plus named cases.
import assert from 'node:assert/strict';
import type { Polygon } from 'geojson';
import { CAMERA_ACTIONS, GLOBAL_ACTIONS, ROLES, can, departmentScope, inDepartment } from '../../gateway/auth/policy';
import type { CameraAction, PolicyCamera, Principal, Role, ShareGrant } from '../../gateway/auth/policy';
import {
  cameraRooms,
  principalRooms,
  recordRooms,
  roomsValidUntil,
  scopeRooms,
  type Area,
} from '../../gateway/auth/policy-rooms';
import { pick, rng, testSeed } from '../../sim/random';

const NOW = new Date('2026-11-22T12:00:00Z');
const HOUR = 3600_000;
const square = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const TAGS = ['road', 'school', 'a:b', 'x|y'];

/** Whether a principal holding `mine` receives an event sent to `theirs`. */
const meet = (mine: string[], theirs: string[]): boolean => mine.some((r) => theirs.includes(r));

interface City {
  cams: PolicyCamera[];
  shares: ShareGrant[];
  principals: Principal[];
  /** Area key by principal index (as the hub interns them), and the areas by key. */
  keys: Map<number, string>;
  areas: Map<string, Area>;
}

function randomCity(r: () => number): City {
  const box = (): Polygon => {
    const x = Math.floor(r() * 8);
    const y = Math.floor(r() * 8);
    return square(x, y, x + 1 + Math.floor(r() * 4), y + 1 + Math.floor(r() * 4));
  };
  const subset = <T>(list: readonly T[]): T[] => list.filter(() => r() < 0.4);
  const cams: PolicyCamera[] = Array.from({ length: 24 }, (_, i) => ({
    id: `cam-${i}`,
    departmentId: 1 + Math.floor(r() * 3),
    tags: subset(TAGS),
    // integer positions land on polygon edges and corners now and then
    lng: r() < 0.5 ? Math.floor(r() * 11) : r() * 10,
    lat: r() < 0.5 ? Math.floor(r() * 11) : r() * 10,
  }));
  const shares: ShareGrant[] = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, i) => {
    const from = 1 + Math.floor(r() * 3);
    return {
      id: i + 1,
      fromDepartmentId: from,
      toDepartmentId: r() < 0.1 ? from : 1 + Math.floor(r() * 3),
      kind: pick(r, ['all', 'tags', 'cameras', 'polygon'] as const),
      tags: subset(TAGS),
      cameraIds: subset(cams.map((c) => c.id)),
      polygon: r() < 0.9 ? box() : null,
      expiresAt: pick(r, [
        null,
        new Date(NOW.getTime() - HOUR),
        new Date(NOW.getTime() + HOUR * (1 + Math.floor(r() * 3))),
      ]),
      revokedAt: r() < 0.15 ? new Date(NOW.getTime() - HOUR) : null,
      grants: pick(r, ['live', 'live+playback'] as const),
    };
  });
  const principals: Principal[] = [];
  for (const role of ROLES)
    for (const departmentId of [null, 1, 2, 3])
      for (const area of [null, box()])
        principals.push({
          kind: r() < 0.2 ? 'apikey' : 'user',
          id: principals.length,
          name: `p${principals.length}`,
          role,
          departmentId,
          area,
          scopes: subset(['view', 'events', 'spatial', 'playback']),
        });
  const keys = new Map<number, string>();
  const areas = new Map<string, Area>();
  principals.forEach((p, i) => {
    if (!p.area) return;
    keys.set(i, `k${i}`);
    areas.set(`k${i}`, p.area);
  });
  return { cams, shares, principals, keys, areas };
}

/** Every (principal, action, camera) where the rooms and `can` disagree at `at`, rooms of principals computed at `joined`. */
function disagreements(c: City, joined: Date, at: Date): string[] {
  const out: string[] = [];
  for (const action of CAMERA_ACTIONS) {
    const camRooms = c.cams.map((cam) => cameraRooms(action, cam, c.shares, at, c.areas));
    c.principals.forEach((p, i) => {
      const mine = principalRooms(p, action, c.shares, joined, c.keys.get(i));
      c.cams.forEach((cam, j) => {
        const want = can(p, action, cam, c.shares, at);
        if (meet(mine, camRooms[j]!) !== want)
          out.push(`${p.role}/d${p.departmentId}/${p.area ? 'area' : '-'}/${p.kind} ${action} ${cam.id}: can=${want}`);
      });
    });
  }
  return out;
}

describe('policy rooms: a socket receives exactly what `can` allows', () => {
  it('in random cities, for every camera action, principal and camera', () => {
    const seed = testSeed();
    const r = rng(seed);
    for (let n = 0; n < 40; n++) {
      const city = randomCity(r);
      assert.deepEqual(disagreements(city, NOW, NOW).slice(0, 5), [], `seed ${seed}, city ${n}`);
    }
  });

  it('rooms joined now stay right until roomsValidUntil, and are wrong after it without a recompute', () => {
    const seed = testSeed();
    const r = rng(seed);
    let stale = 0;
    for (let n = 0; n < 40; n++) {
      const city = randomCity(r);
      const until = roomsValidUntil(city.shares, NOW);
      const expiring = city.shares.find((s) => s.expiresAt?.getTime() === until);
      if (until === Infinity) continue;
      assert.ok(expiring, `seed ${seed}: ${until} is a share's expiry`);
      assert.deepEqual(
        disagreements(city, NOW, new Date(until - 1)).slice(0, 5),
        [],
        `seed ${seed}, city ${n}: just before the expiry`,
      );
      // recomputed at the expiry they are right again
      assert.deepEqual(
        disagreements(city, new Date(until), new Date(until)).slice(0, 5),
        [],
        `seed ${seed}, city ${n}: recomputed`,
      );
      stale += disagreements(city, NOW, new Date(until)).length > 0 ? 1 : 0;
    }
    assert.ok(stale > 0, `seed ${seed}: some expiry changed what a principal may see`);
  });

  const POLICE = 1;
  const TRAFFIC = 2;
  const URBAN = 3;
  const user = (role: Role, departmentId: number | null, area: Polygon | null = null): Principal => ({
    kind: 'user',
    id: 1,
    name: 'u',
    role,
    departmentId,
    area,
    scopes: [],
  });
  const camAt = (id: string, lng: number, lat: number, tags: string[] = []): PolicyCamera => ({
    id,
    departmentId: POLICE,
    tags,
    lng,
    lat,
  });
  const tagShare: ShareGrant = {
    id: 5,
    fromDepartmentId: POLICE,
    toDepartmentId: TRAFFIC,
    kind: 'tags',
    tags: ['school'],
    cameraIds: [],
    polygon: null,
    grants: 'live',
    expiresAt: null,
    revokedAt: null,
  };
  const polyShare: ShareGrant = {
    ...tagShare,
    id: 6,
    toDepartmentId: URBAN,
    kind: 'polygon',
    tags: [],
    polygon: square(0, 0, 1, 1),
  };
  const school = camAt('s', 0.5, 0.5, ['school']);
  const road = camAt('r', 5, 5, ['road']);
  const cases: Array<[string, Principal, PolicyCamera, boolean]> = [
    ['the owning department', user('viewer', POLICE), road, true],
    ['a tag share to the department', user('viewer', TRAFFIC), school, true],
    ['a tag share not covering the camera', user('viewer', TRAFFIC), road, false],
    ['a polygon share around the camera', user('operator', URBAN), school, true],
    ['a polygon share elsewhere', user('operator', URBAN), road, false],
    ['an auditor (no camera actions)', user('auditor', null), school, false],
    ['an auditor of the owning department', user('auditor', POLICE), school, false],
    ['a city-wide admin', user('admin', null), road, true],
    ['an owner whose area leaves the camera out', user('viewer', POLICE, square(0, 0, 1, 1)), road, false],
    ['an owner whose area holds the camera', user('viewer', POLICE, square(0, 0, 1, 1)), school, true],
    ['a share recipient whose area leaves the camera out', user('viewer', TRAFFIC, square(4, 4, 6, 6)), school, false],
  ];
  for (const [name, p, cam, want] of cases)
    it(`${name}: ${want ? 'receives' : 'does not receive'} the camera's events`, () => {
      const areas = new Map<string, Area>(
        p.area
          ? [
              ['1', p.area],
              ['2', square(0, 0, 10, 10)],
            ]
          : [['2', square(0, 0, 10, 10)]],
      );
      const shares = [tagShare, polyShare];
      assert.equal(can(p, 'view', cam, shares, NOW), want, 'the policy agrees with the case');
      assert.equal(
        meet(
          principalRooms(p, 'view', shares, NOW, p.area ? '1' : undefined),
          cameraRooms('view', cam, shares, NOW, areas),
        ),
        want,
      );
    });

  it('a share grants no owner-only action: edit reaches the owners only', () => {
    const shares = [{ ...tagShare, kind: 'all' as const }];
    assert.equal(
      meet(
        principalRooms(user('admin', TRAFFIC), 'edit', shares, NOW),
        cameraRooms('edit', road, shares, NOW, new Map()),
      ),
      false,
    );
    assert.equal(
      meet(
        principalRooms(user('admin', POLICE), 'edit', shares, NOW),
        cameraRooms('edit', road, shares, NOW, new Map()),
      ),
      true,
    );
  });

  it('department records (scan progress) reach exactly whom inDepartment allows', () => {
    for (const action of GLOBAL_ACTIONS)
      for (const role of ROLES)
        for (const dept of [null, POLICE, TRAFFIC]) {
          const p = user(role, dept);
          for (const records of [POLICE, TRAFFIC, URBAN])
            assert.equal(
              meet(scopeRooms(action, departmentScope(p, action)), recordRooms(action, records)),
              inDepartment(p, action, records),
              `${role}/d${dept} ${action} d${records}`,
            );
        }
  });

  it('room names of one action never serve another', () => {
    const a: CameraAction = 'view';
    const b: CameraAction = 'snapshot';
    assert.equal(
      meet(principalRooms(user('viewer', POLICE), a, [], NOW), cameraRooms(b, road, [], NOW, new Map())),
      false,
    );
  });
});
