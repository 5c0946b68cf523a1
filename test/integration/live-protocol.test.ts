// Live WebSocket end to end: the stream call's answer, refusals before the upgrade, the protocol, client misbehaviour, audit, replay.
import assert from 'node:assert/strict';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { LIVE_CLOSE } from '../../gateway/streams/live-protocol';
import { LiveClient, refusedUpgrade } from '../helpers/live-client';
import { waitFor } from '../helpers/wait-for';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('live WebSocket: stream call, refusals, protocol, audit, replay', function () {
  this.timeout(120000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let police: string;
  let camId: string;
  let otherId: string;
  let live = '';
  let opened: { live: string; replay: string; url: string; sessionId: string };
  const wsUrl = (p: string): string => t.base.replace(/^http/, 'ws') + p;
  const hubOf = (key: string) => t.gw.services.supervisor.hub(key);

  before(async () => {
    rtsp = new RtspProcess({ count: 2, codec: 'h264', port: 0 });
    await rtsp.start();
    t = await startTestGateway({ security: { allowedOrigins: ['https://wall.example:8443'] } });
    await t.addUser('sop', 'operator', 'police');
    await t.addUser('padm', 'admin', 'police');
    police = await t.login('sop');
    const admin = await t.login('padm');
    const mk = async (name: string, i: number) => {
      const r = await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: {
          name,
          mainUri: rtsp.url(i, 'main'),
          subUri: rtsp.url(i, 'sub'),
          lng: 111.69,
          lat: 29.03,
          streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
        },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    camId = await mk('live 1', 0);
    otherId = await mk('live 2', 1);
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  it('a stream call answers the live, HLS and replay paths with one token, and what the viewer gets', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    opened = r.body;
    const token = /^\/live\/([^/]+)\//.exec(`${r.body.live}/`)![1]!;
    assert.equal(r.body.live, `/live/${token}/${camId}.main`);
    assert.equal(r.body.replay, `/live/${token}/${camId}.main/replay.mp4`);
    assert.equal(r.body.url, `/hls/${token}/${camId}.main/index.m3u8`);
    assert.equal(r.body.codec, 'h264');
    assert.equal(r.body.transcoded, false);
    assert.equal(typeof r.body.started, 'boolean');
    assert.ok(Date.parse(r.body.expiresAt) > Date.now());
    live = r.body.live;
  });

  it('sends text init, one binary init, then fragments from a keyframe; a clock every second; ping → pong', async () => {
    const c = await LiveClient.open(wsUrl(live));
    try {
      await c.until(() => c.fragments.length >= 5 && c.texts.some((m) => m.msg.type === 'clock'), 8000, 'fragments');
      assert.deepEqual(c.order.slice(0, 3), ['text:init', 'binary', 'binary']);
      const init = c.texts[0]!.msg;
      assert.equal(init.type, 'init');
      assert.match(String(init.mime), /^video\/mp4; codecs="avc1\.[0-9a-fA-F]{6}"$/);
      assert.equal(init.width, 640);
      assert.equal(init.height, 360);
      assert.equal(typeof init.generation, 'number');
      assert.equal(c.fragments[0]!.keyframe, true, 'the first fragment is a keyframe');
      for (let i = 1; i < c.fragments.length; i++)
        assert.ok(c.fragments[i]!.startS > c.fragments[i - 1]!.startS, 'decode times go forward');
      const clock = c.texts.find((m) => m.msg.type === 'clock')!.msg;
      assert.ok(Math.abs(Number(clock.serverTime) - Date.now()) < 5000);
      assert.equal(typeof clock.edgeS, 'number');
      assert.equal(typeof clock.edgeReceivedAt, 'number');
      c.send('{"type":"ping"}');
      await c.until(() => c.texts.some((m) => m.msg.type === 'pong'), 3000, 'pong');
      const clocks = () => c.texts.filter((m) => m.msg.type === 'clock').length;
      const before = clocks();
      await new Promise((r) => setTimeout(r, 2500));
      assert.ok(clocks() - before >= 2 && clocks() - before <= 4, `clocks in 2.5 s: ${clocks() - before}`);
      assert.equal(hubOf(`${camId}.main`)!.sinkCount, 1, 'the viewer is a sink of the hub');
    } finally {
      await c.close();
    }
    await waitFor(() => hubOf(`${camId}.main`)?.sinkCount === 0, { what: 'the sink detached', timeoutMs: 3000 });
  });

  it('the pull drops (the camera goes away and comes back): state reconnecting, then a new init and fragments from a keyframe on the same socket', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    const c = await LiveClient.open(wsUrl(r.body.live));
    try {
      await c.until(() => c.fragments.length > 0, 8000, 'a fragment');
      const state = (s: string) => c.texts.findIndex((m) => m.msg.type === 'state' && m.msg.state === s);
      await rtsp.down(0);
      await c.until(() => state('reconnecting') >= 0, 8000, 'state reconnecting');
      const t0 = Date.now();
      await rtsp.up(0);
      await c.until(() => c.inits.length >= 2 && c.fragments.some((f) => f.generation >= 1), 15000, 'a second run');
      console.log(`      camera back → new run's first fragment on the socket after ${Date.now() - t0} ms`);
      const inits = c.texts.filter((m) => m.msg.type === 'init');
      assert.ok(inits.length >= 2);
      assert.ok(Number(inits.at(-1)!.msg.generation) > Number(inits[0]!.msg.generation), 'a new generation');
      const first = c.fragments.find((f) => f.generation === Number(inits.at(-1)!.msg.generation))!;
      assert.equal(first.keyframe, true, 'the new run starts at a keyframe');
      await c.until(() => state('live') > state('reconnecting'), 5000, 'state live again');
      assert.equal(c.closed, null, 'the socket stayed open');
    } finally {
      await c.close();
    }
  });

  it('open and close are audited: stream.close with transport ws and the duration', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const c = await LiveClient.open(wsUrl(r.body.live));
    await c.until(() => c.fragments.length > 0, 8000, 'a fragment');
    await new Promise((res) => setTimeout(res, 1500));
    await c.close();
    const rows = await waitFor(
      async () => {
        const q = await t.gw.db.knex('audit_log').whereRaw("detail->>'session' = ?", [r.body.sessionId]).orderBy('id');
        return q.length >= 2 && q;
      },
      { what: 'open and close rows', timeoutMs: 3000 },
    );
    assert.deepEqual(
      rows.map((x: { action: string }) => x.action),
      ['stream.open', 'stream.close'],
    );
    const close = rows[1].detail;
    assert.equal(close.transport, 'ws');
    assert.equal(close.reason, 'viewer left');
    assert.ok(close.durationS >= 1.5 && close.durationS < 10, `durationS ${close.durationS}`);
    // the session ended with its WebSocket: its token opens nothing any more
    assert.equal((await refusedUpgrade(wsUrl(r.body.live))).status, 401);
  });

  const refusals: Array<[string, () => { path: string; origin?: string }, number]> = [
    ['no token', () => ({ path: `/live/${camId}.main` }), 401],
    ['an empty token', () => ({ path: `/live//${camId}.main` }), 401],
    [
      'a tampered token',
      () => ({ path: live.replace(/\/live\/([^/]+)\//, (_m, k: string) => `/live/${k.slice(0, -4)}AAAA/`) }),
      401,
    ],
    [
      'an expired token',
      () => ({
        path: `/live/${t.gw.services.tokens.signStream({ sub: 'u:1', cam: camId, prof: 'main', ssid: opened.sessionId }, -30)}/${camId}.main`,
      }),
      401,
    ],
    [
      'a signed token of an unknown session',
      () => {
        const ssid = '3f1e2d4c-5b6a-4789-8abc-def012345678';
        const token = t.gw.services.tokens.signStream({ sub: 'u:1', cam: camId, prof: 'main', ssid });
        return { path: `/live/${token}/${camId}.main` };
      },
      401,
    ],
    ["another camera's key", () => ({ path: live.replace(`/${camId}.main`, `/${otherId}.main`) }), 403],
    ['another profile', () => ({ path: live.replace(`/${camId}.main`, `/${camId}.sub`) }), 403],
    ['a foreign Origin', () => ({ path: live, origin: 'https://evil.example' }), 403],
    ['a malformed Origin', () => ({ path: live, origin: 'null' }), 403],
    ['an unknown profile', () => ({ path: live.replace(`/${camId}.main`, `/${camId}.hd`) }), 404],
    ['a path below a stream', () => ({ path: `${live}/x` }), 404],
  ];
  describe('refusals before the upgrade', () => {
    // an open session whose token is good: each case changes one thing about it
    before(async () => {
      const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
      assert.equal(r.status, 201, r.text);
      opened = r.body;
      live = r.body.live;
    });
    for (const [name, make, status] of refusals) {
      it(`refuses ${name} with ${status} before upgrading, leaving nothing behind`, async () => {
        const sessions = t.gw.services.streams.openSessions();
        const sinks = hubOf(`${camId}.main`)?.sinkCount ?? 0;
        const { path, origin } = make();
        const refused = await refusedUpgrade(wsUrl(path), origin ? { origin } : {});
        assert.equal(refused.status, status, refused.body);
        assert.equal(JSON.parse(refused.body).status, status);
        assert.equal(t.gw.services.streams.openSessions(), sessions, 'no session opened or lost');
        assert.equal(hubOf(`${camId}.main`)?.sinkCount ?? 0, sinks, 'no sink attached');
        assert.equal(t.gw.services.live.stats().viewers, 0, 'no viewer left');
      });
    }
    it('while the unchanged token opens the stream', async () => {
      const c = await LiveClient.open(wsUrl(live));
      await c.until(() => c.fragments.length > 0, 8000, 'a fragment');
      await c.close();
    });
  });

  it('lets in the gateway’s own origin and the allowed ones', async () => {
    for (const origin of [t.base, 'https://wall.example:8443']) {
      const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
      const c = await LiveClient.open(wsUrl(r.body.live), { origin });
      await c.until(() => c.fragments.length > 0, 8000, `a fragment (${origin})`);
      await c.close();
    }
  });

  const misbehaviour: Array<[string, string | Buffer, boolean]> = [
    ['a binary message', Buffer.from([1, 2, 3]), true],
    ['JSON of another type', '{"type":"seek","to":0}', false],
    ['a ping with more fields', '{"type":"ping","x":1}', false],
    ['text that is not JSON', 'hello', false],
    ['a JSON array', '[{"type":"ping"}]', false],
    ['a message over 512 bytes', JSON.stringify({ type: 'ping', pad: 'x'.repeat(600) }), false],
  ];
  for (const [name, data, binary] of misbehaviour) {
    it(`closes with 1008 on ${name}, and the gateway goes on`, async () => {
      const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
      const c = await LiveClient.open(wsUrl(r.body.live));
      await c.until(() => c.fragments.length > 0, 8000, 'a fragment');
      c.send(data, binary);
      const closed = await c.whenClosed();
      assert.equal(closed.code, LIVE_CLOSE.policyViolation, closed.reason);
      await waitFor(() => t.gw.services.live.stats().viewers === 0, { what: 'no viewer left', timeoutMs: 3000 });
      const row = await waitFor(
        async () =>
          (await t.gw.db
            .knex('audit_log')
            .where({ action: 'stream.close' })
            .whereRaw("detail->>'session' = ?", [r.body.sessionId])
            .first()) ?? false,
        { what: 'the close row', timeoutMs: 3000 },
      );
      assert.equal(row.detail.reason, 'unexpected client message');
    });
  }

  it('closes a frame larger than the WebSocket accepts (1009) without reading it', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    const c = await LiveClient.open(wsUrl(r.body.live));
    c.send('x'.repeat(64 * 1024), false);
    assert.equal((await c.whenClosed()).code, 1009);
    await waitFor(() => t.gw.services.live.stats().viewers === 0, { what: 'no viewer left', timeoutMs: 3000 });
  });

  it('replay.mp4: the init and whole GOPs of the last seconds, as one fragmented MP4', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    await new Promise((res) => setTimeout(res, 3000));
    const res = await fetch(`${t.base}${r.body.replay}?seconds=2`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.subarray(4, 8).toString(), 'ftyp');
    const held = Number(res.headers.get('x-replay-seconds'));
    assert.ok(held >= 1.9, `held ${held} s`);
    assert.ok(body.includes(Buffer.from('moof')) && body.includes(Buffer.from('mdat')));
    for (const [q, status] of [
      ['?seconds=0', 400],
      ['?seconds=1.5', 400],
      ['?seconds=abc', 400],
      ['?seconds=100000', 400],
    ] as const)
      assert.equal((await fetch(`${t.base}${r.body.replay}${q}`)).status, status, q);
    const tampered = r.body.replay.replace(
      /\/live\/([^/]+)\//,
      (_m: string, k: string) => `/live/${k.slice(0, -4)}AAAA/`,
    );
    assert.equal((await fetch(t.base + tampered)).status, 401);
    const foreign = await fetch(t.base + r.body.replay, { headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal((await fetch(t.base + r.body.replay.replace('.main/', '.sub/'))).status, 403);
  });
});
