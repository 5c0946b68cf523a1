// Hostile fMP4 on the pipe: bad box sizes, truncated or unknown layouts, garbage → one Fmp4Error, no throw, nothing after.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Fmp4Error } from '../../transcoder/errors';
import { BoxReader, type TopBox } from '../../transcoder/fmp4/box-reader';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import { chunks, ffmpegFmp4, FRAG_FLAGS } from '../helpers/fmp4-ffmpeg';

const box = (type: string, body: Buffer | number = 0): Buffer => {
  const b = typeof body === 'number' ? Buffer.alloc(body) : body;
  const h = Buffer.alloc(8);
  h.writeUInt32BE(b.length + 8, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, b]);
};
const header = (size: number, type: string, big?: bigint): Buffer => {
  const h = Buffer.alloc(big === undefined ? 8 : 16);
  h.writeUInt32BE(size, 0);
  h.write(type, 4, 'latin1');
  if (big !== undefined) h.writeBigUInt64BE(big, 8);
  return h;
};

/** Top-level boxes of a whole buffer. */
function split(buf: Buffer): TopBox[] {
  const out: TopBox[] = [];
  for (let p = 0; p < buf.length; p += buf.readUInt32BE(p))
    out.push({ type: buf.toString('latin1', p + 4, p + 8), data: buf.subarray(p, p + buf.readUInt32BE(p)) });
  return out;
}

const GOOD = ffmpegFmp4({ codec: 'h264', seconds: 1, gop: 25 });
const TOP = split(GOOD);
const FTYP = TOP[0]!.data;
const MOOV = TOP[1]!.data;
/** The first three fragments (moof, mdat, moof, …). */
const FRAGS = TOP.slice(2, 8).map((b) => b.data);

interface Run {
  inits: number;
  fragments: number;
  errors: Fmp4Error[];
  failed: boolean;
}

/** Feeds the pieces (each in random chunks), then the rest of a good stream: nothing may come out after the error. */
function run(pieces: Buffer[], opts: { maxBoxBytes?: number } = {}): Run {
  const r: Run = { inits: 0, fragments: 0, errors: [], failed: false };
  const reader = new FragmentReader({
    generation: 0,
    sliceCodec: 'h264',
    maxBoxBytes: opts.maxBoxBytes,
    onInit: () => r.inits++,
    onFragment: () => r.fragments++,
    onError: (e) => r.errors.push(e),
  });
  for (const [i, p] of pieces.entries()) for (const c of chunks(p, i + 1, 3000)) reader.push(c);
  const before = { ...r };
  for (const c of chunks(Buffer.concat(FRAGS), 9)) reader.push(c);
  if (r.errors.length) assert.deepEqual({ ...r, errors: r.errors.length }, { ...before, errors: 1 }, 'nothing after');
  r.failed = reader.failed;
  return r;
}

function refuses(pieces: Buffer[], why: RegExp, opts?: { maxBoxBytes?: number }): Run {
  const r = run(pieces, opts);
  assert.equal(r.errors.length, 1, 'exactly one error');
  assert.ok(r.errors[0] instanceof Fmp4Error);
  assert.match(r.errors[0]!.message, /^transcoder: fmp4: /);
  assert.match(r.errors[0]!.message, why);
  assert.equal(r.failed, true);
  return r;
}

