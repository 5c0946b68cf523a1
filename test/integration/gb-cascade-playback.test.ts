// Recorded footage over the upward GB/T 28181 cascade between two Cloud Eye instances: the superior's timeline of a
// shared camera lists the lower platform's recordings (RecordInfo), and a playback session at the superior plays
// them from the lower platform (Playback INVITE → PS over RTP, paced, ended by MediaStatus 121): the same pictures
// as the lower platform's own playback, across a gap. The lower platform decides as its playbackAs account (a camera
// it may not see is listed no recordings and refused) and audits each session under that account.
import assert from 'node:assert/strict';
import type { SegmentRecord } from '../../gateway/db/recordings-repo';
import { recordFootage } from '../helpers/footage';
import { framemd5OfUrl } from '../helpers/fmp4-ffmpeg';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { freePortRange } from '../helpers/ports';
import { DOMAIN, SUPERIOR, gbUpstreamConfig } from '../helpers/gb-cascade';
import { waitFor } from '../helpers/wait-for';

const LOWER = '43070200002000000003';
const iso = (ms: number): string => new Date(ms).toISOString();
/** The picture hashes of every frame decoded from a URL (timestamps left out: the two sides time differently). */
const pictures = async (url: string): Promise<string[]> =>
  (await framemd5OfUrl(url)).map((l) => l.split(',').at(-1)!.trim());

