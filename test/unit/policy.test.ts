// The whole role × ownership × share × action matrix of the access policy, plus area scopes.
import assert from 'node:assert/strict';
import type { Polygon } from 'geojson';
import {
  ACTIONS as ALL_ACTIONS,
  actingDepartment,
  can,
  canDo,
  canGoneFootage,
  canReadExport,
  departmentScope,
  inDepartment,
  mayBeCityWide,
  permits,
  rolesFor,
  ROLES,
  type Action,
  type CameraAction,
  type GlobalAction,
  type Principal,
  type Role,
  type ShareGrant,
} from '../../gateway/auth/policy';
import { visibilityPredicate, visibilitySignature, visibleDepartments } from '../../gateway/auth/policy-visibility';

const NOW = new Date('2026-11-22T12:00:00Z');
const POLICE = 1;
const TRAFFIC = 2;
const URBAN = 3;
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

const cam = { id: '7', departmentId: POLICE, tags: ['road', 'school'], lng: 111.7, lat: 29.03 };
const share = (over: Partial<ShareGrant>): ShareGrant => ({
  id: 1,
  fromDepartmentId: POLICE,
  toDepartmentId: TRAFFIC,
  kind: 'all',
  tags: [],
  cameraIds: [],
  polygon: null,
  expiresAt: null,
  revokedAt: null,
  grants: 'live',
  ...over,
});
const principal = (role: Role, departmentId: number | null, area: Polygon | null = null): Principal => ({
  kind: 'user',
  id: 1,
  name: 'u',
  role,
  departmentId,
  area,
  scopes: [],
});

// Expected rights, written out by hand from DESIGN.md's access model (not derived from the code).
// Recorded footage (playback, export): admin and operator; integrator playback only; viewer live only; auditor nothing.
const RIGHTS: Record<Role, CameraAction[]> = {
  admin: ['view', 'snapshot', 'ptz', 'edit', 'delete', 'share', 'resync', 'post-event', 'playback', 'export'],
  operator: ['view', 'snapshot', 'ptz', 'resync', 'post-event', 'playback', 'export'],
  viewer: ['view', 'snapshot'],
  auditor: [],
  integrator: ['view', 'snapshot', 'post-event', 'playback'],
};
const ACTIONS: CameraAction[] = [
  'view',
  'snapshot',
  'ptz',
  'edit',
  'delete',
  'share',
  'resync',
  'post-event',
  'playback',
  'export',
];
const OWNER_ONLY = new Set<CameraAction>(['edit', 'delete', 'share', 'resync']);
/** Granted through a share only when the share says 'live+playback'. */
const FOOTAGE = new Set<CameraAction>(['playback', 'export']);

