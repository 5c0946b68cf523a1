// An NVR's own footage over loopback: RecordInfo answered in pages from its recording list, Playback (real time, the
// picture of the instant asked for), MANSRTSP pause and seek, Download at 4× over TCP, MediaStatus 121 at the end.
import assert from 'node:assert/strict';
import {
  Gb28181Server,
  buildMansrtsp,
  joinAnnexB,
  msToGbTime,
  openMediaReceiver,
  readMediaStatus,
  type GbDevice,
  type ManscdpDoc,
  type MediaTransport,
  type VideoAccessUnit,
} from '../../gateway/gb28181/index';
import { SimGbDevice } from '../../sim/gb28181/device';
import type { SimRecording } from '../../sim/gb28181/recordings';
import { firstPictureGray, meanAbsDiff, testsrcGray } from '../helpers/gb-footage';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const NVR = '43070200001180000002';
const CH = '43070200001310000011';
const CH2 = '43070200001310000012';
const DAY = Date.parse('2026-12-06T16:00:00Z'); // 2026-12-07 00:00 at UTC+8, the NVR's clock
// 45 ten-minute recordings on a 15-minute cycle, and one on the second channel
const recordings: SimRecording[] = [
  ...Array.from({ length: 45 }, (_, i) => ({
    channelId: CH,
    startMs: DAY + i * 900_000,
    endMs: DAY + i * 900_000 + 600_000,
  })),
  { channelId: CH2, startMs: DAY, endMs: DAY + 60_000, type: 'alarm' as const },
];

