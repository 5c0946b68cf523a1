// Embed tokens and API-key scopes in the policy: a narrowed subject sees the intersection of its scopes, in `can`,
// the bulk visibility answers and the socket rooms alike; actions, origins and what a key may issue.
import assert from 'node:assert/strict';
import type { Polygon } from 'geojson';
import {
  can,
  canDo,
  embedOriginAllowed,
  embedRefusal,
  inCameraScope,
  permits,
  scopeIsEmpty,
  type CameraAction,
  type CameraScope,
  type EmbedAction,
  type PolicyCamera,
  type Principal,
  type ShareGrant,
} from '../../gateway/auth/policy';
import { cameraRooms, principalRooms, roomScopeOf } from '../../gateway/auth/policy-rooms';
import {
  visibilityPredicate,
  visibilitySignature,
  visibleDepartments,
  wholeDepartments,
} from '../../gateway/auth/policy-visibility';
import { pick, rng, testSeed } from '../../sim/random';

const NOW = new Date('2026-12-01T12:00:00Z');
const POLICE = 1;
const TRAFFIC = 2;
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
const cam = (id: string, departmentId: number, tags: string[], lng = 1, lat = 1): PolicyCamera => ({
  id,
  departmentId,
  tags,
  lng,
  lat,
});

const embed = (keyScope: CameraScope, tokenScope: CameraScope, actions: EmbedAction[] = ['live']): Principal => ({
  kind: 'embed',
  id: 7,
  name: 'officer Li (apikey:grid)',
  role: 'integrator',
  departmentId: POLICE,
  area: null,
  scopes: [],
  narrow: [keyScope, tokenScope],
  embed: {
    tokenId: 7,
    keyId: 3,
    label: 'officer Li',
    actions,
    origins: ['https://grid.example'],
    expiresAt: NOW.toISOString(),
  },
});

const SHARE_ALL: ShareGrant = {
  id: 1,
  fromDepartmentId: TRAFFIC,
  toDepartmentId: POLICE,
  kind: 'all',
  tags: [],
  cameraIds: [],
  polygon: null,
  expiresAt: null,
  revokedAt: null,
  grants: 'live+playback',
};