// [name, principal department, shares, does a share cover the camera?]
const SITUATIONS: Array<[string, number, ShareGrant[], boolean]> = [
  ['own department', POLICE, [], true],
  ['other department, no share', TRAFFIC, [], false],
  ['share all', TRAFFIC, [share({})], true],
  ['share all to a third department', URBAN, [share({})], false],
  ['share in the other direction', TRAFFIC, [share({ fromDepartmentId: TRAFFIC, toDepartmentId: POLICE })], false],
  ['tag share matching', TRAFFIC, [share({ kind: 'tags', tags: ['school'] })], true],
  ['tag share not matching', TRAFFIC, [share({ kind: 'tags', tags: ['bridge'] })], false],
  ['list share with the camera', TRAFFIC, [share({ kind: 'cameras', cameraIds: ['3', '7'] })], true],
  ['list share without it', TRAFFIC, [share({ kind: 'cameras', cameraIds: ['8'] })], false],
  ['polygon share around it', TRAFFIC, [share({ kind: 'polygon', polygon: square(111.6, 29.0, 111.8, 29.1) })], true],
  ['polygon share elsewhere', TRAFFIC, [share({ kind: 'polygon', polygon: square(112.6, 29.0, 112.8, 29.1) })], false],
  [
    'polygon with the camera on its edge',
    TRAFFIC,
    [share({ kind: 'polygon', polygon: square(111.7, 29.0, 111.8, 29.1) })],
    true,
  ],
  ['expired share', TRAFFIC, [share({ expiresAt: new Date('2026-11-22T11:59:59Z') })], false],
  ['share expiring later', TRAFFIC, [share({ expiresAt: new Date('2026-11-23T00:00:00Z') })], true],
  ['revoked share', TRAFFIC, [share({ revokedAt: new Date('2026-11-01T00:00:00Z') })], false],
  [
    'revoked plus an active tag share',
    TRAFFIC,
    [share({ revokedAt: NOW }), share({ id: 2, kind: 'tags', tags: ['road'] })],
    true,
  ],
];
const PLAYBACK = { grants: 'live+playback' as const };
// [name, principal department, shares, covered for live, covered for footage]
const FOOTAGE_SITUATIONS: Array<[string, number, ShareGrant[], boolean, boolean]> = [
  ...SITUATIONS.map(([n, d, s, c]): [string, number, ShareGrant[], boolean, boolean] => [n, d, s, c, d === POLICE]),
  ['share all with playback', TRAFFIC, [share(PLAYBACK)], true, true],
  ['tag share with playback', TRAFFIC, [share({ ...PLAYBACK, kind: 'tags', tags: ['school'] })], true, true],
  [
    'tag share with playback not matching',
    TRAFFIC,
    [share({ ...PLAYBACK, kind: 'tags', tags: ['bridge'] })],
    false,
    false,
  ],
  ['revoked share with playback', TRAFFIC, [share({ ...PLAYBACK, revokedAt: NOW })], false, false],
  [
    'expired share with playback',
    TRAFFIC,
    [share({ ...PLAYBACK, expiresAt: new Date('2026-11-01T00:00:00Z') })],
    false,
    false,
  ],
  [
    'live share all plus a playback share of a tag',
    TRAFFIC,
    [share({}), share({ ...PLAYBACK, id: 2, kind: 'tags', tags: ['road'] })],
    true,
    true,
  ],
  [
    'live share all plus a playback share of another camera',
    TRAFFIC,
    [share({}), share({ ...PLAYBACK, id: 2, kind: 'cameras', cameraIds: ['8'] })],
    true,
    false,
  ],
  ['playback share to a third department', URBAN, [share(PLAYBACK)], false, false],
];

