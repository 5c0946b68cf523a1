// Recorded footage of a township camera played at the city (cascade): spans, sessions and the stream come from the
// township over the link, as the city's account there; the city never reads the township's files or cameras.
import assert from 'node:assert/strict';
import type { CameraRecord } from '../../gateway/db/cameras-repo';
import type { SegmentRecord } from '../../gateway/db/recordings-repo';
import { cascadeServerConfig, cascadeUpstreamConfig, makeCascadeCerts } from '../../bench/cascade-certs';
import { recordFootage } from '../helpers/footage';
import { framemd5OfUrl } from '../helpers/fmp4-ffmpeg';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const TOKEN = 'town-p-token-0123456789';
const iso = (ms: number): string => new Date(ms).toISOString();

describe('cascade: township footage played back at the city through the link', function () {
  this.timeout(120_000);
  let city: TestGateway;
  let town: TestGateway;
  let townAdmin: string;
  let cityOp: string;
  const ids = { town: '', liveOnlyTown: '', city: '', liveOnlyCity: '' };
  let runA: SegmentRecord[];
  let runB: SegmentRecord[];
  // ten minutes ago: 5 segments of 2 s, a 10 s gap, 3 more
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;

  const camera = async (townId: string): Promise<CameraRecord> =>
    waitFor(
      async () => (await city.gw.repos.cameras.cascadeCameras('town-p')).find((c) => c.cascadeCameraId === townId),
      { timeoutMs: 15_000, what: `township camera ${townId} at the city` },
    );

  before(async () => {
    const certs = makeCascadeCerts();
    city = await startTestGateway({
      cascade: cascadeServerConfig(certs, [
        { name: 'town-p', token: TOKEN, department: 'urban', commonName: 'town-a' },
      ]),
    });
    town = await startTestGateway({
      cascade: cascadeUpstreamConfig(certs, {
        port: city.gw.services.cascade.upper!.server.port,
        name: 'town-p',
        token: TOKEN,
        actAs: 'city-link',
      }),
    });
    await town.addUser('city-link', 'operator', 'traffic');
    await town.addUser('tadm', 'admin', 'police');
    await city.addUser('cop', 'operator', 'urban');
    townAdmin = await town.login('tadm');
    cityOp = await city.login('cop');
    const add = async (name: string, lng: number): Promise<string> => {
      const r = await town.api('POST', '/api/v1/cameras', {
        token: townAdmin,
        body: { name, mainUri: 'rtsp://127.0.0.1:9/x', lng, lat: 29.03, streams: { main: { codec: 'h264' } } },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    ids.town = await add('镇录像', 111.7);
    ids.liveOnlyTown = await add('镇仅实时', 111.71);
    for (const [cam, grants] of [
      [ids.town, 'live+playback'],
      [ids.liveOnlyTown, 'live'],
    ] as const) {
      const share = await town.api('POST', '/api/v1/shares', {
        token: townAdmin,
        body: { toDepartmentId: town.departments.traffic, kind: 'cameras', cameraIds: [cam], grants },
      });
      assert.equal(share.status, 201, share.text);
    }
    const volume = [...town.gw.services.recordings.volumes.keys()][0]!;
    const repo = town.gw.services.playback.repo;
    runA = await recordFootage(repo, volume, ids.town, town.departments.police, t0, 5, 2);
    runB = await recordFootage(repo, volume, ids.town, town.departments.police, runA.at(-1)!.endMs + 10_000, 3, 2);
    ids.city = (await camera(ids.town)).id;
    ids.liveOnlyCity = (await camera(ids.liveOnlyTown)).id;
  });

  after(async () => {
    await town?.close();
    await city?.close();
  });

  it("the city's spans of the township camera are the township's own, under the city's camera id", async () => {
    const q = `from=${iso(t0 - 60_000)}&to=${iso(t0 + 120_000)}`;
    const own = await town.api('GET', `/api/v1/cameras/${ids.town}/recordings?${q}`, { token: townAdmin });
    const r = await city.api('GET', `/api/v1/cameras/${ids.city}/recordings?${q}`, { token: cityOp });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.camera, ids.city);
    assert.deepEqual(r.body.spans, own.body.spans);
    assert.deepEqual(r.body.spans, [
      { start: iso(runA[0]!.startMs), end: iso(runA.at(-1)!.endMs), kind: 'continuous' },
      { start: iso(runB[0]!.startMs), end: iso(runB.at(-1)!.endMs), kind: 'continuous' },
    ]);
    assert.deepEqual(r.body.gaps, own.body.gaps);
  });

  it('a session at the city plays the same frames as at the township, through the gap; audited on both sides', async () => {
    const start = iso(runA[1]!.startMs + 500);
    const r = await city.api('POST', `/api/v1/cameras/${ids.city}/playback`, {
      token: cityOp,
      body: { start, reason: '事件回看' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.start, iso(runA[1]!.startMs + 500));
    assert.equal(r.body.firstSegmentStart, iso(runA[1]!.startMs));
    const own = await town.api('POST', `/api/v1/cameras/${ids.town}/playback`, { token: townAdmin, body: { start } });
    assert.equal(own.status, 201, own.text);
    const [atCity, atTown] = await Promise.all([
      framemd5OfUrl(city.base + r.body.stream),
      framemd5OfUrl(town.base + own.body.stream),
    ]);
    // from the keyframe at or before start: 4 segments of run A and 3 of run B, 2 s each at 25 fps
    assert.equal(atCity.length, 7 * 50);
    assert.deepEqual(atCity, atTown, 'the very same pictures');
    const map = await city.api('GET', r.body.map);
    const ownMap = await town.api('GET', own.body.map);
    assert.equal(map.status, 200, map.text);
    assert.equal(map.body.camera, ids.city);
    assert.deepEqual(map.body.segments, ownMap.body.segments);
    assert.deepEqual(map.body.gaps, ownMap.body.gaps);
    assert.equal(map.body.gaps.length, 1);
    const hls = await city.api('GET', r.body.hls);
    assert.equal(hls.status, 404);
    assert.match(hls.body.detail, /served as stream\.mp4 only/);
    const [townRow] = await town.gw.db
      .knex('audit_log')
      .where({ action: 'playback.open', outcome: 'ok', target_id: ids.town })
      .whereRaw("actor_name like 'city-link%'")
      .select('actor_name', 'ip', 'detail');
    assert.equal(townRow.actor_name, 'city-link (upper platform: cop)');
    assert.match(townRow.ip, /^cascade:127\.0\.0\.1/);
    assert.equal(townRow.detail.reason, '事件回看');
    const [cityRow] = await city.gw.db
      .knex('audit_log')
      .where({ action: 'playback.open', target_id: ids.city })
      .select('actor_name', 'detail');
    assert.equal(cityRow.actor_name, 'cop');
    assert.equal(cityRow.detail.peer, 'town-p');
    assert.equal(cityRow.detail.peerSession, townRow.detail.session, 'the two audit rows name the same session');
  });

  it("footage the township does not share, or does not have, is refused with the township's reason", async () => {
    const q = `from=${iso(t0 - 60_000)}&to=${iso(t0 + 120_000)}`;
    const live = await city.api('GET', `/api/v1/cameras/${ids.liveOnlyCity}/recordings?${q}`, { token: cityOp });
    assert.equal(live.status, 403, live.text);
    assert.match(live.body.detail, /does not share camera \d+'s recordings/);
    const none = await city.api('POST', `/api/v1/cameras/${ids.city}/playback`, {
      token: cityOp,
      body: { start: iso(t0 - 3_600_000), end: iso(t0 - 3_500_000) },
    });
    assert.equal(none.status, 404, none.text);
    assert.match(none.body.detail, /town-p.*has no main footage/);
  });

  it("an export at the city holds the township's pictures across the gap, as the township's own export does", async () => {
    const body = { from: iso(t0 - 5_000), to: iso(runB.at(-1)!.endMs + 5_000), reason: '镇街事件取证' };
    const done = async (gw: TestGateway, token: string, camera: string) => {
      const r = await gw.api('POST', '/api/v1/exports', { token, body: { ...body, cameras: [camera] } });
      assert.equal(r.status, 202, r.text);
      const e = await waitFor(
        async () => {
          const g = await gw.api('GET', `/api/v1/exports/${r.body.id}`, { token });
          assert.notEqual(g.body.status, 'failed', g.text);
          return g.body.status === 'done' && g.body;
        },
        { timeoutMs: 60_000, what: 'the export done' },
      );
      const file = (name: RegExp) => e.files.find((f: { name: string }) => name.test(f.name));
      const manifest = await (await fetch(gw.base + file(/^manifest\.json$/).url)).json();
      return { e, video: gw.base + file(/^camera-\d+\.mp4$/).url, manifest };
    };
    const [atCity, atTown] = [await done(city, cityOp, ids.city), await done(town, townAdmin, ids.town)];
    const [cityFrames, townFrames] = await Promise.all([framemd5OfUrl(atCity.video), framemd5OfUrl(atTown.video)]);
    assert.equal(townFrames.length, 8 * 2 * 25, "the township's own export: both runs");
    assert.deepEqual(cityFrames, townFrames, 'the same frames, timestamps and all');
    const [cam] = atCity.manifest.cameras;
    assert.equal(cam.camera, ids.city);
    assert.equal(cam.source, 'lower platform town-p');
    assert.deepEqual(cam.gaps, atTown.manifest.cameras[0].gaps);
    assert.equal(cam.gaps.length, 1, 'the 10 s without footage between the runs');
    assert.equal(cam.unread, undefined);
    // the township decided and audited it, naming the city's operator
    const rows = await town.gw.db
      .knex('audit_log')
      .where({ action: 'playback.open', target_id: ids.town })
      .whereRaw("actor_name = 'city-link (upper platform: cop)'")
      .whereRaw("detail->>'reason' = ?", [body.reason]);
    assert.equal(rows.length, 2, 'one township session per run');
    // a camera the township shares live only is refused at the city before any export is made
    const live = await city.api('POST', '/api/v1/exports', {
      token: cityOp,
      body: { ...body, cameras: [ids.liveOnlyCity] },
    });
    assert.equal(live.status, 403, live.text);
  });

  it('a stream read slowly is carried at its reader pace; a reader that goes away ends the township session', async () => {
    // 24 s of bulk 640x480 (about 12 MB): several times what the township sends ahead of the city's reader
    const volume = [...town.gw.services.recordings.volumes.keys()][0]!;
    const t1 = t0 + 300_000;
    const big = await recordFootage(
      town.gw.services.playback.repo,
      volume,
      ids.town,
      town.departments.police,
      t1,
      8,
      3,
      {
        size: '640x480',
        fast: true,
      },
    );
    assert.equal(big.length, 8);
    const r = await city.api('POST', `/api/v1/cameras/${ids.city}/playback`, {
      token: cityOp,
      body: { start: iso(t1) },
    });
    const ctl = new AbortController();
    const res = await fetch(city.base + r.body.stream, { signal: ctl.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(first.value && first.value.length > 0);
    const lower = town.gw.services.cascade.lower!;
    await new Promise((ok) => setTimeout(ok, 1000));
    assert.equal(lower.footageChannels(), 1, 'the township waits for the reader, it has not sent everything');
    ctl.abort();
    await waitFor(async () => (lower.footageChannels() === 0 ? true : undefined), {
      timeoutMs: 5000,
      what: 'the township channel closed',
    });
  });

  it('the township unreachable: 503 with Retry-After, not a hang', async () => {
    await town.close();
    const q = `from=${iso(t0 - 60_000)}&to=${iso(t0 + 120_000)}`;
    const r = await waitFor(
      async () => {
        const x = await city.api('GET', `/api/v1/cameras/${ids.city}/recordings?${q}`, { token: cityOp });
        return x.status === 503 ? x : undefined;
      },
      { timeoutMs: 10_000, what: '503 once the link is gone' },
    );
    assert.ok(r.headers.get('retry-after'));
    assert.match(r.body.detail, /town-p is not linked/);
  });
});
