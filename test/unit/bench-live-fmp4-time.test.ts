// Media time of fMP4 pieces (bench live viewers): timescale from a real ffmpeg init segment, tfdt of its fragments, garbage refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fragmentStartS, initTimescale } from '../../bench/live-fmp4-time';

/** Splits ffmpeg's fragmented MP4 into the init (ftyp+moov) and the moof+mdat pairs. */
function split(mp4: Buffer): { init: Buffer; fragments: Buffer[] } {
  const tops: Array<{ type: string; start: number; end: number }> = [];
  for (let at = 0; at + 8 <= mp4.length;) {
    const size = mp4.readUInt32BE(at);
    tops.push({ type: mp4.toString('latin1', at + 4, at + 8), start: at, end: at + size });
    at += size;
  }
  const firstMoof = tops.findIndex((b) => b.type === 'moof');
  const fragments: Buffer[] = [];
  for (let i = firstMoof; i + 1 < tops.length; i += 2) fragments.push(mp4.subarray(tops[i]!.start, tops[i + 1]!.end));
  return { init: mp4.subarray(0, tops[firstMoof]!.start), fragments };
}

describe('bench live: fMP4 media time', () => {
  it('reads the timescale and each fragment’s start from ffmpeg’s fMP4 (one frame a fragment, 25 fps)', () => {
    const ff = spawnSync(
      'ffmpeg',
      [
        ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25', '-frames:v', '10'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-video_track_timescale', '90000'],
        ...['-movflags', 'empty_moov+default_base_moof+frag_every_frame', '-f', 'mp4', 'pipe:1'],
      ],
      { maxBuffer: 1 << 24 },
    );
    assert.equal(ff.status, 0, ff.stderr.toString());
    const { init, fragments } = split(ff.stdout);
    assert.equal(initTimescale(init), 90000);
    assert.equal(fragments.length, 10);
    const starts = fragments.map((f) => fragmentStartS(f, 90000));
    starts.forEach((s, i) => assert.ok(Math.abs(s! - i / 25) < 1e-6, `fragment ${i} starts at ${s}`));
  });

  it('answers null for pieces without the boxes and for truncated or lying sizes', () => {
    assert.equal(initTimescale(new Uint8Array(0)), null);
    assert.equal(fragmentStartS(new Uint8Array(16), 90000), null);
    const lying = Buffer.alloc(16);
    lying.writeUInt32BE(1000, 0); // says 1000 bytes, has 16
    lying.write('moof', 4, 'latin1');
    assert.equal(fragmentStartS(lying, 90000), null);
    assert.equal(fragmentStartS(lying, 0), null);
  });
});
