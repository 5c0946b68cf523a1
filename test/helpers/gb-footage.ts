// What the simulated NVR's footage shows: the first decoded picture of what a test received, and testsrc2 at the
// instant of a recording it should show, both as 8-bit gray pixels, and how far apart two pictures are.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function gray(args: string[], input?: Buffer): Buffer {
  const r = spawnSync('ffmpeg', ['-v', 'error', ...args, '-frames:v', '1', '-pix_fmt', 'gray', '-f', 'rawvideo', '-'], {
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
  return r.stdout;
}

/** The first picture of an H.264 elementary stream, or of an (fragmented) MP4. */
export function firstPictureGray(data: Buffer, format: 'h264' | 'mp4' = 'h264'): Buffer {
  if (format === 'h264') return gray(['-f', 'h264', '-i', 'pipe:0'], data);
  const dir = mkdtempSync(path.join(tmpdir(), 'gb-footage-'));
  try {
    writeFileSync(path.join(dir, 'in.mp4'), data);
    return gray(['-i', path.join(dir, 'in.mp4')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** testsrc2 `offsetS` seconds in (what the simulator encodes for that instant of a recording). */
export function testsrcGray(offsetS: number, size = '320x240', fps = 25): Buffer {
  return gray(['-ss', String(offsetS), '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`]);
}

/** Mean absolute difference of two same-sized gray pictures (0 identical, 255 opposite). */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || !a.length) throw new Error(`pictures of ${a.length} and ${b.length} bytes`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
