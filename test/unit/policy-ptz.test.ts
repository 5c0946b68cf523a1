// PTZ control as an access decision: priorities per role and user, who may take a camera from whom.
import assert from 'node:assert/strict';
import { mayTakePtz, ptzPriority, type PtzHolder } from '../../gateway/auth/policy-ptz';
import type { Principal } from '../../gateway/auth/policy-terms';

const user = (id: number, role: Principal['role'] = 'operator'): Principal => ({
  kind: 'user',
  id,
  name: `u${id}`,
  role,
  departmentId: 1,
  area: null,
  scopes: [],
});
const byRole = { admin: 300, operator: 200, viewer: 0 };
const NOW = 1_000_000;
const held = (id: number, priority: number, until = NOW + 10_000, kind: PtzHolder['kind'] = 'user'): PtzHolder => ({
  kind,
  id,
  name: `u${id}`,
  priority,
  until,
});

describe('policy: PTZ control', () => {
  it("a principal's priority: its own override, else its role's, else 0", () => {
    assert.equal(ptzPriority(user(1), byRole, null), 200);
    assert.equal(ptzPriority(user(1), byRole, 250), 250);
    assert.equal(ptzPriority(user(1, 'admin'), byRole, 10), 10, 'an override may lower it too');
    assert.equal(ptzPriority(user(1, 'auditor'), byRole, null), 0);
    assert.equal(ptzPriority({ ...user(1), kind: 'apikey' }, byRole, 900), 200, 'API keys have no user override');
  });

  const cases: Array<[string, number, PtzHolder | null, boolean]> = [
    ['nobody holds it', 1, null, true],
    ['a lower holder', 201, held(2, 200), true],
    ['an equal holder keeps it', 200, held(2, 200), false],
    ['a higher holder keeps it', 100, held(2, 200), false],
    ['its control lapsed', 1, held(2, 32000, NOW), true],
    ['p holds it already (renewal)', 1, held(1, 200), true],
    ['an API key with the same id is someone else', 100, held(1, 200, NOW + 1, 'apikey'), false],
  ];
  for (const [what, priority, holder, ok] of cases)
    it(`${what}: ${ok ? 'taken' : 'refused'}`, () => assert.equal(mayTakePtz(user(1), priority, holder, NOW), ok));
});
