// PTZ of a GB/T 28181 channel through the PTZ API: the simulated IPC receives the PTZCmd (move, stop, preset, the automatic stop),
// under the same control priorities as ONVIF cameras; a fixed channel and a bad preset are refused.
import assert from 'node:assert/strict';
import { SimGbDevice } from '../../sim/gb28181/device';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const IPC = '43070200001320000001';
const DOME = '43070200001310000001';
const FIXED = '43070200001310000002';

describe('gb28181 PTZ through the PTZ API', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let ipc: SimGbDevice;
  let operator: string;
  let admin: string;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestGateway({
      gb28181: {
        enabled: true,
        id: SERVER_ID,
        realm: REALM,
        udpPort: 0,
        tcpPort: 0,
        password: 'pw',
        defaultDepartment: 'police',
      },
    });
    await t.addUser('gbop', 'operator', 'police');
    await t.addUser('gbadm', 'admin', 'police');
    operator = await t.login('gbop');
    admin = await t.login('gbadm');
    const server = t.gw.services.gb!.server;
    ipc = new SimGbDevice({
      id: IPC,
      server: { host: '127.0.0.1', port: server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'pw',
      channels: [
        { id: DOME, name: '球机', ptzType: 1, longitude: 111.69, latitude: 29.03 },
        { id: FIXED, name: '枪机', ptzType: 3, longitude: 111.7, latitude: 29.03 },
      ],
    });
    await ipc.start();
    await waitFor(
      async () => {
        const r = await t.api('GET', '/api/v1/cameras?limit=10', { token: operator });
        for (const c of r.body.items as any[]) ids[c.gbChannelId] = c.id;
        return ids[DOME] && ids[FIXED];
      },
      { timeoutMs: 15_000, what: 'both channels as cameras' },
    );
  });

  after(async () => {
    await ipc?.close();
    await t?.close();
  });

  const ptz = (token: string, id: string, path: string, body?: unknown) =>
    t.api('POST', `/api/v1/cameras/${id}/ptz/${path}`, { token, ...(body ? { body } : {}) });
  const last = () => ipc.ptzLog[ipc.ptzLog.length - 1];

  it('sends move, stop and preset PTZCmds to the channel', async () => {
    let r = await ptz(operator, ids[DOME]!, 'move', { pan: 0.5, tilt: -1, zoom: 0 });
    assert.equal(r.status, 204, r.text);
    await waitFor(() => ipc.ptzLog.length >= 1, { what: 'the move' });
    assert.deepEqual(ipc.ptzLog[0], {
      channelId: DOME,
      command: { kind: 'move', pan: 1, tilt: -1, zoom: 0, panSpeed: 128, tiltSpeed: 255, zoomSpeed: 0 },
    });
    r = await ptz(operator, ids[DOME]!, 'stop');
    assert.equal(r.status, 204, r.text);
    await waitFor(() => last()?.command.kind === 'stop', { what: 'the stop' });
    r = await ptz(operator, ids[DOME]!, 'presets/7/goto');
    assert.equal(r.status, 204, r.text);
    await waitFor(() => last()?.command.kind === 'preset', { what: 'the preset' });
    assert.deepEqual(last(), { channelId: DOME, command: { kind: 'preset', op: 'goto', preset: 7 } });
    const audit = await t.api('GET', `/api/v1/audit?action=camera.ptz&targetId=${ids[DOME]}`, { token: admin });
    assert.ok(audit.body.items.length >= 3, audit.text);
  });

  it('stops a move by itself after moveTimeoutS when no stop comes', async () => {
    const n = ipc.ptzLog.length;
    const r = await ptz(operator, ids[DOME]!, 'move', { pan: -1 });
    assert.equal(r.status, 204, r.text);
    await waitFor(() => ipc.ptzLog.length >= n + 2 && last()?.command.kind === 'stop', {
      timeoutMs: (t.gw.config.ptz.moveTimeoutS + 3) * 1000,
      what: 'the automatic stop',
    });
  });

  it('applies the control priorities: a higher role takes over, the lower one is refused meanwhile', async () => {
    assert.equal((await ptz(admin, ids[DOME]!, 'move', { tilt: 1 })).status, 204);
    const n = ipc.ptzLog.length;
    const r = await ptz(operator, ids[DOME]!, 'move', { tilt: -1 });
    assert.ok(r.status >= 400 && r.status < 500, r.text);
    assert.match(r.text, /gbadm/);
    assert.equal(ipc.ptzLog.length, n, 'nothing sent for the refused command');
    await t.api('DELETE', `/api/v1/cameras/${ids[DOME]}/ptz/control`, { token: admin });
  });

  it('refuses a fixed channel and a preset outside 1–255, sending nothing', async () => {
    const n = ipc.ptzLog.length;
    let r = await ptz(admin, ids[FIXED]!, 'move', { pan: 1 });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /has no PTZ/);
    r = await ptz(admin, ids[DOME]!, 'presets/256/goto');
    assert.equal(r.status, 404, r.text);
    assert.equal(ipc.ptzLog.length, n);
  });
});
