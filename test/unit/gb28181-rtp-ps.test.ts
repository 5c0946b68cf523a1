// RTP packets, RFC 4571 framing, SSRC and loss handling, and the PS muxer/demuxer round trip, with garbage and hostile sizes.
import assert from 'node:assert/strict';
import {
  GbMediaError,
  PsDemuxer,
  Rfc4571Framer,
  RtpPacketizer,
  RtpReceiver,
  buildRtp,
  frame4571,
  joinAnnexB,
  muxPicture,
  packHeader,
  parseRtp,
  programStreamMap,
  type VideoAccessUnit,
  type VideoCodec,
} from '../../gateway/gb28181/index';

/** A pseudo-random NAL unit of `type` with no start-code emulation (no two zero bytes in a row). */
function nal(codec: VideoCodec, type: number, size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = (x >>> 16) & 0xff || 1;
  }
  if (codec === 'h264') b[0] = 0x60 | type;
  else {
    b[0] = type << 1;
    b[1] = 1;
  }
  return b;
}

/** A GOP of pictures: the key one with parameter sets, sizes up to 150 kB (more than two PES packets). */
function pictures(codec: VideoCodec, n: number): VideoAccessUnit[] {
  const [sps, pps, idr, p] = codec === 'h264' ? [7, 8, 5, 1] : [33, 34, 19, 1];
  return Array.from({ length: n }, (_, i) => {
    const key = i % 10 === 0;
    const nals = key
      ? [nal(codec, sps, 20, i), nal(codec, pps, 6, i + 1), nal(codec, idr, 150_000, i + 2)]
      : [nal(codec, p, 300 + i * 97, i)];
    return { codec, nals, pts: 90_000 * 100 + i * 3600, keyframe: key };
  });
}

function demuxAll(
  chunks: Buffer[],
  opts: Partial<ConstructorParameters<typeof PsDemuxer>[0]> = {},
): { got: VideoAccessUnit[]; d: PsDemuxer } {
  const got: VideoAccessUnit[] = [];
  const d = new PsDemuxer({ onAccessUnit: (au) => got.push(au), ...opts });
  for (const c of chunks) d.push(c);
  d.flush();
  return { got, d };
}

const strip = (aus: VideoAccessUnit[]): unknown[] =>
  aus.map((a) => ({ ...a, nals: a.nals.map((n) => n.toString('hex')) }));

describe('gb28181 RTP', () => {
  it('parses what it builds; CSRCs, extension and padding are skipped', () => {
    const p = {
      payloadType: 96,
      marker: true,
      sequence: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0x0bebc201,
      payload: Buffer.from('abc'),
    };
    assert.deepEqual(parseRtp(buildRtp(p)), p);
    const ext = Buffer.concat([
      Buffer.from([0xb1, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xbe, 0xde, 0, 1, 9, 9, 9, 9]),
      Buffer.from('xyz'),
      Buffer.from([0, 0, 3]),
    ]);
    assert.deepEqual(parseRtp(ext).payload, Buffer.from('xyz'));
  });

  const bad: Array<[string, Buffer]> = [
    ['11 bytes', Buffer.alloc(11)],
    ['version 1', Buffer.from([0x40, 96, ...Buffer.alloc(10)])],
    ['15 CSRCs in a short packet', Buffer.from([0x8f, 96, ...Buffer.alloc(20)])],
    ['an extension past the end', Buffer.from([0x90, 96, ...Buffer.alloc(10), 0, 0, 0xff, 0xff])],
    ['padding longer than the packet', Buffer.from([0xa0, 96, ...Buffer.alloc(10), 200])],
  ];
  for (const [name, buf] of bad) it(`refuses ${name}`, () => assert.throws(() => parseRtp(buf), GbMediaError));

  it('RFC 4571 frames split at any byte come out whole; an empty frame is skipped', () => {
    const pk = [Buffer.alloc(1400, 1), Buffer.alloc(3, 2), Buffer.alloc(65535, 3)];
    const stream = Buffer.concat([frame4571(pk[0]!), Buffer.from([0, 0]), frame4571(pk[1]!), frame4571(pk[2]!)]);
    for (const step of [1, 3, 999, stream.length]) {
      const f = new Rfc4571Framer();
      const got: Buffer[] = [];
      for (let at = 0; at < stream.length; at += step) got.push(...f.push(stream.subarray(at, at + step)));
      assert.deepEqual(got, pk);
    }
    assert.throws(() => frame4571(Buffer.alloc(65536)), GbMediaError);
  });

  it('the receiver drops other SSRCs, malformed packets and duplicates, and reports gaps', () => {
    const seen: Array<[number, boolean]> = [];
    const r = new RtpReceiver((p, gap) => seen.push([p.sequence, gap]), 1234);
    const pk = (seq: number, ssrc = 1234): Buffer =>
      buildRtp({ payloadType: 96, marker: false, sequence: seq, timestamp: 0, ssrc, payload: Buffer.alloc(1) });
    for (const b of [pk(65534), pk(65535), pk(65535), pk(0, 999), Buffer.from('junk'), pk(0), pk(3), pk(2)]) r.push(b);
    assert.deepEqual(seen, [
      [65534, false],
      [65535, false],
      [0, false],
      [3, true],
    ]);
    assert.deepEqual(r.stats, { packets: 6, malformed: 1, wrongSsrc: 1, lost: 2 });
  });
});

