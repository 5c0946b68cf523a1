// Stream calls end to end: policy, audit, signed URLs, LL-HLS from memory, per-request re-checks, revocation, bad input.
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { waitFor } from '../helpers/wait-for';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: streams and HLS delivery', function () {
  this.timeout(90000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let police: string;
  let trafficViewer: string;
  let camId: string;
  let offId: string;
  const logs: string[] = [];

  before(async () => {
    rtsp = new RtspProcess({ count: 2, codec: 'h264', port: 0 });
    await rtsp.start();
    t = await startTestGateway(
      { transcoder: { idleTimeoutS: 5, stallTimeoutS: 6 } },
      { onLog: (level, msg) => logs.push(`${level} ${msg}`) },
    );
    await t.addUser('sop', 'operator', 'police');
    await t.addUser('tview', 'viewer', 'traffic');
    await t.addUser('padm', 'admin', 'police');
    police = await t.login('sop');
    trafficViewer = await t.login('tview');
    const admin = await t.login('padm');
    const mk = async (name: string, uri: string, tags: string[]) =>
      (
        await t.api('POST', '/api/v1/cameras', {
          token: admin,
          body: {
            name,
            mainUri: uri,
            subUri: uri.replace('/main', '/sub'),
            lng: 111.69,
            lat: 29.03,
            tags,
            streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
          },
        })
      ).body.id as string;
    camId = await mk('站前 1', rtsp.url(0, 'main'), ['station']);
    offId = await mk('nowhere', 'rtsp://127.0.0.1:9/cam/0/main', []);
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  let url = '';
  it('a stream call returns a signed playlist URL once a segment is playable, and is audited', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, {
      token: police,
      body: { profile: 'main', reason: '测试' },
    });
    assert.equal(r.status, 201, r.text);
    url = r.body.url;
    assert.match(url, new RegExp(`^/hls/[^/]+/${camId}\\.main/index\\.m3u8$`));
    const pl = await fetch(t.base + url);
    assert.equal(pl.status, 200);
    assert.match(pl.headers.get('cache-control') ?? '', /no-cache/);
    const text = await pl.text();
    assert.match(text, /#EXTM3U/);
    const seg = text.split('\n').find((l) => /^seg\d+\.m4s$/.test(l));
    assert.ok(seg, text);
    const s = await fetch(t.base + url.replace('index.m3u8', seg));
    assert.equal(s.status, 200);
    assert.match(s.headers.get('cache-control') ?? '', /immutable/);
    assert.ok((await s.arrayBuffer()).byteLength > 100);
    const audit = await t.gw.db.knex('audit_log').where({ action: 'stream.open', target_id: camId });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].detail.reason, '测试');
  });

  it('LL-HLS from memory: init, parts, a blocking reload, the preload-hinted part, bad reload parameters', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const at = (name: string): string => t.base + r.body.url.replace('index.m3u8', name);
    const text = await (await fetch(t.base + r.body.url)).text();
    assert.match(text, /#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES/);
    const init = /#EXT-X-MAP:URI="(init\d+\.mp4)"/.exec(text)?.[1];
    assert.ok(init, text);
    const initRes = await fetch(at(init));
    assert.equal(initRes.status, 200);
    assert.equal(
      Buffer.from(await initRes.arrayBuffer())
        .subarray(4, 8)
        .toString(),
      'ftyp',
    );
    const part = /URI="(part\d+\.\d+\.m4s)"/.exec(text)?.[1];
    assert.ok(part, text);
    const partRes = await fetch(at(part));
    assert.equal(partRes.status, 200);
    assert.equal(partRes.headers.get('content-type'), 'video/mp4');
    assert.match(partRes.headers.get('cache-control') ?? '', /immutable/);
    // a blocking reload for the next segment answers once its first part exists
    const segs = [...text.matchAll(/^seg(\d+)\.m4s$/gm)].map((m) => Number(m[1]));
    const next = (segs.length ? Math.max(...segs) : -1) + 1;
    const blocked = await fetch(`${t.base}${r.body.url}?_HLS_msn=${next}&_HLS_part=0`);
    assert.equal(blocked.status, 200);
    assert.ok((await blocked.text()).includes(`part${next}.0.m4s`));
    // the preload-hinted part is held until it exists
    const later = await (await fetch(t.base + r.body.url)).text();
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(later)?.[1];
    assert.ok(hint, later);
    const hinted = await fetch(at(hint));
    assert.equal(hinted.status, 200);
    assert.ok((await hinted.arrayBuffer()).byteLength > 100);
    for (const [q, why] of [
      ['?_HLS_msn=abc', 'not a number'],
      ['?_HLS_msn=-1', 'negative'],
      ['?_HLS_part=1', 'a part without msn'],
      ['?_HLS_msn=999999', 'far beyond the edge'],
    ]) {
      const bad = await fetch(t.base + r.body.url + q);
      assert.equal(bad.status, 400, `${why}: ${await bad.text()}`);
    }
    assert.equal((await fetch(at('part999999.0.m4s'))).status, 404, 'a part not hinted is not waited for');
  });

  it('a second viewer joins the same ffmpeg (warm start)', async () => {
    const t0 = performance.now();
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(r.status, 201);
    assert.equal(r.body.started, false);
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(t.gw.services.supervisor.list().filter((s) => s.cameraId === camId && s.profile === 'main').length, 1);
  });

  const bad: Array<[string, (u: string) => string, number]> = [
    [
      'a tampered token',
      (u) => u.replace(/\/hls\/([^/]+)\//, (_m, tok: string) => `/hls/${tok.slice(0, -3)}abc/`),
      401,
    ],
    ['a token for another camera', (u) => u.replace(`/${camId}.main/`, `/${offId}.main/`), 403],
    ['a token for another profile', (u) => u.replace(`/${camId}.main/`, `/${camId}.sub/`), 403],
    ['.. in the segment name', (u) => u.replace('index.m3u8', '..%2f..%2fetc%2fpasswd'), 404],
    ['encoded traversal in the key', (u) => u.replace(`/${camId}.main/`, '/%2e%2e/'), 404],
    ['an unknown file name', (u) => u.replace('index.m3u8', 'evil.sh'), 404],
  ];
  for (const [name, mutate, status] of bad) {
    it(`refuses ${name} with ${status}`, async () => {
      const r = await fetch(t.base + mutate(url));
      assert.equal(r.status, status);
    });
  }

  it('refuses an expired stream token', async () => {
    const tok = t.gw.services.tokens.signStream(
      { sub: 'u:1', cam: camId, prof: 'main', ssid: '00000000-0000-4000-8000-000000000000' },
      -10,
    );
    const r = await fetch(`${t.base}/hls/${tok}/${camId}.main/index.m3u8`);
    assert.equal(r.status, 401);
  });

  it('refuses a correctly signed stream token whose stream session is unknown', async () => {
    const sop = (await t.gw.repos.accounts.userByName('sop'))!;
    const tok = t.gw.services.tokens.signStream({
      sub: `u:${sop.id}`,
      cam: camId,
      prof: 'main',
      ssid: '3f1e2d4c-5b6a-4789-8abc-def012345678',
    });
    const r = await fetch(`${t.base}/hls/${tok}/${camId}.main/index.m3u8`);
    assert.equal(r.status, 401);
    assert.match(((await r.json()) as { detail: string }).detail, /stream session .* is unknown or closed/);
    // a real session's id under another principal's name is just as unknown
    const open = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(open.status, 201, open.text);
    const padm = (await t.gw.repos.accounts.userByName('padm'))!;
    const other = t.gw.services.tokens.signStream({
      sub: `u:${padm.id}`,
      cam: camId,
      prof: 'main',
      ssid: open.body.sessionId,
    });
    assert.equal((await fetch(`${t.base}/hls/${other}/${camId}.main/index.m3u8`)).status, 401);
    assert.equal((await fetch(t.base + open.body.url)).status, 200, 'the real token still plays');
  });

  it('a department that requires a reason gets 400 without one, and the reason is audited', async () => {
    const admin = await t.login('padm');
    const set = await t.api('PATCH', `/api/v1/departments/${t.departments.police}`, {
      token: admin,
      body: { settings: { requireStreamReason: true } },
    });
    assert.equal(set.status, 200, set.text);
    const no = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(no.status, 400);
    assert.equal(no.body.errors[0].path, 'body.reason');
    const refused = await t.gw.db
      .knex('audit_log')
      .where({ action: 'stream.open', outcome: 'denied', target_id: camId })
      .whereRaw("detail->>'refusedBy' = 'reason-required'");
    assert.equal(refused.length, 1, 'the call without a reason is audited as refused');
    const yes = await t.api('POST', `/api/v1/cameras/${camId}/streams`, {
      token: police,
      body: { profile: 'main', reason: '警情 2026-1122-001', incidentId: 'JQ-001' },
    });
    assert.equal(yes.status, 201, yes.text);
    const row = await t.gw.db.knex('audit_log').where({ action: 'stream.open' }).orderBy('id', 'desc').first();
    assert.equal(row.detail.incidentId, 'JQ-001');
    await t.api('PATCH', `/api/v1/departments/${t.departments.police}`, {
      token: admin,
      body: { settings: { requireStreamReason: false } },
    });
    assert.equal(
      (await t.api('PATCH', `/api/v1/departments/${t.departments.traffic}`, { token: admin, body: { name: 'x' } }))
        .status,
      403,
    );
  });

  it('400 for an unknown profile, 404 for an unknown or invisible camera', async () => {
    assert.equal(
      (await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'hd' } })).status,
      400,
    );
    assert.equal(
      (await t.api('POST', '/api/v1/cameras/424242/streams', { token: police, body: { profile: 'main' } })).status,
      404,
    );
    assert.equal(
      (await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: trafficViewer, body: { profile: 'main' } }))
        .status,
      404,
    );
  });

  it('refused stream calls are audited: who, which camera, refused by what and why', async () => {
    const denied = (q: Record<string, unknown>) =>
      t.gw.db.knex('audit_log').where({ action: 'stream.open', outcome: 'denied', ...q });
    // by the policy: the traffic viewer has no share of the police camera
    assert.equal(
      (
        await t.api('POST', `/api/v1/cameras/${camId}/streams`, {
          token: trafficViewer,
          body: { profile: 'sub', reason: '好奇' },
        })
      ).status,
      404,
    );
    const byPolicy = await denied({ actor_name: 'tview', target_id: camId }).whereRaw("detail->>'profile' = 'sub'");
    assert.equal(byPolicy.length, 1);
    assert.equal(byPolicy[0].actor_type, 'user');
    assert.equal(byPolicy[0].ip, '127.0.0.1');
    assert.deepEqual(
      { ...byPolicy[0].detail, reason: undefined },
      { profile: 'sub', refusedBy: 'policy', reason: undefined, callReason: '好奇' },
    );
    assert.match(byPolicy[0].detail.reason, new RegExp(`camera ${camId} not found`));
    // by the token check, with a verified token of the wrong profile: once per token, however often the player asks
    const open = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(open.status, 201, open.text);
    for (let i = 0; i < 3; i++)
      assert.equal((await fetch(t.base + open.body.url.replace(`/${camId}.main/`, `/${camId}.sub/`))).status, 403);
    const byToken = await denied({ target_id: camId }).whereRaw("detail->>'session' = ?", [open.body.sessionId]);
    assert.equal(byToken.length, 1);
    assert.equal(byToken[0].actor_name, 'sop');
    assert.equal(byToken[0].detail.refusedBy, 'token');
    assert.match(byToken[0].detail.reason, /another camera or profile/);
    // a token that does not verify: anonymous, once a minute per address, camera and cause
    const forged = open.body.url.replace(
      /\/hls\/([^/]+)\//,
      (_m: string, tok: string) => `/hls/${tok.slice(0, -3)}xyz/`,
    );
    for (let i = 0; i < 3; i++) assert.equal((await fetch(t.base + forged)).status, 401);
    const anon = await denied({ actor_type: 'anonymous', target_id: camId });
    assert.equal(anon.length, 1, JSON.stringify(anon));
    assert.equal(anon[0].detail.refusedBy, 'token');
    assert.match(anon[0].detail.reason, /invalid signature|rejected/);
    // by the role's gate, before any camera is looked up: an auditor never watches video
    await t.addUser('saud', 'auditor', 'police');
    const auditor = await t.login('saud');
    assert.equal(
      (await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: auditor, body: { profile: 'main' } })).status,
      403,
    );
    const byGate = await denied({ actor_name: 'saud', target_id: camId });
    assert.equal(byGate.length, 1);
    assert.equal(byGate[0].detail.refusedBy, 'policy');
    assert.match(byGate[0].detail.reason, /role auditor may not view/);
  });

  it('a camera that does not answer gets a clear 503 and no process is left', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${offId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(r.status, 503, r.text);
    assert.ok(r.headers.get('retry-after'));
    assert.match(r.body.detail, /did not deliver video/);
    const running = () => t.gw.services.supervisor.list().filter((s) => s.cameraId === offId && s.pid !== null);
    await waitFor(() => running().length === 0, { what: 'no ffmpeg running for the dead camera', timeoutMs: 2000 });
  });

  it('a share lets the traffic viewer watch; revoking it cuts the open stream', async () => {
    const admin = await t.login('padm');
    const share = await t.api('POST', '/api/v1/shares', {
      token: admin,
      body: { toDepartmentId: t.departments.traffic, kind: 'tags', tags: ['station'] },
    });
    assert.equal(share.status, 201, share.text);
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, {
      token: trafficViewer,
      body: { profile: 'main' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal((await fetch(t.base + r.body.url)).status, 200);
    assert.equal((await t.api('DELETE', `/api/v1/shares/${share.body.id}`, { token: admin })).status, 200);
    const cut = await fetch(t.base + r.body.url);
    assert.equal(cut.status, 403);
    // the revocation's re-check writes the close record; it may land just after the 403
    type Close = { detail: { reason: string; durationS: unknown } };
    const closes: Close[] = await waitFor(
      async () => {
        const rows: Close[] = await t.gw.db.knex('audit_log').where({ action: 'stream.close', actor_name: 'tview' });
        return rows.length > 0 && rows;
      },
      { what: 'the close record of the revoked stream', timeoutMs: 2000 },
    );
    assert.equal(closes.length, 1);
    assert.equal(closes[0]!.detail.reason, 'access revoked');
    assert.equal(typeof closes[0]!.detail.durationS, 'number');
  });

  it('stream states go over socket.io to those who can see the camera, and only to them', async () => {
    const seen: Record<string, string[]> = { police: [], traffic: [] };
    const sockets = await Promise.all(
      (['police', 'traffic'] as const).map(async (who) => {
        const s = io(t.base, {
          path: '/socket.io',
          auth: { token: who === 'police' ? police : trafficViewer },
          transports: ['websocket'],
        });
        s.on('stream:state', (m: { cameraId: string; profile: string; state: string }) => {
          if (m.cameraId === camId && m.profile === 'sub') seen[who]!.push(m.state);
        });
        await new Promise<void>((res, rej) => (s.once('connect', () => res()), s.once('connect_error', rej)));
        return s;
      }),
    );
    try {
      const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'sub' } });
      assert.equal(r.status, 201, r.text);
      await waitFor(() => seen.police!.includes('live'), {
        what: "the police socket's 'live' stream state",
        timeoutMs: 5000,
      }).catch(() => undefined);
      assert.deepEqual(seen.police!.slice(0, 2), ['starting', 'live']);
      assert.deepEqual(seen.traffic, [], 'the traffic viewer cannot see this camera any more');
    } finally {
      sockets.forEach((s) => s.close());
    }
  });

  it('a snapshot is a JPEG, policy-checked', async () => {
    const r = await fetch(`${t.base}/api/v1/cameras/${camId}/snapshot`, {
      headers: { authorization: `Bearer ${police}` },
    });
    assert.equal(r.status, 200);
    const b = Buffer.from(await r.arrayBuffer());
    assert.equal(b[0], 0xff);
    assert.equal(b[1], 0xd8);
    assert.equal(
      (
        await fetch(`${t.base}/api/v1/cameras/${offId}/snapshot`, {
          headers: { authorization: `Bearer ${trafficViewer}` },
        })
      ).status,
      404,
    );
  });

  it('a stream close whose audit entry the database refuses is logged, not dropped', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: police, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const knex = t.gw.db.knex;
    const fn = `"${t.schema}".refuse_stream_close`;
    // PostgreSQL itself refuses the write: a trigger rejects the close records
    await knex.raw(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ` +
        `IF NEW.action = 'stream.close' THEN RAISE EXCEPTION 'audit write refused'; END IF; RETURN NEW; END $$`,
    );
    await knex.raw(
      `CREATE TRIGGER refuse_stream_close BEFORE INSERT ON "${t.schema}".audit_log FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    try {
      await t.gw.services.streams.stopCamera(camId, 'camera edited');
    } finally {
      await knex.raw(`DROP TRIGGER refuse_stream_close ON "${t.schema}".audit_log`);
      await knex.raw(`DROP FUNCTION ${fn}()`);
    }
    const line = logs.find((l) => /audit entry of closing session/.test(l));
    assert.ok(line, `logged: ${logs.join(' | ')}`);
    assert.match(line, /^error .*camera \d+, camera edited.*audit write refused/);
    assert.equal(t.gw.services.streams.openSessions(), 0, 'the session is closed all the same');
  });
});
