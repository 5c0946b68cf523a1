// Access policy, the wall: what a screen principal may do and see, its socket room, who may open or change saved views.
import assert from 'node:assert/strict';
import {
  ACTIONS,
  can,
  canDo,
  canEditView,
  canReadView,
  departmentScope,
  permits,
  screenPrincipal,
  screenRooms,
  type Principal,
  type Role,
  type ShareGrant,
} from '../../gateway/auth/policy';

const POLICE = 1;
const TRAFFIC = 2;
const NOW = new Date('2026-12-06T12:00:00Z');
const screen = screenPrincipal({ id: 4, name: '大屏', departmentId: POLICE });
const user = (role: Role, departmentId: number | null, id = 10): Principal => ({
  kind: 'user',
  id,
  name: `u${id}`,
  role,
  departmentId,
  area: null,
  scopes: [],
});
const cam = (departmentId: number, id = '7') => ({ id, departmentId, tags: ['school'], lng: 111.7, lat: 29.03 });
const trafficToPolice: ShareGrant = {
  id: 1,
  fromDepartmentId: TRAFFIC,
  toDepartmentId: POLICE,
  kind: 'tags',
  tags: ['school'],
  cameraIds: [],
  polygon: null,
  expiresAt: null,
  revokedAt: null,
  grants: 'live',
};

describe('access policy: wall screens and saved views', () => {
  it('a screen may ask for its own state and live view, and for nothing else but the public actions', () => {
    const allowed = ACTIONS.filter((a) => permits(screen, a));
    assert.deepEqual(allowed.sort(), [
      'api-describe',
      'base-map-read',
      'event-ingest',
      'screen-pair',
      'sign-in',
      'view',
      'wall-show',
    ]);
    assert.equal(canDo(screen, 'wall-show'), true);
    for (const role of ['admin', 'operator', 'viewer', 'auditor', 'integrator'] as const)
      assert.equal(canDo(user(role, POLICE), 'wall-show'), false, `${role} is no screen`);
  });

  it('a screen views exactly what its department may see: its own cameras and those shared to it, live only', () => {
    assert.equal(can(screen, 'view', cam(POLICE), [], NOW), true);
    assert.equal(can(screen, 'view', cam(TRAFFIC), [], NOW), false);
    assert.equal(can(screen, 'view', cam(TRAFFIC), [trafficToPolice], NOW), true);
    assert.equal(can(screen, 'view', cam(TRAFFIC), [{ ...trafficToPolice, revokedAt: NOW }], NOW), false);
    for (const action of ['snapshot', 'ptz', 'playback', 'export', 'edit', 'post-event'] as const)
      assert.equal(can(screen, action, cam(POLICE), [], NOW), false, action);
  });

  it("a screen reads no department's wall records, and joins only its own room", () => {
    assert.equal(departmentScope(screen, 'wall-read'), null);
    assert.deepEqual(screenRooms(screen), ['wall-show|screen:4']);
    assert.deepEqual(screenRooms(user('operator', POLICE, 4)), []);
  });

  it('saved views: the owner and, when shared, its department read one; the owner or the department admin change it', () => {
    const view = { ownerId: 10, departmentId: POLICE, shared: false };
    const cases: Array<[string, Principal, boolean, boolean]> = [
      ['the owner', user('operator', POLICE, 10), true, true],
      ['another operator', user('operator', POLICE, 11), false, false],
      ['the department admin', user('admin', POLICE, 12), false, true],
      ['a city-wide admin', user('admin', null, 13), false, true],
      ['an operator of another department', user('operator', TRAFFIC, 14), false, false],
      ['the owner moved to another department', user('operator', TRAFFIC, 10), false, false],
      ['an auditor', user('auditor', POLICE, 15), false, false],
    ];
    for (const [who, p, read, edit] of cases) {
      assert.equal(canReadView(p, view), read, `${who} reads a private view`);
      assert.equal(canEditView(p, view), edit, `${who} changes it`);
    }
    const shared = { ...view, shared: true };
    assert.equal(canReadView(user('viewer', POLICE, 11), shared), true);
    assert.equal(canEditView(user('viewer', POLICE, 11), shared), false);
    assert.equal(canReadView(user('viewer', TRAFFIC, 11), shared), false);
    assert.equal(canReadView(screen, shared), false);
  });
});
