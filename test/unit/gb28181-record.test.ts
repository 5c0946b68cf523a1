// Device recordings in the library: RecordInfo answers in pages (from the lunasaw capture's item), MANSCDP local times,
// Playback/Download SDP (s=, u=, t=, a=downloadspeed), MANSRTSP bodies and the MediaStatus end-of-file Notify.
import assert from 'node:assert/strict';
import {
  GbMediaError,
  ManscdpError,
  buildMansrtsp,
  buildMediaStatusNotify,
  buildRecordInfoPages,
  buildSdp,
  collectRecordItems,
  gbTimeToMs,
  msToGbTime,
  parseManscdp,
  parseMansrtsp,
  parseSdp,
  parseSip,
  readMediaStatus,
  readRecordInfo,
  type RecordItem,
} from '../../gateway/gb28181/index';
import { completeWireBytes, readGb } from '../helpers/gb-fixtures';

describe('gb28181 device recordings', () => {
  const captured = readRecordInfo(parseManscdp(readGb('lunasaw-recordinfo-response.xml')));

  it('the capture says 130 items: all 130, rebuilt from its item, go out in 13 pages and come back once each', () => {
    const base = gbTimeToMs(captured.items[0]!.startTime, 480);
    const items: RecordItem[] = Array.from({ length: captured.sumNum }, (_, i) => ({
      ...captured.items[0]!,
      startTime: msToGbTime(base + i * 303_000, 480),
      endTime: msToGbTime(base + i * 303_000 + 303_000, 480),
    }));
    for (const cs of ['GB2312', 'UTF-8'] as const) {
      const pages = buildRecordInfoPages(7, captured.deviceId, '通道 1', items, 10, cs);
      assert.equal(pages.length, 13);
      const docs = pages.map((p) => parseManscdp(p));
      assert.deepEqual(
        docs.map((d) => [readRecordInfo(d).sumNum, readRecordInfo(d).num]),
        Array.from({ length: 13 }, () => [130, 10]),
      );
      // a page sent twice (a retransmitted MESSAGE) and pages out of order: each item once, oldest first
      const got = collectRecordItems([docs[3]!, ...docs, docs[3]!].reverse());
      assert.equal(got.length, 130);
      assert.deepEqual(got[0], { ...items[0], deviceId: captured.deviceId, name: '通道 1', secrecy: 0, type: 'time' });
      assert.equal(got[129]!.endTime, items[129]!.endTime);
    }
    assert.equal(buildRecordInfoPages(1, captured.deviceId, 'x', [], 10).length, 1);
    assert.throws(() => buildRecordInfoPages(1, captured.deviceId, 'x', items, 0), ManscdpError);
  });

  it('MANSCDP times are the device local time: the capture item at UTC+8, bad times refused', () => {
    assert.equal(new Date(gbTimeToMs('2023-10-16T00:05:00', 480)).toISOString(), '2023-10-15T16:05:00.000Z');
    assert.equal(msToGbTime(Date.parse('2023-10-15T16:05:00.900Z'), 480), '2023-10-16T00:05:00');
    assert.equal(gbTimeToMs('2023-10-16 00:05:00', 0), Date.parse('2023-10-16T00:05:00Z'));
    for (const bad of ['2023-02-30T00:00:00', '2023-10-16T24:00:00', '2023-10-16', 'null', '2023-10-16T00:05:00+08:00'])
      assert.throws(() => gbTimeToMs(bad, 480), ManscdpError, bad);
  });

  it('Playback and Download offers: s=, u=<channel>:0, t= in Unix seconds, a=downloadspeed, read back', () => {
    const common = { origin: '34020000002000000001', address: '10.0.0.5', port: 30000, ssrc: '1340200001' };
    const channelId = '34020000001310000001';
    const pb = parseSdp(
      buildSdp({
        ...common,
        transport: 'udp',
        direction: 'recvonly',
        recorded: { kind: 'Playback', channelId, startS: 1_700_000_000, endS: 1_700_000_600 },
      }),
    );
    assert.deepEqual(
      [pb.session, pb.uri, pb.time, pb.downloadSpeed],
      ['Playback', `${channelId}:0`, [1_700_000_000, 1_700_000_600], undefined],
    );
    const dl = parseSdp(
      buildSdp({
        ...common,
        transport: 'tcp-passive',
        direction: 'recvonly',
        recorded: { kind: 'Download', channelId, startS: 1_700_000_000, endS: 1_700_000_060, downloadSpeed: 4 },
      }),
    );
    assert.deepEqual(
      [dl.session, dl.transport, dl.downloadSpeed, dl.ssrc],
      ['Download', 'tcp-passive', 4, '1340200001'],
    );
    // a live offer from a capture keeps t=0 0
    const live = parseSdp(parseSip(completeWireBytes('gbtsipserver-invite-udp.sip')).body.toString('utf8'));
    assert.deepEqual([live.time, live.uri], [[0, 0], undefined]);
    const base = buildSdp({ ...common, transport: 'udp', direction: 'recvonly' });
    assert.throws(() => parseSdp(base.replace('t=0 0', 't=-5 10')), GbMediaError);
    assert.throws(() => parseSdp(`${base}a=downloadspeed:fast\r\n`), GbMediaError);
  });

  it('MANSRTSP: pause, seek, speed and teardown read back; bad bodies refused', () => {
    const cmds = [
      { method: 'PAUSE' },
      { method: 'PLAY' },
      { method: 'PLAY', fromS: 120 },
      { method: 'PLAY', scale: 4 },
      { method: 'PLAY', scale: 0.5, fromS: 3 },
      { method: 'TEARDOWN' },
    ] as const;
    cmds.forEach((c, i) => assert.deepEqual(parseMansrtsp(buildMansrtsp(c, i + 1)), { ...c, cseq: i + 1 }));
    assert.match(buildMansrtsp({ method: 'PLAY', scale: 2 }, 5), /^PLAY RTSP\/1\.0\r\nCSeq: 5\r\nScale: 2\.0\r\n/);
    assert.deepEqual(parseMansrtsp('PLAY RTSP/1.0\nCSeq: 2\nRange: npt=now-\n'), { method: 'PLAY', cseq: 2 });
    for (const bad of [
      'GET RTSP/1.0\r\nCSeq: 1\r\n',
      'PLAY RTSP/1.0\r\n',
      'PLAY RTSP/1.0\r\nCSeq: 1\r\nScale: 3\r\n',
      'PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: clock=20261207T000000Z-\r\n',
      `PLAY RTSP/1.0\r\nCSeq: 1\r\n${'X'.repeat(2000)}`,
    ])
      assert.throws(() => parseMansrtsp(bad), GbMediaError, bad.slice(0, 30));
    assert.throws(() => buildMansrtsp({ method: 'PLAY', scale: 3 }, 1), GbMediaError);
  });

  it('MediaStatus 121 (file sent) read back; other documents refused', () => {
    const doc = parseManscdp(buildMediaStatusNotify(9, '34020000001310000001'));
    assert.deepEqual(readMediaStatus(doc), { deviceId: '34020000001310000001', notifyType: 121 });
    assert.throws(() => readMediaStatus(parseManscdp(readGb('lunasaw-recordinfo-response.xml'))), ManscdpError);
    const empty = buildMediaStatusNotify(9, '34020000001310000001')
      .toString('latin1')
      .replace('<NotifyType>121</NotifyType>', '');
    assert.throws(() => readMediaStatus(parseManscdp(Buffer.from(empty, 'latin1'))), ManscdpError);
  });
});
