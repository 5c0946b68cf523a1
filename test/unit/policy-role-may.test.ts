// roleMay: the role-level half of the policy (may this principal ever take a camera action?), against can() on its own camera.
import assert from 'node:assert/strict';
import { can, roleMay, ROLES, type CameraAction, type Principal, type Role } from '../../gateway/auth/policy';

const ACTIONS: CameraAction[] = ['view', 'snapshot', 'ptz', 'edit', 'delete', 'share', 'resync', 'post-event'];
const own = { id: '7', departmentId: 1, tags: [], lng: 111.7, lat: 29.03 };
const user = (role: Role): Principal => ({ kind: 'user', id: 1, name: 'u', role, departmentId: 1, area: null, scopes: [] });
const key = (scopes: string[]): Principal => ({ kind: 'apikey', id: 2, name: 'k', role: 'integrator', departmentId: 1, area: null, scopes });

describe('access policy roleMay', () => {
  for (const role of ROLES) {
    it(`${role}: roleMay equals can() on a camera of its own department, for every action`, () => {
      assert.deepEqual(ACTIONS.filter((a) => roleMay(user(role), a)), ACTIONS.filter((a) => can(user(role), a, own, [])));
    });
  }

  it('saving a still (snapshot) needs viewing rights: the auditor may not, viewers may', () => {
    assert.equal(roleMay(user('auditor'), 'snapshot'), false);
    assert.equal(roleMay(user('viewer'), 'snapshot'), true);
  });

  it('an API key needs the view scope for snapshots', () => {
    assert.equal(roleMay(key(['view']), 'snapshot'), true);
    assert.equal(roleMay(key(['events', 'spatial']), 'snapshot'), false);
  });
});
