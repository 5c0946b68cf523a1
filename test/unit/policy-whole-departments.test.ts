// policy.wholeDepartments: the departments every camera of which a principal may see (counted without a check per camera).
import assert from 'node:assert/strict';
import type { Polygon } from 'geojson';
import type { Principal, Role, ShareGrant } from '../../gateway/auth/policy';
import { wholeDepartments } from '../../gateway/auth/policy-visibility';

const NOW = new Date('2026-11-22T12:00:00Z');
const POLICE = 1;
const TRAFFIC = 2;
const URBAN = 3;
const AREA: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [111, 29],
      [112, 29],
      [112, 30],
      [111, 30],
      [111, 29],
    ],
  ],
};
const principal = (role: Role, departmentId: number | null, area: Polygon | null = null): Principal => ({
  kind: 'user',
  id: 1,
  name: 'u',
  role,
  departmentId,
  area,
  scopes: [],
});
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

describe('policy: whole departments', () => {
  const cases: Array<[string, Principal, ShareGrant[], number[] | null]> = [
    ['city admin: every department', principal('admin', null), [], null],
    ['city admin with an area: none whole', principal('admin', null, AREA), [], []],
    ['viewer: its own', principal('viewer', TRAFFIC), [], [TRAFFIC]],
    ['viewer with an area: none whole', principal('viewer', TRAFFIC, AREA), [share({})], []],
    ['an "all" share adds its source', principal('viewer', TRAFFIC), [share({})], [TRAFFIC, POLICE]],
    ['a tag share does not', principal('viewer', TRAFFIC), [share({ kind: 'tags', tags: ['x'] })], [TRAFFIC]],
    ['a polygon share does not', principal('viewer', TRAFFIC), [share({ kind: 'polygon', polygon: AREA })], [TRAFFIC]],
    [
      'an expired "all" share does not',
      principal('viewer', TRAFFIC),
      [share({ expiresAt: new Date('2026-11-22T11:00:00Z') })],
      [TRAFFIC],
    ],
    [
      'a revoked "all" share does not',
      principal('viewer', TRAFFIC),
      [share({ revokedAt: new Date('2026-11-21T00:00:00Z') })],
      [TRAFFIC],
    ],
    ['an "all" share to another department does not', principal('viewer', URBAN), [share({})], [URBAN]],
    ['an auditor sees no camera', principal('auditor', POLICE), [], []],
  ];
  for (const [name, p, shares, want] of cases) {
    it(name, () => {
      const got = wholeDepartments(p, shares, NOW);
      assert.deepEqual(got === null ? null : [...got].sort(), want === null ? null : [...want].sort());
    });
  }
});
