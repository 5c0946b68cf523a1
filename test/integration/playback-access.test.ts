// Who may play footage back, and every bad input: roles, live vs live+playback shares, revocation mid-session, deleted cameras, traversal.
import assert from 'node:assert/strict';
import type { SegmentRecord } from '../../gateway/db/recordings-repo';
import { recordFootage } from '../helpers/footage';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('playback API: access and bad input', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let admin: string;
  let cam: string;
  let other: string;
  let rows: SegmentRecord[];
  const iso = (ms: number): string => new Date(ms).toISOString();
  const t0 = Date.now() - 3 * 3600_000;
  const range = (from = t0 - 60_000, to = t0 + 3600_000): string => `from=${iso(from)}&to=${iso(to)}`;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('padm', 'admin', 'police');
    for (const [u, role, dept] of [
      ['city', 'admin', null],
      ['pop', 'operator', 'police'],
      ['pview', 'viewer', 'police'],
      ['aud', 'auditor', null],
      ['top', 'operator', 'traffic'],
      ['tadm', 'admin', 'traffic'],
    ] as const)
      await t.addUser(u, role, dept);
    admin = await t.login('padm');
    const add = async (name: string) => {
      const r = await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: {
          name,
          mainUri: 'rtsp://127.0.0.1:9/x',
          lng: 111.69,
          lat: 29.03,
          tags: ['gate'],
          streams: { main: { codec: 'h264' } },
        },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    cam = await add('pb access');
    other = await add('pb other');
    const volume = [...t.gw.services.recordings.volumes.keys()][0]!;
    rows = await recordFootage(t.gw.services.playback.repo, volume, cam, t.departments.police, t0, 3, 2);
    await recordFootage(t.gw.services.playback.repo, volume, other, t.departments.police, t0, 1, 2);
  });
  after(async () => {
    await t?.close();
  });

  const spans = async (who: string, id = cam) =>
    (await t.api('GET', `/api/v1/cameras/${id}/recordings?${range()}`, { token: await t.login(who) })).status;
  const open = async (who: string, id = cam) =>
    t.api('POST', `/api/v1/cameras/${id}/playback`, { token: await t.login(who), body: { start: iso(t0) } });

  it('admin and operator play back; a viewer (live only) and an auditor are refused, and the refusal is audited', async () => {
    assert.equal(await spans('padm'), 200);
    assert.equal(await spans('pop'), 200);
    assert.equal((await open('pop')).status, 201);
    assert.equal(await spans('pview'), 403);
    assert.equal((await open('pview')).status, 403);
    assert.equal((await open('aud')).status, 403);
    const audit = await t.gw.repos.audit.query({ action: 'playback.open', targetId: cam }, 50);
    const denied = audit.items.filter((a) => a.outcome === 'denied');
    assert.deepEqual(denied.map((a) => a.actorName).sort(), ['aud', 'pview']);
    const ok = audit.items.find((a) => a.outcome === 'ok' && a.actorName === 'pop')!;
    assert.equal(ok.detail.from, iso(t0));
    assert.equal(ok.detail.to, iso(t0 + t.gw.config.recording.playback.windowS * 1000));
    assert.equal(ok.detail.profile, 'main');
  });

  it('through a share: live only → 403 (the camera is seen), live+playback → 201; revoking it cuts an open session', async () => {
    assert.equal(await spans('top'), 404);
    const share = async (grants?: string) => {
      const r = await t.api('POST', '/api/v1/shares', {
        token: admin,
        body: { toDepartmentId: t.departments.traffic, kind: 'tags', tags: ['gate'], ...(grants ? { grants } : {}) },
      });
      assert.equal(r.status, 201, r.text);
      return r.body as { id: number; grants: string };
    };
    const live = await share();
    assert.equal(live.grants, 'live');
    assert.equal(await spans('top'), 403);
    assert.equal((await open('top')).status, 403);
    const both = await share('live+playback');
    assert.equal(both.grants, 'live+playback');
    const s = await open('top');
    assert.equal(s.status, 201, s.text);
    assert.equal((await t.api('GET', s.body.map)).status, 200);
    // a stream being read when the share goes: it ends at the next segment, with the access refusal
    const token = (s.body.stream as string).split('/')[2]!;
    const { playback } = t.gw.services.playback;
    const chunks = playback.stream(await playback.access.authorize(token), async () => {
      await playback.access.authorize(token);
    });
    let got = 0;
    for (let i = 0; i < 2; i++) got += (await chunks.next()).done ? 0 : 1;
    assert.equal((await t.api('DELETE', `/api/v1/shares/${both.id}`, { token: admin })).status, 200);
    assert.equal((await t.api('GET', s.body.map)).status, 403);
    assert.equal((await t.api('GET', s.body.hls)).status, 403);
    await assert.rejects(
      (async () => {
        for (;;) {
          if ((await chunks.next()).done) return;
          got++;
        }
      })(),
      /access to this camera was withdrawn/,
    );
    // init + the first segment's 50 fragments at most: nothing of the second segment
    assert.ok(got <= 51, `${got} chunks after the revocation`);

    assert.equal((await fetch(t.base + s.body.stream)).status, 403);
    // the live share still shows the camera, and still grants no footage
    assert.equal(await spans('top'), 403);
    const denied = await t.gw.repos.audit.query({ action: 'playback.open', actor: 'top' }, 10);
    assert.ok(denied.items.some((a) => a.outcome === 'denied' && a.detail.refusedBy === 'policy'));
  });

  it('an integrator plays back with an API key holding the playback scope, not with a view-only key', async () => {
    const key = async (scopes: string[]) => {
      const r = await t.api('POST', '/api/v1/api-keys', { token: admin, body: { name: `k ${scopes}`, scopes } });
      assert.equal(r.status, 201, r.text);
      return r.body.key as string;
    };
    const body = { start: iso(t0) };
    const viewOnly = await key(['view']);
    assert.equal((await t.api('POST', `/api/v1/cameras/${cam}/playback`, { apiKey: viewOnly, body })).status, 403);
    const pb = await key(['view', 'playback']);
    const r = await t.api('POST', `/api/v1/cameras/${cam}/playback`, { apiKey: pb, body });
    assert.equal(r.status, 201, r.text);
    assert.equal((await t.api('GET', r.body.hls)).status, 200);
    const ex = await t.api('POST', '/api/v1/exports', {
      apiKey: pb,
      body: { cameras: [cam], from: iso(t0), to: iso(t0 + 60_000), reason: 'integrator test' },
    });
    assert.equal(ex.status, 403);
  });

  it("a deleted camera's footage: admins only (city-wide, or its department's), others 404", async () => {
    assert.equal((await t.api('DELETE', `/api/v1/cameras/${other}`, { token: admin })).status, 204);
    assert.equal(await spans('city', other), 200);
    assert.equal(await spans('padm', other), 200);
    assert.equal(await spans('tadm', other), 404);
    assert.equal(await spans('pop', other), 404);
    assert.equal((await open('pop', other)).status, 404);
    const s = await open('city', other);
    assert.equal(s.status, 201, s.text);
    assert.equal((await t.api('GET', s.body.map)).status, 200);
    // an id that never had a camera nor footage
    assert.equal(await spans('city', '987654321'), 404);
  });

  it('bad ranges and times: each a 400 naming the field', async () => {
    const token = await t.login('padm');
    const get = (q: string) => t.api('GET', `/api/v1/cameras/${cam}/recordings?${q}`, { token });
    const cases: Array<[string, string, RegExp]> = [
      [`from=${iso(t0)}&to=${iso(t0 - 1000)}`, 'query.to', /reversed/],
      ['from=2026-12-01T10:00:00&to=2026-12-01T11:00:00Z', 'query.from', /no time zone/],
      ['from=2026-12-01T10:00:00%2B25:00&to=2026-12-01T11:00:00Z', 'query.from', /offset/],
      ['from=yesterday&to=2026-12-01T11:00:00Z', 'query.from', /ISO 8601/],
      ['from=2026-02-30T10:00:00Z&to=2026-03-01T11:00:00Z', 'query.from', /real date/],
      [`from=${iso(t0 - 40 * 86_400_000)}&to=${iso(t0)}`, 'query.to', /longer than 31 days/],
      [`from=${iso(Date.now() + 3600_000)}&to=${iso(Date.now() + 7200_000)}`, 'query.from', /future/],
      [`from=${iso(t0)}`, 'query.to', /./],
      [`from=${iso(t0)}&to=${iso(t0 + 1000)}&profile=../x`, 'query.profile', /./],
    ];
    for (const [q, field, why] of cases) {
      const r = await get(q);
      assert.equal(r.status, 400, `${q}: ${r.text}`);
      assert.ok(JSON.stringify(r.body).includes(field), `${q}: ${r.text}`);
      assert.match(r.text, why, q);
    }
    const post = (body: unknown) => t.api('POST', `/api/v1/cameras/${cam}/playback`, { token, body });
    assert.equal((await post({ start: '2026-12-01T10:00:00' })).status, 400);
    assert.equal((await post({ start: iso(Date.now() + 60_000) })).status, 400);
    assert.equal((await post({ start: iso(t0), speed: 3 })).status, 400);
    assert.equal((await post({ start: iso(t0), extra: 1 })).status, 400);
    // a time with no footage in the session's window: 404 saying so
    const none = await post({ start: iso(t0 - 86_400_000) });
    assert.equal(none.status, 404);
    assert.match(none.text, /no main footage/);
  });

  it('traversal in every name-bearing parameter: refused, nothing outside the session served', async () => {
    const token = await t.login('padm');
    assert.equal((await t.api('GET', `/api/v1/cameras/..%2F..%2Fetc/recordings?${range()}`, { token })).status, 400);
    assert.equal(
      (await t.api('POST', '/api/v1/cameras/1%2F..%2F2/playback', { token, body: { start: iso(t0) } })).status,
      400,
    );
    const s = await open('padm');
    const base = s.body.hls.replace(/index\.m3u8$/, '');
    for (const name of [
      '..%2F..%2Fetc%2Fpasswd',
      '..',
      `seg-..%2F${rows[0]!.id}.m4s`,
      'init-1.m4s',
      'seg-1.mp4',
      `${rows[0]!.path}`,
    ])
      assert.equal((await fetch(`${t.base}${base}${name}`)).status, 404, name);
    // a real segment id of another camera is not part of this session
    const foreign = (await t.gw.services.playback.repo.segments(other, t0 - 1000, t0 + 60_000))[0]!;
    assert.equal((await fetch(`${t.base}${base}seg-${foreign.id}.m4s`)).status, 404);
    assert.equal((await fetch(`${t.base}${base}seg-${rows[0]!.id}.m4s`)).status, 200);
    // tokens: garbage, traversal, another audience (a live stream token)
    for (const tok of ['x', '..%2F..', 'a.b.c'])
      assert.equal((await fetch(`${t.base}/playback/${tok}/map`)).status, 401, tok);
    const tampered = s.body.map.replace(/\/playback\/([^.]+)\.([^.]+)\./, '/playback/$1.$2x.');
    assert.equal((await fetch(t.base + tampered)).status, 401);
  });
});