describe('gb28181 device recordings: RecordInfo, Playback, Download of the simulated NVR', function () {
  this.timeout(60_000);
  let server: Gb28181Server;
  let nvr: SimGbDevice;
  const statuses: Array<{ channel: string; type: number; at: number }> = [];

  before(async () => {
    server = new Gb28181Server({
      id: SERVER_ID,
      realm: REALM,
      host: '127.0.0.1',
      udpPort: 0,
      tcpPort: 0,
      password: 'nvr',
    });
    server.on('notify', (doc: ManscdpDoc, _dev: GbDevice) => {
      if (doc.cmdType === 'MediaStatus') {
        const s = readMediaStatus(doc);
        statuses.push({ channel: s.deviceId, type: s.notifyType, at: Date.now() });
      }
    });
    await server.start();
    nvr = new SimGbDevice({
      id: NVR,
      server: { host: '127.0.0.1', port: server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'nvr',
      channels: [
        { id: CH, name: '录像通道 1' },
        { id: CH2, name: '录像通道 2' },
      ],
      recordings,
      recordPageSize: 10,
    });
    await nvr.start();
  });

  after(async () => {
    await server.close();
    await nvr.close();
  });

  it('RecordInfo: 45 recordings come in 5 pages and read back whole; a narrower range and the other channel', async () => {
    const all = await server.queryRecordInfo(NVR, CH, msToGbTime(DAY, 480), msToGbTime(DAY + 86_399_000, 480));
    assert.equal(all.length, 45);
    assert.deepEqual(
      all.map((r) => [r.startTime, r.endTime]),
      recordings.slice(0, 45).map((r) => [msToGbTime(r.startMs, 480), msToGbTime(r.endMs, 480)]),
    );
    assert.equal(all[0]!.startTime, '2026-12-07T00:00:00');
    const part = await server.queryRecordInfo(NVR, CH, '2026-12-07T01:05:00', '2026-12-07T01:50:00');
    assert.deepEqual(
      part.map((r) => r.startTime),
      ['2026-12-07T01:00:00', '2026-12-07T01:15:00', '2026-12-07T01:30:00', '2026-12-07T01:45:00'],
    );
    const other = await server.queryRecordInfo(NVR, CH2, '2026-12-07T00:00:00', '2026-12-07T23:59:59');
    assert.deepEqual(
      other.map((r) => [r.startTime, r.endTime, r.type]),
      [['2026-12-07T00:00:00', '2026-12-07T00:01:00', 'alarm']],
    );
    assert.deepEqual(await server.queryRecordInfo(NVR, CH, '2026-12-08T00:00:00', '2026-12-08T01:00:00'), []);
  });

  async function open(transport: MediaTransport, got: VideoAccessUnit[]) {
    const ssrc = server.newSsrc(true);
    const rx = await openMediaReceiver({
      transport,
      host: '127.0.0.1',
      ssrc: Number(ssrc),
      onAccessUnit: (au) => got.push(au),
    });
    return { rx, ssrc };
  }

  it('Playback from 20 s into a recording: real time, the picture of that instant, PAUSE and seek, then 121', async () => {
    const got: VideoAccessUnit[] = [];
    const { rx, ssrc } = await open('udp', got);
    const rec = recordings[3]!;
    const startS = rec.startMs / 1000 + 20;
    const t0 = Date.now();
    const dialog = await server.invite(
      NVR,
      CH,
      { address: '127.0.0.1', port: rx.port, transport: 'udp', ssrc },
      {
        kind: 'Playback',
        channelId: CH,
        startS,
        endS: startS + 6,
      },
    );
    assert.equal(ssrc[0], '1', 'a playback SSRC starts with 1');
    await waitFor(() => got.length >= 25, { what: 'a second of footage' });
    // the first picture is the recording's instant 20 s in (testsrc2 at 20 s), time-stamped from the recording's start
    assert.ok(got[0]!.keyframe);
    assert.equal(got[0]!.pts, 20 * 90_000);
    const first = firstPictureGray(Buffer.concat(got.slice(0, 5).map((a) => joinAnnexB(a.nals))));
    assert.ok(meanAbsDiff(first, testsrcGray(20)) < 2, 'the picture of 20 s in');
    assert.ok(
      meanAbsDiff(first, testsrcGray(19)) > 4 && meanAbsDiff(first, testsrcGray(21)) > 4,
      'and not of another second',
    );
    // PAUSE: nothing more arrives; PLAY Range npt=4-: pictures from 24 s in
    await dialog.info(buildMansrtsp({ method: 'PAUSE' }, 1));
    await new Promise((r) => setTimeout(r, 300));
    const paused = got.length;
    await new Promise((r) => setTimeout(r, 700));
    assert.ok(got.length - paused <= 1, `paused: ${got.length - paused} pictures arrived`);
    const before = got.length;
    await dialog.info(buildMansrtsp({ method: 'PLAY', fromS: 4 }, 2));
    await waitFor(() => got.length > before + 2, { what: 'footage after the seek' });
    assert.equal(got[before]!.pts, 24 * 90_000);
    assert.ok(got[before]!.keyframe);
    await waitFor(() => statuses.some((s) => s.channel === CH && s.type === 121), {
      what: 'MediaStatus 121',
      timeoutMs: 15_000,
    });
    // 6 s asked for, seeked 4 s on from 20 s after about 1 s: the file ends at 26 s, roughly 3 s of real time later
    assert.ok(Date.now() - t0 >= 2500, 'sent in real time, not faster');
    assert.equal(got.at(-1)!.pts, 26 * 90_000 - 90_000 / 25);
    await dialog.bye();
    await waitFor(() => nvr.playing().length === 0);
    const stats = rx.stats();
    await rx.close();
    assert.deepEqual([stats.rtp.wrongSsrc, stats.ps.malformed], [0, 0]);
  });

  it('Download at 4× over TCP: 8 s of footage in well under 8 s, every picture, then 121', async () => {
    statuses.length = 0;
    const got: VideoAccessUnit[] = [];
    const { rx, ssrc } = await open('tcp-passive', got);
    const rec = recordings[10]!;
    const t0 = Date.now();
    const dialog = await server.invite(
      NVR,
      CH,
      { address: '127.0.0.1', port: rx.port, transport: 'tcp-passive', ssrc },
      { kind: 'Download', channelId: CH, startS: rec.startMs / 1000, endS: rec.startMs / 1000 + 8, downloadSpeed: 4 },
    );
    await waitFor(() => statuses.some((s) => s.type === 121), { what: 'MediaStatus 121', timeoutMs: 15_000 });
    const took = Date.now() - t0;
    await waitFor(() => got.length === 200, { what: '200 pictures', timeoutMs: 3000 });
    assert.ok(took < 5000, `download took ${took} ms`);
    assert.deepEqual([got[0]!.pts, got[199]!.pts], [0, 199 * 3600]);
    await dialog.bye();
    await rx.close();
  });

  it('Playback of a time without footage, or on a channel without it, is answered 404', async () => {
    const media = { address: '127.0.0.1', port: 9, transport: 'udp' as const };
    const empty = DAY / 1000 + 700; // between the first and second recording
    await assert.rejects(
      server.invite(NVR, CH, media, { kind: 'Playback', channelId: CH, startS: empty, endS: empty + 60 }),
      {
        name: 'SipStatusError',
        status: 404,
      },
    );
    await assert.rejects(
      server.invite(NVR, CH2, media, {
        kind: 'Playback',
        channelId: CH2,
        startS: DAY / 1000 + 120,
        endS: DAY / 1000 + 180,
      }),
      { status: 404 },
    );
  });
});