describe('policy: embed tokens and API-key scopes', () => {
  it('a scope admits a camera when every criterion given holds (any value of each)', () => {
    const c = cam('5', POLICE, ['road', 'school'], 2, 2);
    const cases: Array<[string, CameraScope, boolean]> = [
      ['empty scope', {}, true],
      ['its department', { departments: [POLICE, TRAFFIC] }, true],
      ['another department', { departments: [TRAFFIC] }, false],
      ['one of its tags', { tags: ['bridge', 'school'] }, true],
      ['none of its tags', { tags: ['bridge'] }, false],
      ['listed', { cameraIds: ['5'] }, true],
      ['not listed', { cameraIds: ['6'] }, false],
      ['inside the area', { area: square(1, 1, 3, 3) }, true],
      ['outside the area', { area: square(5, 5, 6, 6) }, false],
      ['tag and department both hold', { tags: ['road'], departments: [POLICE] }, true],
      ['tag holds, department does not', { tags: ['road'], departments: [TRAFFIC] }, false],
    ];
    for (const [name, scope, want] of cases) assert.equal(inCameraScope(scope, c), want, name);
  });

  it('an embed token sees the intersection of its key scope and its own, over what its department sees', () => {
    const p = embed({ departments: [POLICE, TRAFFIC] }, { tags: ['road'] });
    assert.equal(can(p, 'view', cam('1', POLICE, ['road']), [], NOW), true);
    assert.equal(can(p, 'view', cam('2', POLICE, ['school']), [], NOW), false);
    // traffic's road camera: in both scopes, but only visible through a share
    assert.equal(can(p, 'view', cam('3', TRAFFIC, ['road']), [], NOW), false);
    assert.equal(can(p, 'view', cam('3', TRAFFIC, ['road']), [SHARE_ALL], NOW), true);
    // a token cannot widen its key: the key allows only police cameras
    const q = embed({ departments: [POLICE] }, { departments: [TRAFFIC] });
    assert.equal(can(q, 'view', cam('3', TRAFFIC, []), [SHARE_ALL], NOW), false);
    assert.equal(can(q, 'view', cam('1', POLICE, []), [SHARE_ALL], NOW), false);
  });

  it('an embed token may take only the camera actions its actions grant', () => {
    const c = cam('1', POLICE, []);
    const rights = (actions: EmbedAction[]): CameraAction[] =>
      (['view', 'snapshot', 'ptz', 'playback', 'export', 'edit', 'post-event'] as CameraAction[]).filter((a) =>
        can(embed({}, {}, actions), a, c, [], NOW),
      );
    assert.deepEqual(rights(['live']), ['view', 'snapshot']);
    assert.deepEqual(rights(['live', 'ptz']), ['view', 'snapshot', 'ptz']);
    assert.deepEqual(rights(['live', 'playback']), ['view', 'snapshot', 'playback']);
    // footage through a share still needs a live+playback share
    const t = cam('3', TRAFFIC, []);
    assert.equal(
      can(embed({}, {}, ['live', 'playback']), 'playback', t, [{ ...SHARE_ALL, grants: 'live' }], NOW),
      false,
    );
  });

  it('an embed token lists, searches and maps cameras; it manages, issues and reads nothing else', () => {
    const p = embed({}, {});
    for (const a of ['camera-list', 'spatial-query', 'grid-read', 'department-read', 'session'] as const)
      assert.equal(canDo(p, a), true, a);
    for (const a of ['embed-issue', 'embed-revoke', 'apikey-manage', 'audit-read', 'event-read', 'alarm-read'] as const)
      assert.equal(canDo(p, a), false, a);
    assert.equal(permits(p, 'post-event'), false);
  });

  it('the bulk visibility answers agree with can for random scopes and cameras', () => {
    const seed = testSeed();
    const r = rng(seed);
    const TAGS = ['road', 'school', 'bridge'];
    const scope = (): CameraScope => ({
      ...(r() < 0.4 ? { departments: [pick(r, [POLICE, TRAFFIC, 3])] } : {}),
      ...(r() < 0.5 ? { tags: TAGS.filter(() => r() < 0.5) } : {}),
      ...(r() < 0.3 ? { area: square(0, 0, 1 + r() * 4, 1 + r() * 4) } : {}),
    });
    for (let round = 0; round < 40; round++) {
      const p = embed(scope(), scope());
      const cams = Array.from({ length: 30 }, (_, i) =>
        cam(
          String(i),
          pick(r, [POLICE, TRAFFIC, 3]),
          TAGS.filter(() => r() < 0.4),
          r() * 5,
          r() * 5,
        ),
      );
      const shares = r() < 0.5 ? [SHARE_ALL] : [];
      const visible = visibilityPredicate(p, shares, NOW);
      const depts = visibleDepartments(p, shares, NOW);
      // a narrowed principal's cameras are checked one by one, never counted by whole departments
      if (p.narrow!.some((x) => !scopeIsEmpty(x)))
        assert.deepEqual(wholeDepartments(p, shares, NOW), [], `round ${round} (seed ${seed})`);
      for (const c of cams) {
        const want = can(p, 'view', c, shares, NOW);
        assert.equal(visible(c), want, `round ${round} camera ${c.id} (seed ${seed})`);
        if (want) assert.ok(depts === null || depts.includes(c.departmentId), `departments, round ${round}`);
        // the socket rooms meet exactly where can says yes
        const key = 'k1';
        const scopeOf = roomScopeOf(p);
        const mine = principalRooms(p, 'view', shares, NOW, scopeOf ? key : undefined);
        const theirs = cameraRooms('view', c, shares, NOW, new Map(scopeOf ? [[key, scopeOf]] : []));
        assert.equal(
          mine.some((x) => theirs.includes(x)),
          want,
          `rooms, round ${round} camera ${c.id} (seed ${seed})`,
        );
      }
    }
  });

  it('tokens of different scopes never share a visibility signature', () => {
    const a = visibilitySignature(embed({}, { tags: ['road'] }), [], NOW);
    const b = visibilitySignature(embed({}, { tags: ['school'] }), [], NOW);
    assert.notEqual(a, b);
  });

  it('an embed token is used only from its origins, the gateway itself, or without an Origin', () => {
    const p = embed({}, {});
    const cases: Array<[string | undefined, boolean]> = [
      [undefined, true],
      ['https://grid.example', true],
      ['http://gw.local:8080', true],
      ['https://evil.example', false],
      ['https://grid.example.evil', false],
      ['null', false],
    ];
    for (const [origin, want] of cases)
      assert.equal(embedOriginAllowed(p, origin, 'gw.local:8080'), want, String(origin));
  });

  it('a key issues tokens only for its own actions and origins', () => {
    const key = { scope: {}, actions: ['live', 'playback'] as EmbedAction[], origins: ['https://a.example'] };
    assert.equal(embedRefusal(key, { actions: ['live'], origins: ['https://a.example'] }), null);
    assert.match(String(embedRefusal(key, { actions: ['ptz'], origins: ['https://a.example'] })), /"ptz"/);
    assert.match(String(embedRefusal(key, { actions: ['live'], origins: ['https://b.example'] })), /b\.example/);
    assert.match(String(embedRefusal({ ...key, origins: [] }, { actions: ['live'], origins: [] })), /no origins/);
  });
});
