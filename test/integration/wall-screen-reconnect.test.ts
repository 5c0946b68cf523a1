// A wall screen's socket across in-process gateway restarts on the same port: the client reconnecting (as the screen
// page's does) is the same page, never told it was replaced by another browser, and follows pushes again.
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

describe('a screen socket across gateway restarts', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let admin: string;
  let screenToken = '';
  let screenId = 0;
  let socket: Socket | null = null;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('r.admin', 'admin', 'police');
    admin = await t.login('r.admin');
    const s = await t.api('POST', '/api/v1/wall/screens', { token: admin, body: { name: '重连屏', layout: '4' } });
    assert.equal(s.status, 201, s.text);
    screenId = s.body.screen.id;
    const paired = await t.api('POST', `/api/v1/wall/screens/${screenId}/pair`, {
      body: { secret: s.body.pairing.secret },
    });
    screenToken = paired.body.token;
  });
  after(async () => {
    socket?.close();
    await t?.close();
  });

  it('reconnects after each restart without a "replaced" close, and follows a change pushed after it', async () => {
    // the screen page's client options (web/src/core/realtime.ts), a quicker first retry to keep the test short
    socket = io(t.base, {
      path: '/socket.io',
      auth: (cb) => cb({ token: screenToken }),
      transports: ['websocket', 'polling'],
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    const got: any[] = [];
    const drops: string[] = [];
    const closes: any[] = [];
    socket.on('wall:screen', (m: any) => ('closed' in m ? closes : got).push(m));
    socket.on('disconnect', (reason) => drops.push(reason));
    await waitFor(() => socket!.connected, { what: 'the first connection' });
    for (let round = 1; round <= 3; round++) {
      const connections = (): number => t.gw.services.realtime.connections;
      await t.restart({ samePort: true });
      await waitFor(() => socket!.connected && connections() === 1, {
        what: `connected again after restart ${round}`,
        timeoutMs: 20_000,
      });
      const layout = round % 2 ? '1' : '4';
      const r = await t.api('PUT', `/api/v1/wall/screens/${screenId}/layout`, { token: admin, body: { layout } });
      assert.equal(r.status, 200, r.text);
      await waitFor(() => got.some((m) => m.layout === layout && m.id === screenId), {
        what: `the push after restart ${round}`,
      });
      got.length = 0;
      assert.equal(connections(), 1, `one socket for the screen after restart ${round}`);
    }
    assert.deepEqual(closes, [], 'never told it was closed');
    assert.ok(!drops.includes('io server disconnect'), `dropped by the server: ${drops.join(', ')}`);
    assert.equal(drops.length, 3, `one drop per restart: ${drops.join(', ')}`);
  });
});