describe('access policy matrix', () => {
  for (const role of Object.keys(RIGHTS) as Role[]) {
    for (const [situation, dept, shares, covered, footage] of FOOTAGE_SITUATIONS) {
      const own = dept === POLICE;
      it(`${role} · ${situation}`, () => {
        const p = principal(role, dept);
        const got = ACTIONS.filter((a) => can(p, a, cam, shares, NOW));
        const reach = (a: CameraAction): boolean => (FOOTAGE.has(a) ? footage : covered && !OWNER_ONLY.has(a));
        const want = ACTIONS.filter((a) => RIGHTS[role].includes(a) && (own || reach(a)));
        assert.deepEqual(got, want);
        assert.equal(visibilityPredicate(p, shares, NOW)(cam), want.includes('view'));
        // the department pre-filter of the spatial index never hides a visible camera
        const depts = visibleDepartments(p, shares, NOW);
        if (want.includes('view'))
          assert.ok(depts !== null && depts.includes(cam.departmentId), `departments ${depts}`);
      });
    }
  }

  it('a city-wide admin (no department) may do everything everywhere', () => {
    const p = principal('admin', null);
    assert.deepEqual(
      ACTIONS.filter((a) => can(p, a, cam, [], NOW)),
      ACTIONS,
    );
    assert.equal(canDo(p, 'department-manage'), true);
    assert.equal(canDo(principal('admin', POLICE), 'department-manage'), false);
  });

  const AREA = square(111.6, 29.0, 111.65, 29.05);
  const areaCases: Array<[string, Principal, boolean]> = [
    ['own camera outside the area scope', principal('viewer', POLICE, AREA), false],
    ['own camera inside the area scope', principal('viewer', POLICE, square(111.6, 29.0, 111.8, 29.1)), true],
    ['city admin limited to an area', principal('admin', null, AREA), false],
  ];
  for (const [name, p, want] of areaCases) {
    it(`area scope: ${name}`, () => {
      assert.equal(can(p, 'view', cam, [], NOW), want);
      assert.equal(visibilityPredicate(p, [], NOW)(cam), want);
    });
  }

  it('polygon holes are outside', () => {
    const holed: Polygon = {
      type: 'Polygon',
      coordinates: [
        square(111.6, 29.0, 111.8, 29.1).coordinates[0]!,
        square(111.69, 29.02, 111.71, 29.04).coordinates[0]!,
      ],
    };
    assert.equal(
      can(principal('viewer', TRAFFIC), 'view', cam, [share({ kind: 'polygon', polygon: holed })], NOW),
      false,
    );
  });

  it('global actions follow the role', () => {
    const table: Array<[Role, Parameters<typeof canDo>[1], boolean]> = [
      ['auditor', 'audit-read', true],
      ['viewer', 'audit-read', false],
      ['operator', 'discover', true],
      ['viewer', 'discover', false],
      ['admin', 'user-manage', true],
      ['operator', 'user-manage', false],
      ['integrator', 'spatial-query', true],
      ['auditor', 'spatial-query', false],
      // registering a camera decides where the gateway connects: an admin action
      ['admin', 'camera-register', true],
      ['operator', 'camera-register', false],
      ['viewer', 'camera-register', false],
      ['integrator', 'camera-register', false],
    ];
    for (const [role, action, want] of table)
      assert.equal(canDo(principal(role, POLICE), action), want, `${role} ${action}`);
  });

  it('API key scopes limit what an integrator key may do', () => {
    const key = (scopes: string[]): Principal => ({
      kind: 'apikey',
      id: 9,
      name: 'k',
      role: 'integrator',
      departmentId: POLICE,
      area: null,
      scopes,
    });
    assert.equal(can(key(['view']), 'view', cam, [], NOW), true);
    assert.equal(can(key(['spatial']), 'view', cam, [], NOW), false);
    assert.equal(visibilityPredicate(key(['events']), [], NOW)(cam), false);
    assert.equal(can(key(['events']), 'post-event', cam, [], NOW), true);
    assert.equal(can(key(['view']), 'post-event', cam, [], NOW), false);
    assert.equal(canDo(key(['view']), 'spatial-query'), false);
    assert.equal(canDo(key(['spatial']), 'spatial-query'), true);
  });

  it('visible departments: own plus sources of active shares; none without view; all for a city admin', () => {
    assert.deepEqual(
      visibleDepartments(
        principal('viewer', TRAFFIC),
        [share({}), share({ id: 2, fromDepartmentId: URBAN, kind: 'tags', tags: ['x'] })],
        NOW,
      ),
      [TRAFFIC, POLICE, URBAN],
    );
    assert.deepEqual(
      visibleDepartments(
        principal('viewer', TRAFFIC),
        [share({ expiresAt: NOW }), share({ id: 2, revokedAt: NOW })],
        NOW,
      ),
      [TRAFFIC],
    );
    assert.deepEqual(visibleDepartments(principal('viewer', URBAN), [share({})], NOW), [URBAN]);
    assert.deepEqual(visibleDepartments(principal('auditor', POLICE), [share({})], NOW), []);
    assert.deepEqual(
      visibleDepartments(
        { kind: 'apikey', id: 9, name: 'k', role: 'integrator', departmentId: POLICE, area: null, scopes: ['spatial'] },
        [],
        NOW,
      ),
      [],
    );
    assert.equal(visibleDepartments(principal('admin', null), [], NOW), null);
  });

  it('the visibility signature changes with the active shares, and only with them', () => {
    const p = principal('viewer', TRAFFIC);
    const a = visibilitySignature(p, [share({})], NOW);
    assert.equal(a, visibilitySignature(p, [share({}), share({ id: 9, toDepartmentId: URBAN })], NOW));
    assert.notEqual(a, visibilitySignature(p, [], NOW));
    assert.notEqual(a, visibilitySignature(p, [share({ id: 2 })], NOW));
  });

  // The gate every route and socket event asks, for every action × role, written out by hand from
  // DESIGN.md's access model: [role, actions a department member of that role may ask for].
  const PUBLIC: Action[] = ['sign-in', 'api-describe', 'base-map-read', 'event-ingest', 'screen-pair'];
  const EVERYONE: Action[] = [...PUBLIC, 'camera-list', 'department-read', 'grid-read', 'session'];
  const GATE: Record<Role, Action[]> = {
    admin: [
      ...EVERYONE,
      'view',
      'snapshot',
      'ptz',
      'edit',
      'delete',
      'share',
      'resync',
      'post-event',
      'playback',
      'export',
      'camera-register',
      'discover',
      'audit-read',
      'user-manage',
      'apikey-manage',
      'share-read',
      'share-manage',
      'network-manage',
      'department-settings',
      'spatial-query',
      'event-read',
      'event-source-manage',
      'alarm-read',
      'alarm-handle',
      'alarm-rule-manage',
      'wall-read',
      'wall-drive',
      'wall-manage',
      'embed-revoke',
    ],
    operator: [
      ...EVERYONE,
      'view',
      'snapshot',
      'ptz',
      'resync',
      'post-event',
      'playback',
      'export',
      'discover',
      'spatial-query',
      'event-read',
      'alarm-read',
      'alarm-handle',
      'wall-read',
      'wall-drive',
    ],
    viewer: [...EVERYONE, 'view', 'snapshot', 'spatial-query', 'event-read', 'wall-read'],
    auditor: [...EVERYONE, 'audit-read', 'share-read'],
    integrator: [...EVERYONE, 'view', 'snapshot', 'post-event', 'playback', 'spatial-query', 'event-read'],
  };
  /** Only a city-wide admin: the department admin of GATE lacks them. */
  const CITY_ADMIN_ONLY: Action[] = ['department-manage', 'grid-manage'];
  /** Only a wall screen (test/unit/policy-wall.test.ts): no role's users. */
  const SCREEN_ONLY: Action[] = ['wall-show'];
  /** Only an API key (the integrator's server; test/unit/policy-embed.test.ts): no role's users. */
  const KEY_ONLY: Action[] = ['embed-issue'];
  const MATRIX_ACTIONS = [...new Set([...Object.values(GATE).flat(), ...CITY_ADMIN_ONLY, ...SCREEN_ONLY, ...KEY_ONLY])];

  it('the matrix names every action of the policy, and the policy every role', () => {
    assert.deepEqual([...ALL_ACTIONS].sort(), [...MATRIX_ACTIONS].sort());
    assert.deepEqual([...ROLES].sort(), Object.keys(GATE).sort());
  });

  for (const role of ROLES) {
    for (const action of ALL_ACTIONS) {
      const want = GATE[role].includes(action);
      it(`gate · ${role} · ${action}: ${want ? 'may ask' : 'refused'}`, () => {
        assert.equal(permits(principal(role, POLICE), action), want);
        // a city-wide principal of the role: the city-only actions open to an admin, nothing else changes
        const cityWide = role === 'admin' && CITY_ADMIN_ONLY.includes(action) ? true : want;
        assert.equal(permits(principal(role, null), action), cityWide);
        // the integrator role's embed actions are its API keys' (documented for the role; refused to its users)
        const keyOnly = role === 'integrator' && (action === 'embed-issue' || action === 'embed-revoke');
        assert.equal(
          rolesFor(action).includes(role),
          want || keyOnly || (role === 'admin' && CITY_ADMIN_ONLY.includes(action)),
        );
      });
    }
  }

  it('without credentials only the public actions pass the gate', () => {
    assert.deepEqual(
      ALL_ACTIONS.filter((a) => permits(null, a)),
      PUBLIC,
    );
    for (const role of ROLES)
      assert.deepEqual(
        PUBLIC.filter((a) => permits(principal(role, POLICE), a)),
        PUBLIC,
        `${role} too`,
      );
  });

  it('API key scopes narrow the gate of an integrator key', () => {
    const key = (scopes: string[]): Principal => ({
      kind: 'apikey',
      id: 9,
      name: 'k',
      role: 'integrator',
      departmentId: POLICE,
      area: null,
      scopes,
    });
    const allowed = (scopes: string[]) =>
      ALL_ACTIONS.filter((a) => permits(key(scopes), a) && a !== 'embed-issue' && a !== 'embed-revoke');
    // a key also trades itself for embed tokens and revokes them, whatever its scopes
    const KEY: Action[] = ['embed-issue', 'embed-revoke'];
    assert.deepEqual([...allowed([]), ...KEY.filter((a) => permits(key([]), a))].sort(), [...EVERYONE, ...KEY].sort());
    assert.deepEqual(
      allowed(['view']).filter((a) => !EVERYONE.includes(a)),
      ['view', 'snapshot'],
    );
    assert.deepEqual(
      allowed(['events']).filter((a) => !EVERYONE.includes(a)),
      ['post-event', 'event-read'],
    );
    assert.deepEqual(
      allowed(['spatial']).filter((a) => !EVERYONE.includes(a)),
      ['spatial-query'],
    );
    // recorded footage needs a scope of its own: a view key plays nothing back, and an integrator never exports
    assert.deepEqual(
      allowed(['playback']).filter((a) => !EVERYONE.includes(a)),
      ['playback'],
    );
    assert.equal(can(key(['view']), 'playback', cam, [], NOW), false);
    assert.equal(can(key(['view', 'playback']), 'playback', cam, [], NOW), true);
    assert.equal(can(key(['view', 'playback']), 'export', cam, [], NOW), false);
  });

  it('an export is read by whoever made it, and by admins (city-wide, or of its department)', () => {
    const e = { actorType: 'user' as const, actorId: '1', departmentId: POLICE };
    assert.equal(canReadExport(principal('operator', POLICE), e), true);
    assert.equal(canReadExport({ ...principal('operator', POLICE), id: 2 }, e), false);
    assert.equal(canReadExport({ ...principal('operator', POLICE), kind: 'apikey' }, e), false);
    assert.equal(canReadExport({ ...principal('admin', POLICE), id: 2 }, e), true);
    assert.equal(canReadExport({ ...principal('admin', TRAFFIC), id: 2 }, e), false);
    assert.equal(canReadExport({ ...principal('admin', null), id: 2 }, e), true);
    assert.equal(canReadExport({ ...principal('auditor', null), id: 2 }, e), false);
  });

  it("a deleted camera's footage: admins only (city-wide, or of the department it was recorded for), no area scope", () => {
    assert.equal(canGoneFootage(principal('admin', null), 'playback', POLICE), true);
    assert.equal(canGoneFootage(principal('admin', null), 'export', null), true);
    assert.equal(canGoneFootage(principal('admin', POLICE), 'playback', POLICE), true);
    assert.equal(canGoneFootage(principal('admin', TRAFFIC), 'playback', POLICE), false);
    assert.equal(canGoneFootage(principal('admin', POLICE), 'export', null), false);
    assert.equal(canGoneFootage(principal('admin', null, square(0, 0, 1, 1)), 'playback', POLICE), false);
    for (const role of ['operator', 'viewer', 'auditor', 'integrator'] as const)
      assert.equal(canGoneFootage(principal(role, POLICE), 'playback', POLICE), false, role);
  });

  // [who, action, departmentScope]: whose records each department-scoped action reaches
  const SCOPES: Array<[string, Principal, GlobalAction, 'all' | number | null]> = [
    ['city admin reading the audit log', principal('admin', null), 'audit-read', 'all'],
    ['department admin reading the audit log', principal('admin', POLICE), 'audit-read', POLICE],
    ['auditor of a department reading the audit log', principal('auditor', POLICE), 'audit-read', 'all'],
    ['city-wide auditor reading the shares', principal('auditor', null), 'share-read', 'all'],
    ['department admin reading the shares', principal('admin', TRAFFIC), 'share-read', TRAFFIC],
    ['operator discovering', principal('operator', POLICE), 'discover', POLICE],
    ['city admin discovering', principal('admin', null), 'discover', 'all'],
    ['viewer discovering', principal('viewer', POLICE), 'discover', null],
    ['department admin managing users', principal('admin', URBAN), 'user-manage', URBAN],
    ['auditor managing users', principal('auditor', null), 'user-manage', null],
    ['department admin changing department settings', principal('admin', POLICE), 'department-settings', POLICE],
    ['operator changing department settings', principal('operator', POLICE), 'department-settings', null],
  ];
  for (const [name, p, action, want] of SCOPES) {
    it(`department scope: ${name} → ${want}`, () => {
      assert.equal(departmentScope(p, action), want);
      for (const d of [POLICE, TRAFFIC, URBAN, null])
        assert.equal(inDepartment(p, action, d), want === 'all' || (want !== null && want === d), `department ${d}`);
    });
  }

  it('the acting department: its own, a city admin names one, nobody acts for a foreign one', () => {
    assert.deepEqual(actingDepartment(principal('admin', POLICE), undefined), { departmentId: POLICE });
    assert.deepEqual(actingDepartment(principal('operator', POLICE), POLICE), { departmentId: POLICE });
    assert.ok('refused' in actingDepartment(principal('admin', POLICE), TRAFFIC));
    assert.deepEqual(actingDepartment(principal('admin', null), TRAFFIC), { departmentId: TRAFFIC });
    assert.ok('refused' in actingDepartment(principal('admin', null), undefined));
  });

  it('only admins and auditors may be city-wide', () => {
    assert.deepEqual(ROLES.filter(mayBeCityWide), ['admin', 'auditor']);
  });
});
