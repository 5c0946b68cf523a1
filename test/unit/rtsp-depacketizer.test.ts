// RTP → access units with hand-built H.264 packets: single/STAP-A/FU-A, wraps, losses, padding/extension/CSRC, hostile sizes.
import assert from 'node:assert/strict';
import { RtspError } from '../../transcoder/errors';
import { fuA, make, nal264, rtp, stapA, types264 } from '../helpers/rtp-packets';

describe('RTP depacketizer (H.264, RFC 6184)', () => {
  it('single NAL units, STAP-A and FU-A make pictures; AUD dropped; keyframe flagged; seq wraps', () => {
    const { aus, send } = make('h264');
    const idr = nal264(5, 3000);
    send(1000, [stapA(nal264(9, 2), nal264(7, 12), nal264(8, 4)), ...fuA(idr, 1000)]);
    send(4000, [nal264(1, 500)]);
    send(7000, [nal264(1, 400), nal264(1, 300)]);
    assert.equal(aus.length, 3);
    assert.deepEqual(types264(aus[0]!), [7, 8, 5]);
    assert.ok(aus[0]!.nals[2]!.equals(idr), 'the FU-A NAL unit is rebuilt byte for byte');
    assert.deepEqual(
      aus.map((a) => [a.timestamp, a.keyframe, a.receivedAt]),
      [
        [1000, true, 1000],
        [4000, false, 1000],
        [7000, false, 1000],
      ],
    );
    assert.deepEqual(types264(aus[2]!), [1, 1]);
  });

  it('a timestamp change ends a picture without a marker bit', () => {
    const { d, aus } = make('h264');
    d.push(rtp({ seq: 1, ts: 10, payload: nal264(5) }), 0);
    d.push(rtp({ seq: 2, ts: 10, payload: nal264(5) }), 0);
    assert.equal(aus.length, 0);
    d.push(rtp({ seq: 3, ts: 20, payload: nal264(1) }), 0);
    assert.equal(aus.length, 1);
    assert.equal(aus[0]!.nals.length, 2);
  });

  it('parameter sets sent with a timestamp and marker of their own go with the next picture', () => {
    const { send, aus } = make('h264');
    send(100, [nal264(7, 12)]);
    send(100, [nal264(8, 4)]);
    send(200, [nal264(5, 50)]);
    assert.equal(aus.length, 1);
    assert.deepEqual(types264(aus[0]!), [7, 8, 5]);
    assert.equal(aus[0]!.timestamp, 200);
  });

  it('starts at the first keyframe', () => {
    const { send, aus } = make('h264');
    send(0, [nal264(1)]);
    send(3000, [nal264(1)]);
    send(6000, [nal264(5)]);
    send(9000, [nal264(1)]);
    assert.deepEqual(
      aus.map((a) => a.timestamp),
      [6000, 9000],
    );
  });

  it('extends timestamps past the 32-bit wrap', () => {
    const { send, aus } = make('h264');
    send(0xffffe000, [nal264(5)]);
    send(0xfffff000, [nal264(1)]);
    send(0x00000000, [nal264(1)]);
    send(0x00001000, [nal264(1)]);
    assert.deepEqual(
      aus.map((a) => a.timestamp),
      [0xffffe000, 0xfffff000, 0x100000000, 0x100001000],
    );
  });

  it('a sequence gap drops the picture and all until the next keyframe, logged once', () => {
    const { send, aus, logs, skip } = make('h264');
    send(0, [nal264(5)]);
    send(3000, fuA(nal264(1, 300), 100).slice(0, 2), { marker: false });
    skip(1); // the FU-A's last fragment is lost
    send(6000, [nal264(1)]);
    skip(2);
    send(9000, [nal264(1)]);
    send(12000, [nal264(5)]);
    send(15000, [nal264(1)]);
    assert.deepEqual(
      aus.map((a) => a.timestamp),
      [0, 12000, 15000],
    );
    assert.equal(logs.length, 1, logs.join('\n'));
    assert.match(logs[0]!, /1 RTP packet\(s\) lost before sequence number .*until the next keyframe/);
  });

  it('an FU-A without its end bit, or restarted, is a loss', () => {
    const { d, aus, logs } = make('h264');
    const [first] = fuA(nal264(5, 300), 100);
    d.push(rtp({ seq: 1, ts: 0, payload: first! }), 0);
    d.push(rtp({ seq: 2, ts: 0, payload: first!, marker: true }), 0);
    assert.equal(aus.length, 0);
    d.push(rtp({ seq: 3, ts: 3000, payload: nal264(5), marker: true }), 0);
    assert.equal(aus.length, 1);
    d.push(rtp({ seq: 4, ts: 6000, payload: fuA(nal264(1, 300), 100)[0]!, marker: true }), 0);
    d.push(rtp({ seq: 5, ts: 9000, payload: nal264(1), marker: true }), 0);
    assert.equal(aus.length, 1, 'the P picture after the broken one is not decodable');
    assert.match(logs.join('\n'), /without its end/);
  });

  it('takes zero bytes after the last NAL unit of a STAP-A as padding', () => {
    const { send, aus } = make('h264');
    send(0, [Buffer.concat([stapA(nal264(7, 12), nal264(8, 4), nal264(5, 30)), Buffer.alloc(3)])]);
    assert.deepEqual(aus.map(types264), [[7, 8, 5]]);
  });

  it('reads payloads behind CSRCs and an extension, and without padding', () => {
    const { d, aus } = make('h264');
    const n = nal264(5, 40);
    d.push(rtp({ seq: 1, ts: 0, payload: n, marker: true, csrc: 3, ext: 2, pad: 7 }), 0);
    assert.equal(aus.length, 1);
    assert.ok(aus[0]!.nals[0]!.equals(n));
  });

  it('ignores other payload types (logged once) and duplicated packets', () => {
    const { d, aus, logs } = make('h264');
    d.push(rtp({ seq: 1, ts: 0, payload: nal264(5), marker: true }), 0);
    d.push(rtp({ seq: 2, ts: 3000, payload: nal264(1), pt: 0, marker: true }), 0);
    d.push(rtp({ seq: 1, ts: 0, payload: nal264(5), marker: true }), 0);
    d.push(rtp({ seq: 2, ts: 3000, payload: nal264(1), marker: true }), 0);
    assert.deepEqual(
      aus.map((a) => a.timestamp),
      [0, 3000],
    );
    assert.deepEqual(logs, ['rtp: ignoring packets of payload type 0 (the track is 96)']);
  });

  const hostile: Array<[string, Buffer]> = [
    ['shorter than an RTP header', Buffer.from([0x80, 96, 0, 1])],
    ['version 1', rtp({ seq: 1, ts: 0, payload: nal264(5) }).fill(0x40, 0, 1)],
    ['CSRC count past the end', Buffer.concat([Buffer.from([0x8f, 96]), Buffer.alloc(14)])],
    [
      'extension length past the end',
      (() => {
        const b = rtp({ seq: 1, ts: 0, payload: nal264(5), ext: 1 });
        b.writeUInt16BE(0xffff, 14);
        return b;
      })(),
    ],
    [
      'padding count past the end',
      (() => {
        const b = rtp({ seq: 1, ts: 0, payload: nal264(5), pad: 1 });
        b[b.length - 1] = 255;
        return b;
      })(),
    ],
    ['STAP-A size past the end', rtp({ seq: 1, ts: 0, payload: Buffer.from([24, 0xff, 0xff, 0x65, 1, 2]) })],
    ['STAP-A with a zero size', rtp({ seq: 1, ts: 0, payload: Buffer.from([24, 0, 0, 0, 2, 0x65, 1]) })],
    ['STAP-A with stray bytes', rtp({ seq: 1, ts: 0, payload: Buffer.from([24, 0, 2, 0x65, 1, 7]) })],
    ['FU-A of two bytes', rtp({ seq: 1, ts: 0, payload: Buffer.from([28, 0x85]) })],
  ];
  for (const [name, pkt] of hostile)
    it(`a packet with ${name} is dropped as a loss, nothing thrown`, () => {
      const { d, aus } = make('h264');
      d.push(rtp({ seq: 0, ts: 0, payload: nal264(5), marker: true }), 0);
      d.push(pkt, 0);
      d.push(rtp({ seq: 2, ts: 9000, payload: nal264(1), marker: true }), 0);
      d.push(rtp({ seq: 3, ts: 12000, payload: nal264(5), marker: true }), 0);
      assert.deepEqual(
        aus.map((a) => a.timestamp),
        [0, 12000],
      );
    });

  it('refuses STAP-B, MTAP and FU-B (interleaved mode) with RtspError', () => {
    for (const type of [25, 26, 27, 29]) {
      const { d } = make('h264');
      assert.throws(
        () => d.push(rtp({ seq: 1, ts: 0, payload: Buffer.from([type, 0, 0, 0]) }), 0),
        (e: unknown) => {
          assert.ok(e instanceof RtspError);
          assert.match(e.message, /^transcoder: rtsp: H\.264 (STAP-B|MTAP16|MTAP24|FU-B) .* is not supported/);
          return true;
        },
      );
    }
  });

  it('refuses a picture above maxAccessUnitBytes, even one FU-A that never ends', () => {
    const { send } = make('h264', { maxAccessUnitBytes: 5000 });
    assert.throws(() => send(0, [nal264(5, 3000), nal264(5, 3000)]), /picture larger than the 5000-byte limit/);
    const b = make('h264', { maxAccessUnitBytes: 5000 });
    const parts = fuA(nal264(5, 20000), 1000).slice(0, -1);
    assert.throws(() => parts.forEach((p, i) => b.d.push(rtp({ seq: i, ts: 0, payload: p }), 0)), RtspError);
  });

  it('refuses a picture of more NAL units than maxNals', () => {
    const { send } = make('h264', { maxNals: 8 });
    assert.throws(() => send(0, [stapA(...Array.from({ length: 9 }, () => nal264(5, 3)))]), /more than 8 NAL units/);
  });
});
