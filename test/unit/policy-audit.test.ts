// The audit-reading part of the access policy: which rows a principal reads, and whose camera names it is shown in them.
import assert from 'node:assert/strict';
import {
  auditCameraNameVisible,
  departmentScope,
  type Principal,
  type Role,
  type ShareGrant,
} from '../../gateway/auth/policy';

const NOW = new Date('2026-11-22T12:00:00Z');
const POLICE = 1;
const TRAFFIC = 2;
const policeCam = { id: '7', departmentId: POLICE, tags: ['bridge'], lng: 111.7, lat: 29.03 };
const principal = (role: Role, departmentId: number | null, kind: 'user' | 'apikey' = 'user'): Principal => ({
  kind,
  id: 1,
  name: 'u',
  role,
  departmentId,
  area: null,
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

describe('policy: audit', () => {
  const scopes: Array<[string, Principal, ReturnType<typeof departmentScope>]> = [
    ['city admin reads all', principal('admin', null), 'all'],
    ['department admin reads its department', principal('admin', TRAFFIC), TRAFFIC],
    ['auditor of a department reads all', principal('auditor', POLICE), 'all'],
    ['auditor without department reads all', principal('auditor', null), 'all'],
    ['operator reads none', principal('operator', POLICE), null],
    ['viewer reads none', principal('viewer', POLICE), null],
    ['integrator reads none', principal('integrator', POLICE, 'apikey'), null],
  ];
  for (const [name, p, want] of scopes)
    it(`scope: ${name}`, () => assert.deepEqual(departmentScope(p, 'audit-read'), want));

  const names: Array<[string, Principal, ShareGrant[], boolean]> = [
    ['auditor: every camera in its rows', principal('auditor', TRAFFIC), [], true],
    ['city admin: every camera', principal('admin', null), [], true],
    ['department admin: its own camera', principal('admin', POLICE), [], true],
    ["department admin: another department's camera, no share", principal('admin', TRAFFIC), [], false],
    ['department admin: a camera shared to it', principal('admin', TRAFFIC), [share({})], true],
    [
      'department admin: a revoked share',
      principal('admin', TRAFFIC),
      [share({ revokedAt: new Date('2026-11-01T00:00:00Z') })],
      false,
    ],
    [
      'department admin: an expired share',
      principal('admin', TRAFFIC),
      [share({ expiresAt: new Date('2026-11-22T11:59:59Z') })],
      false,
    ],
    [
      'department admin: a share of other tags',
      principal('admin', TRAFFIC),
      [share({ kind: 'tags', tags: ['school'] })],
      false,
    ],
    ['viewer (reads no rows): never', principal('viewer', POLICE), [], false],
    ['operator (reads no rows): never', principal('operator', POLICE), [], false],
  ];
  for (const [name, p, shares, want] of names)
    it(`camera name: ${name}`, () => assert.equal(auditCameraNameVisible(p, policeCam, shares, NOW), want));
});
