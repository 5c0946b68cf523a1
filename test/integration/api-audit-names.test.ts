// /audit names what its rows refer to (camera, user), within the reader's rights: row scoping kept, camera names per the policy.
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('api: audit rows with names', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let policeCam: string;
  let trafficUser: number;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('city', 'admin', null);
    await t.addUser('padmin', 'admin', 'police');
    await t.addUser('tadmin', 'admin', 'traffic');
    await t.addUser('audit', 'auditor', null);
    trafficUser = await t.addUser('tview', 'viewer', 'traffic');
    await t.gw.repos.accounts.updateUser(trafficUser, { displayName: '交通查看员' });
    const padmin = await t.login('padmin');
    const net = await t.api('POST', '/api/v1/networks', {
      token: padmin,
      body: { name: '公安视频专网', cidrs: ['127.0.0.0/8'] },
    });
    assert.equal(net.status, 201, net.text);
    const body = {
      name: '天网-港口',
      networkId: net.body.id,
      mainUri: 'rtsp://127.0.0.1:20001/stream',
      lng: 111.69,
      lat: 29.03,
      tags: ['port'],
    };
    const r = await t.api('POST', '/api/v1/cameras', { token: padmin, body });
    assert.equal(r.status, 201, r.text);
    policeCam = r.body.id;
    // a traffic viewer asked for the police camera and was refused (a row of the traffic department)
    await t.gw.repos.audit.append({
      actorType: 'user',
      actorId: trafficUser,
      actorName: 'tview',
      departmentId: t.departments.traffic,
      action: 'stream.open',
      targetType: 'camera',
      targetId: policeCam,
      outcome: 'denied',
      detail: { profile: 'main' },
    });
  });
  after(async () => t?.close());

  async function refusedRow(
    user: string,
  ): Promise<{ targetName: string | null; actorDisplayName: string | null } | undefined> {
    const r = await t.api('GET', '/api/v1/audit?action=stream.open', { token: await t.login(user) });
    assert.equal(r.status, 200, r.text);
    const items = r.body.items as Array<{
      targetId: string;
      outcome: string;
      targetName: string | null;
      actorDisplayName: string | null;
    }>;
    return items.find((e) => e.targetId === policeCam && e.outcome === 'denied');
  }

  it("shows the auditor and the city admin the camera's name and the actor's display name", async () => {
    for (const who of ['audit', 'city']) {
      const row = await refusedRow(who);
      assert.ok(row, `${who} reads the row`);
      assert.equal(row.targetName, '天网-港口');
      assert.equal(row.actorDisplayName, '交通查看员');
    }
  });

  it("keeps row scoping: the police admin does not read the traffic department's row", async () => {
    assert.equal(await refusedRow('padmin'), undefined);
  });

  it('shows the traffic admin the id but not the name of a police camera it may not see, and the name once it is shared', async () => {
    const before = await refusedRow('tadmin');
    assert.ok(before, 'the traffic admin reads its department row');
    assert.equal(before.targetName, null);
    const body = { toDepartmentId: t.departments.traffic, kind: 'tags', tags: ['port'] };
    const share = await t.api('POST', '/api/v1/shares', { token: await t.login('padmin'), body });
    assert.equal(share.status, 201, share.text);
    assert.equal((await refusedRow('tadmin'))?.targetName, '天网-港口');
    const revoked = await t.api('DELETE', `/api/v1/shares/${share.body.id}`, { token: await t.login('padmin') });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal((await refusedRow('tadmin'))?.targetName, null, 'revoking the share hides the name again');
  });

  it('names users in user rows and documents the fields in OpenAPI', async () => {
    const body = { username: 'tnew', password: 'pw-tnew-12345', displayName: '新交通员', role: 'viewer' };
    const made = await t.api('POST', '/api/v1/users', { token: await t.login('tadmin'), body });
    assert.equal(made.status, 201, made.text);
    const r = await t.api('GET', '/api/v1/audit?action=user.create', { token: await t.login('tadmin') });
    assert.equal(r.body.items[0].targetName, '新交通员');
    const doc = await t.api('GET', '/api/v1/openapi.json');
    const schema = JSON.stringify(doc.body.paths['/api/v1/audit'].get);
    assert.match(schema, /targetName/);
    assert.match(schema, /actorDisplayName/);
  });
});
