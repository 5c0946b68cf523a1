// Property test: camera lists return exactly the cameras the policy lets the caller see, over random data.
import assert from 'node:assert/strict';
import type { Polygon } from 'geojson';
import { can, type Principal, type Role } from '../../gateway/auth/policy';
import { grantFromShare } from '../../gateway/db/org-repo';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { pick, rng, testSeed } from '../../sim/random';

const TAGS = ['road', 'school', 'bridge', 'square', 'station', '医院'];
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

describe('API: list visibility property', function () {
  this.timeout(120000);
  let t: TestGateway;
  const seed = testSeed();

  before(async () => {
    t = await startTestGateway();
  });
  after(async () => t?.close());

  it(`lists every visible camera and no other, for random cameras, shares and principals (seed ${seed})`, async () => {
    const r = rng(seed);
    const deps = Object.values(t.departments);
    const rows = Array.from({ length: 400 }, (_, i) => ({
      department_id: pick(r, deps),
      name: `cam-${i}`,
      source: 'rtsp',
      main_uri: `rtsp://10.0.${i >> 8}.${i & 255}/main`,
      lng: 111.6 + r() * 0.2,
      lat: 28.95 + r() * 0.15,
      tags: TAGS.filter(() => r() < 0.25),
      status: pick(r, ['online', 'offline', 'unknown']),
    }));
    const ids = (await t.gw.db.knex('cameras').insert(rows).returning('id')).map((x: { id: string }) => String(x.id));
    // random shares between random departments
    for (let i = 0; i < 8; i++) {
      const from = pick(r, deps);
      const to = pick(
        r,
        deps.filter((d) => d !== from),
      );
      const kind = pick(r, ['all', 'tags', 'cameras', 'polygon'] as const);
      const x = 111.6 + r() * 0.15;
      const y = 28.95 + r() * 0.1;
      await t.gw.repos.org.createShare({
        fromDepartmentId: from,
        toDepartmentId: to,
        kind,
        note: '',
        tags: kind === 'tags' ? [pick(r, TAGS)] : [],
        cameraIds: kind === 'cameras' ? ids.filter(() => r() < 0.1) : [],
        polygon: kind === 'polygon' ? square(x, y, x + 0.05, y + 0.05) : null,
        expiresAt:
          r() < 0.2
            ? new Date(Date.now() - 3600_000).toISOString()
            : r() < 0.3
              ? new Date(Date.now() + 3600_000).toISOString()
              : null,
        grants: 'live',
        createdBy: null,
      });
      if (r() < 0.15) await t.gw.repos.org.revokeShare(i + 1);
    }
    await t.gw.reload(); // shares, and the spatial index over the rows inserted above
    const area = await t.gw.repos.org.createGrids([
      { name: 'scope', kind: 'grid', geometry: square(111.62, 28.97, 111.72, 29.05), properties: {} },
    ]);
    const roles: Role[] = ['admin', 'operator', 'viewer', 'integrator', 'auditor'];
    const shares = (await t.gw.repos.org.shares()).map(grantFromShare);
    const all = await t.gw.repos.cameras.all();
    let checked = 0;
    for (let u = 0; u < 10; u++) {
      const role = pick(r, roles);
      const dept = u === 0 ? null : pick(r, deps);
      const name = `prop${u}`;
      const user = await t.gw.repos.accounts.createUser({
        username: name,
        displayName: name,
        passwordHash: (await t.gw.repos.accounts.userByName('nobody'))?.passwordHash ?? '',
        role: dept === null ? 'admin' : role,
        departmentId: dept,
        areaGridId: r() < 0.3 ? area[0]!.id : null,
        locale: 'en',
      });
      const id = user.id;
      const p: Principal = await t.gw.services.auth.userPrincipal(user);
      const sid = '00000000-0000-4000-8000-00000000000' + u;
      await t.gw.repos.accounts.createSession({
        id: sid,
        userId: id,
        refreshHash: 'x',
        expiresAt: new Date(Date.now() + 3600_000),
      });
      const token = t.gw.services.tokens.signAccess({ sub: String(id), sid, role: user.role, dept: user.departmentId });
      const expected = all
        .filter((c) => can(p, 'view', c, shares))
        .map((c) => c.id)
        .sort();
      const got: string[] = [];
      let cursor = '';
      for (let pages = 0; pages < 100; pages++) {
        const res = await t.api('GET', `/api/v1/cameras?limit=37${cursor ? `&cursor=${cursor}` : ''}`, { token });
        assert.equal(res.status, 200, res.text);
        got.push(...res.body.items.map((c: { id: string }) => c.id));
        if (!res.body.nextCursor) break;
        cursor = res.body.nextCursor;
      }
      assert.deepEqual([...got].sort(), expected, `principal ${name} role ${user.role} dept ${dept} seed ${seed}`);
      assert.equal(new Set(got).size, got.length, 'no camera twice across pages');
      // The spatial index answers with the same set: its department pre-filter never hides a visible camera.
      const box = { bbox: [111.5, 28.9, 111.9, 29.2], limit: 500 };
      const within = await t.api('POST', '/api/v1/gis/within', { token, body: box });
      if (role === 'auditor' && dept !== null) assert.equal(within.status, 403, within.text);
      else {
        assert.equal(within.status, 200, within.text);
        assert.deepEqual(
          within.body.items.map((h: { camera: { id: string } }) => h.camera.id).sort(),
          expected,
          `gis/within ${name}`,
        );
        const d = pick(r, deps);
        const inDept = new Set(all.filter((c) => c.departmentId === d).map((c) => c.id));
        const filtered = await t.api('POST', '/api/v1/gis/within', {
          token,
          body: { ...box, department: [String(d)] },
        });
        assert.deepEqual(
          filtered.body.items.map((h: { camera: { id: string } }) => h.camera.id).sort(),
          expected.filter((id) => inDept.has(id)),
          `gis/within department ${d} ${name}`,
        );
      }
      checked += expected.length;
    }
    assert.ok(checked > 0, 'at least some principals saw cameras');
  });
});
