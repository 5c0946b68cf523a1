// RFC 6381 codec strings from hand-built avcC / hvcC / esds boxes, checked against the examples of ISO 14496-15 and browsers.
import assert from 'node:assert/strict';
import { Fmp4Error } from '../../transcoder/errors';
import { children } from '../../transcoder/fmp4/boxes';
import { avcCodec, esdsCodec, hevcCodec } from '../../transcoder/fmp4/init-segment';

const box = (type: string, bytes: number[]): Buffer => {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + bytes.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, Buffer.from(bytes)]);
};
const one = (b: Buffer) => children(b, 0, b.length, 'test')[0]!;

/** hvcC up to general_level_idc (what the codec string needs), then padding. */
function hvcC(space: number, tier: number, idc: number, compat: number, constraints: number[], level: number): Buffer {
  const c = [(compat >>> 24) & 0xff, (compat >>> 16) & 0xff, (compat >>> 8) & 0xff, compat & 0xff];
  return box('hvcC', [1, (space << 6) | (tier << 5) | idc, ...c, ...constraints, level, 0xf0, 0, 0xfc]);
}

describe('fmp4: codec strings', () => {
  const hevc: Array<[string, Buffer, string]> = [
    ['Main, level 3.1 (browsers’ example)', hvcC(0, 0, 1, 0x60000000, [0xb0, 0, 0, 0, 0, 0], 93), 'hvc1.1.6.L93.B0'],
    ['Main 10, level 5.1', hvcC(0, 0, 2, 0x20000000, [0xb0, 0, 0, 0, 0, 0], 153), 'hvc1.2.4.L153.B0'],
    ['ISO 14496-15 E.3 example', hvcC(1, 1, 4, 0x82000000, [0xb0, 0x23, 0, 0, 0, 0], 120), 'hev1.A4.41.H120.B0.23'],
    ['no constraint flags', hvcC(0, 0, 1, 0x40000000, [0, 0, 0, 0, 0, 0], 60), 'hvc1.1.2.L60'],
  ];
  for (const [name, b, want] of hevc)
    it(`hvcC ${name} → ${want}`, () => assert.equal(hevcCodec(b, one(b), want.slice(0, 4)), want));

  it('avcC → avc1.PPCCLL', () => {
    const b = box('avcC', [1, 0x64, 0x00, 0x1f, 0xff, 0xe1]);
    assert.equal(avcCodec(b, one(b), 'avc1'), 'avc1.64001f');
    const c = box('avcC', [1, 0x42, 0xc0, 0x1e]);
    assert.equal(avcCodec(c, one(c), 'avc3'), 'avc3.42c01e');
  });

  /** esds with ES_Descriptor(3) → DecoderConfigDescriptor(4, OTI) → DecoderSpecificInfo(5, asc). */
  const esds = (oti: number, asc: number[], sizeBytes = 1): Buffer => {
    const len = (n: number) => (sizeBytes === 1 ? [n] : [0x80, 0x80, 0x80, n]);
    const dsi = [0x05, ...len(asc.length), ...asc];
    const dcd = [0x04, ...len(13 + dsi.length), oti, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...dsi];
    const es = [0x03, ...len(3 + dcd.length), 0, 1, 0, ...dcd];
    return box('esds', [0, 0, 0, 0, ...es]);
  };
  const audio: Array<[string, Buffer, string]> = [
    ['AAC-LC 48 kHz stereo', esds(0x40, [0x11, 0x90]), 'mp4a.40.2'],
    ['HE-AAC', esds(0x40, [0x2b, 0x92, 0x08, 0x00]), 'mp4a.40.5'],
    ['AAC-LC with 4-byte descriptor sizes (as ffmpeg writes them)', esds(0x40, [0x11, 0x90], 4), 'mp4a.40.2'],
    ['escaped object type 42 (USAC)', esds(0x40, [0xf9, 0x40, 0x00]), 'mp4a.40.42'],
    ['MP3 (OTI 0x6B)', esds(0x6b, []), 'mp4a.6B'],
  ];
  for (const [name, b, want] of audio) it(`esds ${name} → ${want}`, () => assert.equal(esdsCodec(b, one(b)), want));

  it('truncated or unexpected configuration boxes: a clear Fmp4Error', () => {
    const short = box('avcC', [1, 0x64]);
    assert.throws(
      () => avcCodec(short, one(short), 'avc1'),
      (e: Error) => e instanceof Fmp4Error && /avcC: truncated/.test(e.message),
    );
    const v2 = box('hvcC', [2, 1, 0, 0, 0, 0]);
    assert.throws(() => hevcCodec(v2, one(v2), 'hvc1'), /hvcC: configurationVersion is not 1/);
    const bad = box('esds', [0, 0, 0, 0, 0x04, 0]);
    assert.throws(() => esdsCodec(bad, one(bad)), /expected an ES_Descriptor \(tag 3\), got tag 4/);
  });
});
