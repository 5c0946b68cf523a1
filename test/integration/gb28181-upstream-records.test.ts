// The upward cascade's recordings in the library: a superior (Gb28181Server) asks the lower platform (GbUpstream) for
// a channel's RecordInfo and gets every recording in pages, in its local time; its Playback INVITE reaches the lower
// platform with its range, its MANSRTSP in INFO steers the session (a malformed one refused), and the session's end
// is told with MediaStatus 121. Hostile queries get an empty answer and a log line, never an exception.
import assert from 'node:assert/strict';
import {
  Gb28181Server,
  GbUpstream,
  UpstreamRefusal,
  buildMansrtsp,
  msToGbTime,
  readMediaStatus,
  type GbSdp,
  type MansrtspCommand,
  type ManscdpDoc,
  type UpstreamRecord,
} from '../../gateway/gb28181/index';
import { waitFor } from '../helpers/wait-for';
import { startGbPair } from '../helpers/gb-cascade';

const LOWER = '43070200002000000019';
const CH = '43070200001310000011';
const EMPTY = '43070200001310000012';
// 23 ten-minute recordings, every other one an alarm recording, starting on a whole minute two days ago
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 86_400_000;
const RECS: UpstreamRecord[] = Array.from({ length: 23 }, (_, i) => ({
  startMs: T0 + i * 900_000,
  endMs: T0 + i * 900_000 + 600_000,
  type: i % 2 ? 'alarm' : 'time',
}));

/** A recorded session of the test: what it was told, and its `ended` to call. */
interface TestSession {
  offer: GbSdp;
  commands: MansrtspCommand[];
  started: boolean;
  stopped: boolean;
  ended?: () => void;
}