describe("gb28181 upward cascade: the lower platform's recordings played at the superior", function () {
  this.timeout(150_000);
  let lower: TestGateway;
  let upper: TestGateway;
  let lowAdmin: string;
  let upOp: string;
  const ids = { shared: '', hidden: '', upShared: '', upHidden: '' };
  let runA: SegmentRecord[];
  let runB: SegmentRecord[];
  // twenty minutes ago: 4 segments of 2 s, a 10 s gap, 3 more
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 1_200_000;
  const channelOf = (id: string): string => `${LOWER.slice(0, 10)}131${id.padStart(7, '0')}`;

  before(async () => {
    const port = await freePortRange();
    upper = await startTestGateway({
      gb28181: {
        enabled: true,
        id: SUPERIOR,
        realm: DOMAIN,
        udpPort: 0,
        tcpPort: port,
        password: 'cascade-pw',
        mediaTransport: 'tcp-passive',
      },
    });
    lower = await startTestGateway({
      gb28181: {
        upstream: gbUpstreamConfig(port, LOWER, { playbackAs: 'provincial' }),
      },
    });
    await lower.addUser('ladm', 'admin', 'police');
    await lower.addUser('tadm', 'admin', 'traffic');
    // the account the superior acts as: an operator of traffic, which sees its own department's cameras only
    await lower.addUser('provincial', 'operator', 'traffic');
    await upper.addUser('upop', 'operator', 'police');
    // the shared camera is traffic's: its admin plays the lower platform's own sessions
    lowAdmin = await lower.login('tadm');
    upOp = await upper.login('upop');
    const admins = { police: await lower.login('ladm'), traffic: lowAdmin };
    const add = async (name: string, dept: 'traffic' | 'police', lng: number): Promise<string> => {
      const r = await lower.api('POST', '/api/v1/cameras', {
        token: admins[dept],
        body: {
          name,
          mainUri: 'rtsp://127.0.0.1:9/x',
          lng,
          lat: 29.03,
          tags: ['upward'],
          streams: { main: { codec: 'h264' } },
        },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    ids.shared = await add('路口 上级回看', 'traffic', 111.7);
    ids.hidden = await add('派出所 内部', 'police', 111.71);
    const volume = [...lower.gw.services.recordings.volumes.keys()][0]!;
    const repo = lower.gw.services.playback.repo;
    runA = await recordFootage(repo, volume, ids.shared, lower.departments.traffic, t0, 4, 2);
    runB = await recordFootage(repo, volume, ids.shared, lower.departments.traffic, runA.at(-1)!.endMs + 10_000, 3, 2);
    await recordFootage(repo, volume, ids.hidden, lower.departments.police, t0, 2, 2);
    const gb = () => upper.gw.services.gb!;
    await waitFor(() => gb().server.device(LOWER)?.online, {
      timeoutMs: 30_000,
      what: 'the lower platform registered',
    });
    const find = async (id: string): Promise<string> =>
      waitFor(
        async () => {
          await gb().sync.catalog(LOWER, await gb().server.queryCatalog(LOWER), true);
          return (await upper.gw.repos.cameras.gbCameras(LOWER)).find((c) => c.gbChannelId === channelOf(id))?.id;
        },
        { timeoutMs: 30_000, what: `channel of camera ${id} at the superior` },
      );
    ids.upShared = await find(ids.shared);
    ids.upHidden = await find(ids.hidden);
  });

  after(async () => {
    await lower?.close();
    await upper?.close();
  });

  it("the superior's timeline of the shared camera is the lower platform's recordings (kind device)", async () => {
    const q = `from=${iso(t0 - 60_000)}&to=${iso(t0 + 120_000)}`;
    const r = await upper.api('GET', `/api/v1/cameras/${ids.upShared}/recordings?${q}`, { token: upOp });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.spans, [
      { start: iso(runA[0]!.startMs), end: iso(runA.at(-1)!.endMs), kind: 'device' },
      { start: iso(runB[0]!.startMs), end: iso(runB.at(-1)!.endMs), kind: 'device' },
    ]);
    // a camera the playbackAs account may not see has no recordings upward, though it has some
    const hidden = await upper.api('GET', `/api/v1/cameras/${ids.upHidden}/recordings?${q}`, { token: upOp });
    assert.equal(hidden.status, 200, hidden.text);
    assert.deepEqual(hidden.body.spans, []);
  });

  it('a session at the superior plays the pictures the lower platform recorded, span by span; audited below', async () => {
    for (const [from, to, count] of [
      [runA[1]!.startMs, runA.at(-1)!.endMs, 150],
      [runB[0]!.startMs, runB.at(-1)!.endMs, 150],
    ] as const) {
      const r = await upper.api('POST', `/api/v1/cameras/${ids.upShared}/playback`, {
        token: upOp,
        body: { start: iso(from), reason: '上级调阅' },
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.windowEnd, iso(to), 'the session ends with the span');
      const own = await lower.api('POST', `/api/v1/cameras/${ids.shared}/playback`, {
        token: lowAdmin,
        body: { start: iso(from), end: iso(to) },
      });
      assert.equal(own.status, 201, own.text);
      const [there, here] = await Promise.all([
        pictures(upper.base + r.body.stream),
        pictures(lower.base + own.body.stream),
      ]);
      // 3 segments of 2 s at 25 fps; the superior may miss the very last picture (its muxer holds one back)
      assert.equal(here.length, count, "the lower platform's own session");
      assert.ok(there.length >= count - 1, `${there.length} pictures at the superior of ${count}`);
      assert.deepEqual(there, here.slice(0, there.length), 'the same pictures in the same order');
    }
    const rows = await waitFor(
      async () => {
        const a = await lower.gw.db
          .knex('audit_log')
          .where({ action: 'playback.open', target_id: ids.shared, actor_name: 'provincial (GB/T 28181 superior)' })
          .orderBy('id');
        return a.length >= 2 && a;
      },
      { what: "the lower platform's audit of the superior's sessions" },
    );
    assert.deepEqual(
      rows.map((x: { detail: { from: string; reason: string } }) => [x.detail.from, x.detail.reason]),
      [runA[1]!.startMs, runB[0]!.startMs].map((ms) => [iso(ms), `GB/T 28181 superior ${SUPERIOR}`]),
    );
  });

  it('the lower platform refuses a Playback where it has no footage or of a camera its account may not see (404), in the future (488)', async () => {
    const server = upper.gw.services.gb!.server;
    const media = { address: '127.0.0.1', port: 9, transport: 'udp' as const };
    const s = Math.floor(t0 / 1000);
    for (const [id, startS] of [
      [ids.shared, s - 600],
      [ids.hidden, s],
    ] as const)
      await assert.rejects(
        server.invite(LOWER, channelOf(id), media, {
          kind: 'Playback',
          channelId: channelOf(id),
          startS,
          endS: startS + 8,
        }),
        { status: 404 },
      );
    // a range in the future is no recorded range
    const soon = Math.floor(Date.now() / 1000) + 600;
    await assert.rejects(
      server.invite(LOWER, channelOf(ids.shared), media, {
        kind: 'Playback',
        channelId: channelOf(ids.shared),
        startS: soon,
        endS: soon + 60,
      }),
      { status: 488 },
    );
  });
});