describe('fmp4: hostile input', () => {
  it('the good stream passes (control)', () => {
    const r = run([FTYP, MOOV, ...FRAGS]);
    assert.deepEqual(r, { inits: 1, fragments: 6, errors: [], failed: false });
  });

  const sizes: Array<[string, Buffer, RegExp]> = [
    ['size 0 ("to end of file")', header(0, 'mdat'), /size 0/],
    ['size 1 with a 64-bit size of 7', header(1, 'moof', 7n), /64-bit size 7, below its header/],
    ['size 7', header(7, 'moof'), /size 7, below its 8-byte header/],
    ['size 4 GiB - 1', header(0xffffffff, 'mdat'), /size 4294967295 above the limit 16777216/],
    ['a 64-bit size of 2^62', header(1, 'mdat', 1n << 62n), /64-bit size 4611686018427387904 above the limit/],
    ['garbage (not a box type)', Buffer.from('00000010ff00fe01deadbeefcafebabe', 'hex'), /not a box/],
  ];
  for (const [name, bad, why] of sizes)
    it(`${name} after two fragments: refused, the fragments before it were delivered`, () => {
      const r = refuses([FTYP, MOOV, FRAGS[0]!, FRAGS[1]!, FRAGS[2]!, FRAGS[3]!, bad], why);
      assert.equal(r.inits, 1);
      assert.equal(r.fragments, 2);
    });

  it('a box above maxBoxBytes is refused from its header alone, before its body is held', () => {
    const errors: Fmp4Error[] = [];
    const boxes: TopBox[] = [];
    const reader = new BoxReader({ maxBoxBytes: 4096, onBox: (b) => boxes.push(b), onError: (e) => errors.push(e) });
    reader.push(header(4097, 'mdat'));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /size 4097 above the limit 4096/);
    reader.push(box('free', 10));
    assert.equal(boxes.length, 0);
    // the keyframe's mdat of the real stream is above 4 KiB
    refuses([FTYP, MOOV, ...FRAGS], /"mdat" at offset \d+ has size \d+ above the limit 4096/, { maxBoxBytes: 4096 });
  });

  it('a box with a 64-bit size is read like any other', () => {
    const boxes: TopBox[] = [];
    const reader = new BoxReader({ onBox: (b) => boxes.push(b), onError: (e) => assert.fail(e) });
    const body = Buffer.from('payload of a large-size box');
    const big = Buffer.concat([header(1, 'free', BigInt(16 + body.length)), body]);
    for (const c of chunks(Buffer.concat([big, box('skip', 3), big]), 5, 3)) reader.push(c);
    assert.deepEqual(
      boxes.map((b) => [b.type, b.data.length]),
      [
        ['free', 43],
        ['skip', 11],
        ['free', 43],
      ],
    );
    assert.ok(boxes[2]!.data.equals(big));
    // and between fragments of a stream, an ignored box changes nothing
    assert.deepEqual(run([FTYP, MOOV, FRAGS[0]!, FRAGS[1]!, big]).fragments, 4);
  });

  it('a truncated moov (its size cut, children running past it)', () => {
    const cut = Buffer.from(MOOV.subarray(0, MOOV.length - 100));
    cut.writeUInt32BE(cut.length, 0);
    refuses([FTYP, cut], /runs past its parent|stray bytes|truncated/);
  });

  it('a moov without tracks, a moov of audio only, and a video codec that is not H.264/H.265', () => {
    refuses([FTYP, box('moov', box('mvhd', 100))], /0 video tracks/);
    const audio = execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '0.5', '-c:a', 'aac'],
      ...['-f', 'mp4', '-movflags', FRAG_FLAGS, 'pipe:1'],
    ]);
    refuses([audio], /0 video tracks/);
    const mpeg4 = execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-t', '0.5', '-c:v', 'mpeg4'],
      ...['-f', 'mp4', '-movflags', FRAG_FLAGS, 'pipe:1'],
    ]);
    refuses([mpeg4], /video sample entry "mp4v" is not H\.264/);
  });

  it('boxes out of order: a fragment before the init, mdat without moof, moof then moof, a second init', () => {
    refuses([FRAGS[0]!], /box "moof" at offset 0 before the init segment/);
    refuses([MOOV], /box "moov" at offset 0 without an ftyp before it/);
    refuses([FTYP, FTYP], /box "ftyp" at offset \d+ twice/);
    refuses([FTYP, MOOV, FRAGS[1]!], /mdat at offset \d+ without a moof/);
    refuses([FTYP, MOOV, FRAGS[0]!, FRAGS[2]!], /box "moof" at offset \d+ between a moof and its mdat/);
    refuses([FTYP, MOOV, FRAGS[0]!, FRAGS[1]!, FTYP, MOOV], /a second init segment/);
    refuses([FTYP, MOOV, box('junk', 4)], /unexpected box "junk"/);
  });

  it('a moof whose trun claims more samples than it holds, or data beyond its mdat', () => {
    const moof = Buffer.from(FRAGS[0]!);
    const trun = moof.indexOf('trun');
    moof.writeUInt32BE(0xffffffff, trun + 8);
    refuses([FTYP, MOOV, moof, FRAGS[1]!], /claims 4294967295 samples/);
    const far = Buffer.from(FRAGS[0]!);
    far.writeInt32BE(1 << 20, trun + 12);
    refuses([FTYP, MOOV, far, FRAGS[1]!], /lies outside the fragment's data/);
  });

  it('random garbage from the first byte, in 50 seeds: an error or nothing, never a throw', () => {
    for (let seed = 1; seed <= 50; seed++) {
      let x = seed;
      const junk = Buffer.alloc(2000);
      for (let i = 0; i < junk.length; i++) junk[i] = ((x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
      const r = run([junk]);
      assert.equal(r.inits, 0);
      assert.equal(r.fragments, 0);
      assert.ok(r.errors.length <= 1);
    }
  });
  it('the real stream with 1–4 bytes changed in its boxes, in 300 seeds: never a throw, at most one error, nothing after it', () => {
    const head = Buffer.concat([FTYP, MOOV, ...FRAGS]);
    let refused = 0;
    for (let seed = 1; seed <= 300; seed++) {
      let x = seed * 2654435761;
      const rnd = (n: number) => (
        (x = (x ^ (x << 13)) >>> 0),
        (x = (x ^ (x >>> 17)) >>> 0),
        (x = (x ^ (x << 5)) >>> 0),
        x % n
      );
      const bad = Buffer.from(head);
      // aim at headers and fields more than at picture data: most changes land in the first 2 KiB
      for (let k = 1 + rnd(4); k > 0; k--) bad[rnd(seed % 3 ? 2048 : bad.length)] = rnd(256);
      const r = run([bad]);
      assert.ok(r.errors.length <= 1);
      if (r.errors.length) refused++;
    }
    assert.ok(refused > 30, `changes caught: ${refused} of 300`);
  });
});