describe('gb28181 PS mux and demux', () => {
  for (const codec of ['h264', 'h265'] as const)
    it(`${codec}: pictures → PS → RTP (1400-byte payloads) → PS → the same pictures`, () => {
      const pics = pictures(codec, 25);
      const tx = new RtpPacketizer(0x0bebc201);
      const packets = pics.flatMap((p) => tx.packetize(muxPicture(codec, p.nals, p.pts, p.keyframe), p.pts));
      const got: VideoAccessUnit[] = [];
      const d = new PsDemuxer({ onAccessUnit: (au) => got.push(au) });
      const rx = new RtpReceiver((p) => d.push(p.payload), 0x0bebc201);
      for (const p of packets) rx.push(p);
      d.flush();
      assert.deepEqual(strip(got), strip(pics));
      assert.deepEqual(d.stats, { accessUnits: 25, skippedBytes: 0, malformed: 0, droppedUnits: 0 });
    });

  it('the PSM names the codec: stream type 0x1B is H.264, 0x24 H.265', () => {
    assert.equal(programStreamMap('h264')[12], 0x1b);
    assert.equal(programStreamMap('h265')[12], 0x24);
  });

  it('pictures before the first PSM are dropped (codec unknown) unless a default codec is configured', () => {
    const pics = pictures('h264', 12).slice(1);
    const ps = pics.map((p) => muxPicture('h264', p.nals, p.pts, p.keyframe));
    const { got, d } = demuxAll(ps);
    assert.deepEqual(strip(got), strip(pics.slice(9)));
    assert.equal(d.stats.droppedUnits, 9);
    assert.equal(demuxAll(ps, { defaultCodec: 'h264' }).got.length, 11);
  });

  it('garbage between packs is skipped and the stream resyncs on the next pack start code', () => {
    const pics = pictures('h264', 20);
    const junk = Buffer.from([0, 0, 1, 0x42, 0xde, 0xad, 0, 0, 0, 1, 0xff, 0, 0]);
    const chunks = pics.flatMap((p, i) => [
      muxPicture('h264', p.nals, p.pts, p.keyframe),
      ...(i % 3 === 1 ? [junk] : []),
    ]);
    const { got, d } = demuxAll(chunks);
    assert.deepEqual(strip(got), strip(pics));
    assert.ok(d.stats.skippedBytes >= junk.length * 6);
  });

  const hostile = (name: string, mutate: (ps: Buffer) => Buffer): unknown =>
    it(`a picture with ${name} is dropped, the following ones come through`, () => {
      const pics = pictures('h264', 12);
      const chunks = pics.map((p, i) => {
        const ps = muxPicture('h264', p.nals, p.pts, p.keyframe);
        return i === 3 ? mutate(Buffer.from(ps)) : ps;
      });
      const { got, d } = demuxAll(chunks);
      assert.deepEqual(strip(got), strip(pics.filter((_, i) => i !== 3)));
      assert.ok(d.stats.malformed >= 1);
    });
  const pesAt = (ps: Buffer): number => ps.indexOf(Buffer.from([0, 0, 1, 0xe0]));
  hostile('a PES length of 0 (unbounded)', (ps) => (ps.writeUInt16BE(0, pesAt(ps) + 4), ps));
  hostile('a PES packet shorter than its own header', (ps) => (ps.writeUInt16BE(4, pesAt(ps) + 4), ps));
  hostile('PES flags that are not MPEG-2', (ps) => ((ps[pesAt(ps) + 6] = 0x0f), ps));
  hostile('a broken pack header', (ps) => ((ps[4] = 0x00), ps));

  it('a PES length running into the next pack: that picture is dropped, the stream resyncs at the pack', () => {
    const pics = pictures('h264', 12);
    const chunks = pics.map((p, i) => {
      const ps = Buffer.from(muxPicture('h264', p.nals, p.pts, p.keyframe));
      if (i === 5) ps.writeUInt16BE(0xffff, pesAt(ps) + 4);
      return ps;
    });
    const { got, d } = demuxAll(chunks);
    assert.deepEqual(strip(got), strip(pics.filter((_, i) => i !== 5)));
    assert.equal(d.stats.malformed, 1);
  });

  it('a picture over maxAccessUnitBytes is dropped whole', () => {
    const pics = pictures('h264', 12);
    const { got, d } = demuxAll(
      pics.map((p) => muxPicture('h264', p.nals, p.pts, p.keyframe)),
      { maxAccessUnitBytes: 100_000 },
    );
    assert.deepEqual(strip(got), strip(pics.slice(1, 10).concat(pics.slice(11))));
    assert.equal(d.stats.droppedUnits, 2);
  });

  it('RTP loss mid-picture: discard() drops that picture, the rest are intact', () => {
    const pics = pictures('h264', 12);
    const tx = new RtpPacketizer(7);
    const packets = pics.flatMap((p, i) =>
      tx.packetize(muxPicture('h264', p.nals, p.pts, p.keyframe), p.pts).map((b) => [i, b] as const),
    );
    const got: VideoAccessUnit[] = [];
    const d = new PsDemuxer({ onAccessUnit: (au) => got.push(au) });
    const rx = new RtpReceiver((p, gap) => {
      if (gap) d.discard();
      d.push(p.payload);
    });
    const lostAt = packets.findIndex(([i]) => i === 10) + 40; // inside the second keyframe (150 kB)
    packets.forEach(([, b], k) => k !== lostAt && rx.push(b));
    d.flush();
    assert.deepEqual(strip(got), strip(pics.filter((_, i) => i !== 10)));
  });

  it('fixed-size PES packets (2 kB) that end one picture and start the next: the PTS starts its picture at the AUD', () => {
    // every picture over 2 kB, so no PES starts two pictures (that packing is not split: GB/T 28181 never uses it)
    const pics = pictures('h264', 12).map((p, i) => ({
      ...p,
      nals: [Buffer.from([0x09, 0xf0]), ...(p.keyframe ? p.nals : [nal('h264', 1, 2100 + i * 37, i)])],
    }));
    const es: Buffer[] = [];
    const starts: Array<[number, number]> = [];
    let offset = 0;
    for (const p of pics) {
      starts.push([offset, p.pts]);
      const b = joinAnnexB(p.nals);
      es.push(b);
      offset += b.length;
    }
    const all = Buffer.concat(es);
    const chunks: Buffer[] = [programStreamMap('h264')];
    for (let at = 0; at < all.length; at += 2000) {
      const pts = starts.find(([o]) => o >= at && o < at + 2000)?.[1];
      const payload = all.subarray(at, at + 2000);
      const opt = pts === undefined ? Buffer.alloc(0) : ptsBytes(pts);
      const head = Buffer.from([0, 0, 1, 0xe0, 0, 0, 0x80, pts === undefined ? 0 : 0x80, opt.length]);
      head.writeUInt16BE(3 + opt.length + payload.length, 4);
      chunks.push(packHeader(at), head, opt, payload);
    }
    const { got } = demuxAll([Buffer.concat(chunks)]);
    assert.deepEqual(strip(got), strip(pics));
  });

  it('random bytes never throw and never hold more than one PS packet', () => {
    let x = 42;
    const d = new PsDemuxer({ onAccessUnit: () => undefined, defaultCodec: 'h264' });
    for (let round = 0; round < 300; round++) {
      const b = Buffer.alloc(1 + ((round * 7919) % 5000));
      for (let i = 0; i < b.length; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        b[i] = round % 2 ? (x >>> 24) & 0x03 : x >>> 24; // also runs of 00 00 01 xx
      }
      d.push(b);
      assert.ok((d as unknown as { buf: Buffer }).buf.length <= 65_541 + 5000);
    }
  });
});

/** A PES PTS field ('0010' prefix, 33 bits with marker bits). */
function ptsBytes(t: number): Buffer {
  const hi = Math.floor(t / 2 ** 30) & 7;
  const mid = Math.floor(t / 2 ** 15) & 0x7fff;
  const lo = t & 0x7fff;
  return Buffer.from([0x21 | (hi << 1), mid >> 7, ((mid & 0x7f) << 1) | 1, lo >> 7, ((lo & 0x7f) << 1) | 1]);
}
