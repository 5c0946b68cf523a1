// Camera credentials never leave the gateway: not in responses, exports, audit rows, logs or ffmpeg's log events.
import assert from 'node:assert/strict';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: camera credentials stay secret', function () {
  this.timeout(90000);
  const PASSWORD = 'Zq7-s3cr:et@pw';
  let t: TestGateway;
  let rtsp: RtspProcess;
  const logs: string[] = [];

  before(async () => {
    rtsp = await RtspProcess.start({ count: 1, codec: 'h264', user: 'cam', password: PASSWORD });
    t = await startTestGateway(
      { transcoder: { failuresBeforeOffline: 2, backoffInitialMs: 200, backoffMaxMs: 500 } },
      { onLog: (level, msg) => logs.push(`${level} ${msg}`) },
    );
    t.gw.services.supervisor.on('log', (e) => logs.push(`ffmpeg ${e.line}`));
    t.gw.services.supervisor.on('state', (e) => logs.push(`state ${e.state} ${e.reason}`));
    await t.addUser('sadm', 'admin', 'police');
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  it('a camera with RTSP credentials plays, a wrong password fails clearly, and the password appears nowhere', async () => {
    const tok = await t.login('sadm');
    const texts: string[] = [];
    const call = async (method: string, url: string, body?: unknown) => {
      const r = await t.api(method, url, { token: tok, ...(body !== undefined ? { body } : {}) });
      texts.push(r.text);
      return r;
    };
    const wrong = await call('POST', '/api/v1/cameras', {
      name: 'wrong',
      mainUri: rtsp.url(0, 'main', false),
      username: 'cam',
      password: 'not-it',
      lng: 111.69,
      lat: 29.03,
    });
    const bad = await call('POST', `/api/v1/cameras/${wrong.body.id}/streams`, { profile: 'main' });
    assert.equal(bad.status, 503, bad.text);
    assert.match(bad.body.detail, /401|[Uu]nauthori[sz]ed|authori[sz]ation/);
    const good = await call('POST', '/api/v1/cameras', {
      name: 'right',
      mainUri: rtsp.url(0, 'main'),
      lng: 111.69,
      lat: 29.03,
    });
    assert.equal(good.status, 201, good.text);
    assert.equal(good.body.mainUri, rtsp.url(0, 'main', false), 'credentials lifted out of the URI');
    assert.equal(good.body.hasCredentials, true);
    const s = await call('POST', `/api/v1/cameras/${good.body.id}/streams`, { profile: 'main' });
    assert.equal(s.status, 201, s.text);
    texts.push(await (await fetch(t.base + s.body.url)).text());
    await call('GET', `/api/v1/cameras/${good.body.id}`);
    await call('GET', '/api/v1/cameras?limit=10');
    texts.push(
      (await t.api('GET', '/api/v1/cameras/export.csv', { token: tok })).text,
      (await t.api('GET', '/api/v1/cameras/export.geojson', { token: tok })).text,
    );
    const audit = JSON.stringify(await t.gw.db.knex('audit_log').select('*'));
    const rows = JSON.stringify(await t.gw.db.knex('cameras').select('*'));
    for (const [where, text] of [
      ['responses', texts.join('\n')],
      ['logs', logs.join('\n')],
      ['audit', audit],
      ['camera rows', rows],
    ] as const) {
      assert.ok(
        !text.includes(PASSWORD) && !text.includes(encodeURIComponent(PASSWORD)),
        `the password leaked into ${where}`,
      );
    }
    assert.ok(logs.length > 0, 'there were log lines to check');
  });
});
