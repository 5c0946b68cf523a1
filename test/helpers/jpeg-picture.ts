// Reads JPEGs as pictures for tests: size, a small grey thumbnail, statistics, and a reference frame grabbed from RTSP.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Width and height of a JPEG as ffprobe decodes it. */
export async function jpegSize(jpeg: Buffer): Promise<{ width: number; height: number }> {
  const out = await pipeThrough(
    'ffprobe',
    ['-v', 'error', '-f', 'jpeg_pipe', '-i', 'pipe:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0'],
    jpeg,
  );
  const [w, h] = out.toString().trim().split(',').map(Number);
  if (!w || !h) throw new Error(`jpeg-picture: ffprobe read no size: ${out.toString()}`);
  return { width: w, height: h };
}

/** The picture decoded by ffmpeg and scaled to w × h grey levels (0–255), one byte per pixel. */
export async function jpegLuma(jpeg: Buffer, w = 160, h = 90): Promise<Uint8Array> {
  const args = [
    '-v',
    'error',
    '-f',
    'jpeg_pipe',
    '-i',
    'pipe:0',
    '-vf',
    `scale=${w}:${h}`,
    '-pix_fmt',
    'gray',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
  const out = await pipeThrough('ffmpeg', args, jpeg);
  if (out.length !== w * h) throw new Error(`jpeg-picture: decoded ${out.length} bytes, expected ${w * h}`);
  return new Uint8Array(out);
}

/** Mean, standard deviation and range (darkest, brightest) of grey levels. */
export function lumaStats(px: Uint8Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0,
    sq = 0,
    min = 255,
    max = 0;
  for (const v of px) {
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / px.length;
  return { mean, std: Math.sqrt(Math.max(0, sq / px.length - mean * mean)), min, max };
}

/** True when the picture has both dark and bright parts (a flat image, grey or not, has neither). */
export function hasContrast(px: Uint8Array, minRange = 100): boolean {
  const s = lumaStats(px);
  return s.max - s.min >= minRange;
}

/** Mean absolute difference of two equally sized grey pictures, 0–255. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error('jpeg-picture: pictures differ in size');
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d / a.length;
}

/** One keyframe of an RTSP stream as a JPEG, read straight from the simulated camera (not through the gateway). */
export async function grabReference(rtspUrl: string): Promise<Buffer> {
  const args = [
    '-nostdin',
    '-v',
    'error',
    '-rtsp_transport',
    'tcp',
    '-probesize',
    '32768',
    '-analyzeduration',
    '500000',
    '-skip_frame',
    'nokey',
    '-i',
    rtspUrl,
    '-frames:v',
    '1',
    '-c:v',
    'mjpeg',
    '-f',
    'image2pipe',
    'pipe:1',
  ];
  const { stdout } = await run('ffmpeg', args, { encoding: 'buffer', timeout: 15000, maxBuffer: 32 << 20 });
  return stdout;
}

function pipeThrough(cmd: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`jpeg-picture: ${cmd} exit ${code}: ${err.trim()}`)),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
