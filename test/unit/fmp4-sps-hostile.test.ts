// H.264/H.265 SPS and VPS parsing of hostile input: truncations, runs of zeros, absurd sizes and random bytes end in an Fmp4Error, never a hang.
import assert from 'node:assert/strict';
import { Fmp4Error } from '../../transcoder/errors';
import { parseH264Sps } from '../../transcoder/fmp4/h264-sps';
import { parseH265Sps, parseH265Vps } from '../../transcoder/fmp4/h265-sps';
import { BitWriter } from '../helpers/bit-writer';
import { h264Sps, h265Sps, hex, REAL_H264, REAL_H265 } from '../helpers/parameter-sets';

const refuses = (f: () => unknown, message: RegExp) =>
  assert.throws(
    f,
    (e: unknown) => e instanceof Fmp4Error && message.test(e.message) && e.message.startsWith('transcoder: fmp4: '),
  );

describe('fmp4: hostile SPSs and VPSs → Fmp4Error', () => {
  it('every truncation of a real SPS: an error or the same picture size, never anything else', () => {
    for (const [, sps, want] of [...REAL_H264, ...REAL_H265]) {
      const full = hex(sps);
      const parse = full[0] === 0x42 ? parseH265Sps : parseH264Sps;
      for (let n = 0; n < full.length; n++) {
        try {
          const s = parse(full.subarray(0, n));
          assert.deepEqual([s.width, s.height], [want.width, want.height], `cut at ${n}`);
        } catch (e) {
          assert.ok(e instanceof Fmp4Error, `cut at ${n}: ${String(e)}`);
        }
      }
    }
    refuses(() => parseH264Sps(hex('6764')), /H\.264 SPS: 2 bytes, too short/);
    refuses(() => parseH264Sps(hex('67640028ac')), /H\.264 SPS: truncated/);
  });

  it('a run of zeros where an exp-Golomb code should be', () => {
    const zeros = new BitWriter().u(8, 100).u(8, 0).u(8, 40).raw('0'.repeat(40)).nal([0x67]);
    refuses(() => parseH264Sps(zeros), /exp-Golomb code longer than 32 bits/);
    const allZero = Buffer.concat([hex('67640028'), Buffer.alloc(4000)]);
    refuses(() => parseH264Sps(allZero), /exp-Golomb code longer than 32 bits|truncated/);
    const h265 = new BitWriter().u(8, 1).u(32, 0).u(32, 0).u(32, 0).u(8, 0).raw('0'.repeat(64)).nal([0x42, 0x01]);
    refuses(() => parseH265Sps(h265), /exp-Golomb code longer than 32 bits/);
  });

  it('absurd sizes and counts', () => {
    refuses(
      () => parseH264Sps(h264Sps({ widthMbs: 100_000, heightUnits: 10 })),
      /pic_width_in_mbs_minus1 99999 is above 1023/,
    );
    refuses(
      () => parseH264Sps(h264Sps({ widthMbs: 10, heightUnits: 1025 })),
      /pic_height_in_map_units_minus1 1024 is above 1023/,
    );
    refuses(
      () => parseH264Sps(h264Sps({ widthMbs: 10, heightUnits: 600, frameMbsOnly: 0 })),
      /picture height 19200 is above 16384/,
    );
    refuses(
      () => parseH264Sps(h264Sps({ widthMbs: 2, heightUnits: 2, crop: [8, 8, 0, 0] })),
      /frame cropping \(8, 8, 0, 0\) leaves no picture/,
    );
    refuses(
      () => parseH264Sps(h264Sps({ widthMbs: 2, heightUnits: 2, crop: [2 ** 31, 0, 0, 0] })),
      /leaves no picture/,
    );
    refuses(
      () => parseH264Sps(h264Sps({ pocType: 1, pocCycle: 256, widthMbs: 2, heightUnits: 2 })),
      /num_ref_frames_in_pic_order_cnt_cycle 256/,
    );
    refuses(
      () => parseH265Sps(h265Sps({ subLayers: [], width: 100_000, height: 10 })),
      /pic_width_in_luma_samples 100000 is above 16384/,
    );
    refuses(() => parseH265Sps(h265Sps({ subLayers: [], width: 0, height: 10 })), /picture size 0x10/);
    refuses(
      () => parseH265Sps(h265Sps({ subLayers: [], width: 64, height: 64, window: [20, 20, 0, 0] })),
      /conformance window/,
    );
    const sevenSubLayers = Array(7).fill({ profile: false, level: false });
    refuses(
      () => parseH265Sps(h265Sps({ subLayers: sevenSubLayers, width: 64, height: 64 })),
      /sps_max_sub_layers_minus1 7 is above 6/,
    );
  });

  it('hostile VPSs', () => {
    const vps = hex('40010c01ffff016000000300900000030000030096959809');
    for (let n = 0; n < 21; n++)
      refuses(() => parseH265Vps(vps.subarray(0, n)), /H\.265 VPS: (\d+ bytes, too short|truncated)/);
    refuses(() => parseH265Vps(hex('4201' + '00'.repeat(20))), /NAL unit type 33, not 32/);
    refuses(() => parseH265Vps(hex('40010c0fffff' + '00'.repeat(20))), /vps_max_sub_layers_minus1 7 is above 6/);
  });

  it('wrong NAL unit types and oversized NAL units', () => {
    refuses(() => parseH264Sps(hex('68ebe3cb22c0')), /NAL unit type 8, not 7/);
    refuses(() => parseH265Sps(hex('4401c172b46240c172b46240c172b46240')), /NAL unit type 34, not 33/);
    refuses(
      () => parseH264Sps(Buffer.concat([hex('67640028'), Buffer.alloc(70_000, 0xff)])),
      /70004 bytes, above the limit 65536/,
    );
  });

  it('random bytes behind an SPS header: only Fmp4Errors, quickly', () => {
    let x = 0x2545f491;
    const rand = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    };
    const started = Date.now();
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const body = Buffer.from(Array.from({ length: 4 + (rand() % 60) }, () => rand() & 0xff));
      for (const [header, parse] of [
        [[0x67], parseH264Sps],
        [[0x42, 0x01], parseH265Sps],
      ] as const) {
        try {
          const s = parse(Buffer.concat([Buffer.from(header), body]));
          assert.ok(s.width > 0 && s.width <= 16384 && s.height > 0 && s.height <= 16384);
          parsed++;
        } catch (e) {
          assert.ok(e instanceof Fmp4Error, String(e));
        }
      }
    }
    assert.ok(Date.now() - started < 5000, `10000 hostile SPSs took ${Date.now() - started} ms`);
    assert.ok(parsed < 10_000);
  });
});
