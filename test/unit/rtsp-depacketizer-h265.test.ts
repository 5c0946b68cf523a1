// RTP → access units with hand-built H.265 packets: single/AP/FU, PACI ignored, IRAP keyframes, losses.
import assert from 'node:assert/strict';
import { ap265, fu265, make, nal265, rtp, types265 } from '../helpers/rtp-packets';

describe('RTP depacketizer (H.265, RFC 7798)', () => {
  it('single NAL units, AP and FU make pictures; AUD dropped; IRAP types 16-21 are keyframes', () => {
    const { aus, send } = make('h265');
    const idr = nal265(19, 4000);
    send(0, [ap265(nal265(35, 3), nal265(32, 20), nal265(33, 40), nal265(34, 6)), ...fu265(idr, 1400)]);
    send(3000, [nal265(1, 700)]);
    send(6000, [nal265(21, 100)]);
    send(9000, [Buffer.from([50 << 1, 1, 0, 0, 0]), nal265(1, 50)]);
    assert.deepEqual(aus.map(types265), [[32, 33, 34, 19], [1], [21], [1]]);
    assert.ok(aus[0]!.nals[3]!.equals(idr), 'the FU NAL unit is rebuilt byte for byte');
    assert.deepEqual(
      aus.map((a) => a.keyframe),
      [true, false, true, false],
    );
  });

  it('a lost FU fragment drops pictures until the next IRAP', () => {
    const { aus, send, skip, logs } = make('h265');
    send(0, [nal265(20, 50)]);
    const parts = fu265(nal265(1, 3000), 1000);
    send(3000, [parts[0]!]);
    skip(1);
    send(3000, [parts[2]!]);
    send(6000, [nal265(1)]);
    send(9000, [nal265(16)]);
    assert.deepEqual(
      aus.map((a) => a.timestamp),
      [0, 9000],
    );
    assert.equal(logs.length, 1);
  });

  it('an AP with a size past its end, or a payload of two bytes, is a loss', () => {
    for (const bad of [Buffer.from([48 << 1, 1, 0x10, 0, 2, 1]), Buffer.from([1 << 1, 1])]) {
      const { d, aus } = make('h265');
      d.push(rtp({ seq: 1, ts: 0, payload: nal265(19), marker: true }), 0);
      d.push(rtp({ seq: 2, ts: 3000, payload: bad, marker: true }), 0);
      d.push(rtp({ seq: 3, ts: 6000, payload: nal265(1), marker: true }), 0);
      assert.equal(aus.length, 1);
    }
  });
});