describe('gb28181 upward cascade: the lower platform lists and plays its recordings for the superior', function () {
  this.timeout(30_000);
  let sup: Gb28181Server;
  let up: GbUpstream;
  const asked: Array<{ channelId: string; fromMs: number; toMs: number; type: string }> = [];
  const sessions: TestSession[] = [];
  const logs: string[] = [];
  const notes: ManscdpDoc[] = [];

  before(async () => {
    ({ sup, up } = await startGbPair(LOWER, {
      catalog: async () => [CH, EMPTY].map((deviceId) => ({ deviceId, name: `通道 ${deviceId.slice(-2)}` })),
      records: async (channelId, fromMs, toMs, type) => {
        asked.push({ channelId, fromMs, toMs, type });
        if (channelId !== CH) return [];
        return RECS.filter((r) => r.endMs > fromMs && r.startMs < toMs && (type === 'all' || r.type === type));
      },
      play: async (channelId, offer) => {
        if (channelId !== CH) throw new UpstreamRefusal(404, 'not shared');
        const s: TestSession = { offer, commands: [], started: false, stopped: false };
        sessions.push(s);
        const recorded = /^playback$/i.test(offer.session);
        return {
          localPort: 40_000,
          transport: 'udp',
          start: (ended) => Object.assign(s, { started: true, ended }),
          stop: () => void (s.stopped = true),
          ...(recorded
            ? {
                control: (cmd: MansrtspCommand) => {
                  if (cmd.method === 'PLAY' && cmd.fromS !== undefined && cmd.fromS > 3600)
                    throw new Error('past the end');
                  s.commands.push(cmd);
                },
              }
            : {}),
        };
      },
    }));
    sup.on('notify', (doc: ManscdpDoc) => notes.push(doc));
    up.on('error-log', (m: string) => logs.push(m));
  });
  after(async () => {
    await up?.stop();
    await sup?.close();
  });

  it("RecordInfo: every recording of the range, in pages of 10, in the superior's local time; by Type; none elsewhere", async () => {
    const from = msToGbTime(T0 - 60_000, 480);
    const to = msToGbTime(T0 + 86_400_000, 480);
    const items = await sup.queryRecordInfo(LOWER, CH, from, to);
    assert.equal(items.length, 23, 'three pages put together');
    assert.deepEqual(
      items.map((i) => [i.startTime, i.endTime, i.type]),
      RECS.map((r) => [msToGbTime(r.startMs, 480), msToGbTime(r.endMs, 480), r.type]),
    );
    assert.ok(items.every((i) => i.deviceId === CH && i.name === '通道 11'));
    // the local times were read at UTC+8: the range asked is the range meant
    assert.deepEqual(asked.at(-1), { channelId: CH, fromMs: T0 - 60_000, toMs: T0 + 86_400_000, type: 'all' });
    assert.equal((await sup.queryRecordInfo(LOWER, EMPTY, from, to)).length, 0);
  });

  it('hostile RecordInfo times get an empty answer and a log line, the registration unharmed', async () => {
    const before = asked.length;
    for (const [from, to] of [
      ['yesterday', msToGbTime(T0, 480)],
      [msToGbTime(T0, 480), '2026-02-30T00:00:00'],
      ['<![CDATA[x]]>', '9999-99-99T99:99:99'],
    ])
      assert.deepEqual(await sup.queryRecordInfo(LOWER, CH, from!, to!), []);
    assert.equal(asked.length, before, 'never asked the recordings');
    assert.equal(
      logs.filter((l) => /RecordInfo of \d{20} refused: .*bad MANSCDP body \(time is not/.test(l)).length,
      3,
    );
    // an end before the start is no range: nothing listed, nothing asked
    assert.deepEqual(await sup.queryRecordInfo(LOWER, CH, msToGbTime(T0 + 60_000, 480), msToGbTime(T0, 480)), []);
    assert.equal(asked.length, before);
    assert.equal(up.state, 'registered');
  });

  it('Playback: the INVITE carries its range; MANSRTSP steers it (malformed refused); MediaStatus 121 tells its end', async () => {
    const startS = Math.floor(T0 / 1000) + 60;
    const endS = startS + 300;
    const dialog = await sup.invite(
      LOWER,
      CH,
      { address: '127.0.0.1', port: 41_000, transport: 'udp' },
      { kind: 'Playback', channelId: CH, startS, endS },
    );
    const s = sessions.at(-1)!;
    assert.equal(s.offer.session, 'Playback');
    assert.deepEqual(s.offer.time, [startS, endS]);
    assert.equal(s.offer.uri, `${CH}:0`);
    await waitFor(() => s.started, { what: 'started at ACK' });
    await dialog.info(buildMansrtsp({ method: 'PAUSE' }, 1));
    await dialog.info(buildMansrtsp({ method: 'PLAY', scale: 2, fromS: 120 }, 2));
    assert.deepEqual(s.commands, [
      { method: 'PAUSE', cseq: 1 },
      { method: 'PLAY', cseq: 2, scale: 2, fromS: 120 },
    ]);
    // a body that is no MANSRTSP, and a seek the session refuses: 400, the session goes on
    await assert.rejects(dialog.info('JUMP RTSP/1.0\r\nCSeq: 3\r\n\r\n'), { status: 400 });
    await assert.rejects(dialog.info(buildMansrtsp({ method: 'PLAY', fromS: 7200 }, 4)), { status: 400 });
    assert.equal(s.commands.length, 2);
    assert.equal(s.stopped, false);
    // all of the range sent: the superior is told once
    s.ended!();
    s.ended!();
    await waitFor(() => notes.some((d) => d.cmdType === 'MediaStatus'), { what: 'MediaStatus' });
    await new Promise((ok) => setTimeout(ok, 300));
    const statuses = notes.filter((d) => d.cmdType === 'MediaStatus').map(readMediaStatus);
    assert.deepEqual(statuses, [{ deviceId: CH, notifyType: 121 }]);
    await dialog.bye();
    await waitFor(() => s.stopped, { what: 'stopped at BYE' });
  });

  it('a live session takes no MANSRTSP (405); a Playback of a channel not shared is 404', async () => {
    const live = await sup.invite(LOWER, CH, { address: '127.0.0.1', port: 41_002, transport: 'udp' });
    await assert.rejects(live.info(buildMansrtsp({ method: 'PAUSE' }, 1)), { status: 405 });
    await live.bye();
    const other = '43070200001310000099';
    await assert.rejects(
      sup.invite(
        LOWER,
        other,
        { address: '127.0.0.1', port: 41_004, transport: 'udp' },
        { kind: 'Playback', channelId: other, startS: 1, endS: 2 },
      ),
      { status: 404 },
    );
  });
});
