// The console's role list and role checks (web/src/core/roles.ts) answer as the access policy does, for every role.
import assert from 'node:assert/strict';
import {
  ACTIONS,
  ROLES as POLICY_ROLES,
  can,
  mayBeCityWide,
  permits,
  type Principal,
  type Role,
} from '../../gateway/auth/policy';
import type { Me } from '../../web/src/core/api';
import { MESSAGES } from '../../web/src/core/messages';
import {
  PAGE_ACTIONS,
  ROLES,
  ROLES_FOR,
  allows,
  canEditCamera,
  canPtz,
  canWatch,
  pagesFor,
  roleLabel,
} from '../../web/src/core/roles';
import type { ConsoleAction, Page } from '../../web/src/core/roles';

/** Every user a console can sign in as: each role in a department, and city-wide where the role may be. */
const USERS: Array<{ me: Me; p: Principal }> = POLICY_ROLES.flatMap((role) =>
  [1, 2, ...(mayBeCityWide(role) ? [null] : [])].map((departmentId) => ({
    me: {
      kind: 'user' as const,
      id: 1,
      name: `${role}@${departmentId}`,
      role,
      departmentId,
      hasArea: false,
      scopes: [],
    },
    p: { kind: 'user' as const, id: 1, name: `${role}@${departmentId}`, role, departmentId, area: null, scopes: [] },
  })),
);
const consoleActions = Object.keys(ROLES_FOR).filter(
  (a) => ROLES_FOR[a as keyof typeof ROLES_FOR] !== null,
) as ConsoleAction[];

describe('console roles mirror the access policy', () => {
  it("lists the policy's roles in the policy's order, each with a label in both languages", () => {
    assert.deepEqual(ROLES, [...POLICY_ROLES]);
    for (const role of ROLES)
      assert.ok(
        MESSAGES[roleLabel(role)].every((s) => s.length > 0),
        role,
      );
  });

  it('decides every action of the policy, and names no other', () => {
    assert.deepEqual(Object.keys(ROLES_FOR).sort(), [...ACTIONS].sort());
    assert.ok(consoleActions.length >= 8, consoleActions.join());
  });

  for (const { me, p } of USERS)
    it(`${p.name}: allows, canWatch, canPtz, pagesFor and canEditCamera answer as permits and can`, () => {
      for (const action of consoleActions) assert.equal(allows(me.role, action), permits(p, action), action);
      assert.equal(canWatch(me), permits(p, 'view'), 'canWatch');
      assert.equal(canPtz(me), permits(p, 'ptz'), 'canPtz');
      const pages = Object.keys(PAGE_ACTIONS) as Page[];
      assert.deepEqual(
        pagesFor(me),
        pages.filter((page) => permits(p, PAGE_ACTIONS[page])),
        'pagesFor',
      );
      for (const departmentId of [1, 2]) {
        const cam = { id: '9', departmentId, tags: [], lng: 111.7, lat: 29.03 };
        assert.equal(
          canEditCamera(me, departmentId),
          can(p, 'edit', cam, []),
          `canEditCamera of department ${departmentId}`,
        );
      }
    });

  it('offers each role the pages it had, and the wall to those who may read it', () => {
    const pages = (role: Role): Page[] =>
      pagesFor({ kind: 'user', id: 1, name: 'u', role, departmentId: 1, hasArea: false, scopes: [] });
    assert.deepEqual(Object.fromEntries(ROLES.map((r) => [r, pages(r)])), {
      admin: ['map', 'wall', 'cameras', 'users', 'api-keys', 'shares', 'discovery', 'rules', 'audit'],
      operator: ['map', 'wall', 'discovery'],
      viewer: ['map', 'wall'],
      auditor: ['audit'],
      integrator: ['map'],
    });
  });
});
