// RTP → access units with hand-built packets: H.264 single/STAP-A/FU-A, H.265 single/AP/FU, wraps, losses, hostile sizes.
import assert from 'node:assert/strict';
import { RtspError } from '../../transcoder/errors';
import { RtpDepacketizer } from '../../transcoder/rtsp/depacketizer';
import type { AccessUnit } from '../../transcoder/rtsp/types';

interface Pkt {
  seq: number;
  ts: number;
  payload: Buffer;
  marker?: boolean;
  pt?: number;
  ssrc?: number;
  csrc?: number;
  /** extension words */
  ext?: number;
  /** padding bytes */
  pad?: number;
}

function rtp(p: Pkt): Buffer {
  const csrc = p.csrc ?? 0;
  const ext = p.ext === undefined ? Buffer.alloc(0) : Buffer.alloc(4 + p.ext * 4);
  if (p.ext !== undefined) {
    ext.writeUInt16BE(0xbede, 0);
    ext.writeUInt16BE(p.ext, 2);
    ext.fill(0xee, 4);
  }
  const h = Buffer.alloc(12 + csrc * 4);
  h[0] = 0x80 | (p.pad ? 0x20 : 0) | (p.ext !== undefined ? 0x10 : 0) | csrc;
  h[1] = (p.marker ? 0x80 : 0) | (p.pt ?? 96);
  h.writeUInt16BE(p.seq & 0xffff, 2);
  h.writeUInt32BE(p.ts >>> 0, 4);
  h.writeUInt32BE(p.ssrc ?? 0x1234, 8);
  const pad = p.pad ? Buffer.alloc(p.pad, 0) : Buffer.alloc(0);
  if (p.pad) pad[p.pad - 1] = p.pad;
  return Buffer.concat([h, ext, p.payload, pad]);
}

/** An H.264 NAL unit of `type` with `len` bytes (header included), recognisable content. */
const nal264 = (type: number, len = 10, fill = type): Buffer =>
  Buffer.concat([Buffer.from([0x60 | type]), Buffer.alloc(len - 1, fill)]);
/** An H.265 NAL unit (2-byte header, layer 0, tid 1). */
const nal265 = (type: number, len = 10, fill = type): Buffer =>
  Buffer.concat([Buffer.from([type << 1, 1]), Buffer.alloc(len - 2, fill)]);
const stapA = (...nals: Buffer[]): Buffer =>
  Buffer.concat([Buffer.from([0x78]), ...nals.flatMap((n) => [Buffer.from([n.length >> 8, n.length & 0xff]), n])]);
const ap265 = (...nals: Buffer[]): Buffer =>
  Buffer.concat([
    Buffer.from([48 << 1, 1]),
    ...nals.flatMap((n) => [Buffer.from([n.length >> 8, n.length & 0xff]), n]),
  ]);
/** FU-A pieces of an H.264 NAL unit, `size` payload bytes each. */
function fuA(nal: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  const body = nal.subarray(1);
  for (let off = 0; off < body.length; off += size) {
    const s = off === 0 ? 0x80 : 0;
    const e = off + size >= body.length ? 0x40 : 0;
    out.push(
      Buffer.concat([Buffer.from([(nal[0]! & 0xe0) | 28, s | e | (nal[0]! & 0x1f)]), body.subarray(off, off + size)]),
    );
  }
  return out;
}
function fu265(nal: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  const body = nal.subarray(2);
  const type = (nal[0]! >> 1) & 0x3f;
  for (let off = 0; off < body.length; off += size) {
    const s = off === 0 ? 0x80 : 0;
    const e = off + size >= body.length ? 0x40 : 0;
    out.push(
      Buffer.concat([
        Buffer.from([(nal[0]! & 0x81) | (49 << 1), nal[1]!, s | e | type]),
        body.subarray(off, off + size),
      ]),
    );
  }
  return out;
}

function make(codec: 'h264' | 'h265', opts: { maxAccessUnitBytes?: number; maxNals?: number } = {}) {
  const aus: AccessUnit[] = [];
  const logs: string[] = [];
  const d = new RtpDepacketizer({
    codec,
    payloadType: 96,
    ...opts,
    onAccessUnit: (au) => aus.push(au),
    onLog: (l) => logs.push(l),
  });
  let seq = 65530;
  const send = (ts: number, payloads: Buffer[], extra: Partial<Pkt> = {}): void =>
    payloads.forEach((payload, i) =>
      d.push(rtp({ seq: seq++, ts, payload, marker: i === payloads.length - 1, ...extra }), 1000),
    );
  return { d, aus, logs, send, skip: (n: number) => (seq += n) };
}

const types264 = (au: AccessUnit): number[] => au.nals.map((n) => n[0]! & 0x1f);
const types265 = (au: AccessUnit): number[] => au.nals.map((n) => (n[0]! >> 1) & 0x3f);

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
