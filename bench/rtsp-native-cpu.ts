// CPU of pulling N simulated cameras with the native RTSP client (this process), or with one ffmpeg per camera, over a window.
// Usage: node --import tsx bench/rtsp-native-cpu.ts [--cameras 20] [--seconds 20] [--fps 25] [--width 640 --height 360] [--ffmpeg]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { RtspSession } from '../transcoder/rtsp/rtsp-session';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CAMERAS = arg('cameras', 20);
const SECONDS = arg('seconds', 20);
const FPS = arg('fps', 25);
const WIDTH = arg('width', 640);
const HEIGHT = arg('height', 360);
const WITH_FFMPEG = process.argv.includes('--ffmpeg');
const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in ms (from /proc). */
function procCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
}

async function main(): Promise<void> {
  const sim = await RtspProcess.start({ count: CAMERAS, fps: FPS, codec: 'h264', width: WIDTH, height: HEIGHT });
  let aus = 0;
  let bytes = 0;
  const sessions: RtspSession[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < CAMERAS; i++) {
    if (WITH_FFMPEG) {
      const c = spawn(
        'ffmpeg',
        [
          '-loglevel',
          'error',
          '-rtsp_transport',
          'tcp',
          '-i',
          sim.url(i),
          '-c',
          'copy',
          '-f',
          'mp4',
          '-movflags',
          'frag_keyframe+empty_moov+default_base_moof',
          'pipe:1',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      c.stdout!.on('data', (d: Buffer) => (bytes += d.length));
      children.push(c);
    } else {
      const s = new RtspSession({ url: sim.url(i), timeoutMs: 5000 });
      s.on('accessUnit', (au) => {
        aus++;
        for (const n of au.nals) bytes += n.length;
      });
      s.on('closed', (r) => r !== 'bench done' && console.error(`camera ${i} closed: ${r}`));
      s.start();
      sessions.push(s);
    }
  }
  await new Promise((r) => setTimeout(r, 3000)); // warm-up: every session playing
  const cpu0 = process.cpuUsage();
  const kids0 = children.map((c) => procCpuMs(c.pid!));
  const aus0 = aus;
  const bytes0 = bytes;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const kids = children.reduce((sum, c, k) => sum + procCpuMs(c.pid!) - kids0[k]!, 0);
  const ownMs = (cpu.user + cpu.system) / 1000;
  const mode = WITH_FFMPEG ? 'ffmpeg per camera' : 'native client';
  console.log(`${mode}: ${CAMERAS} cameras ${WIDTH}x${HEIGHT} at ${FPS} fps for ${(wall / 1000).toFixed(1)} s`);
  if (!WITH_FFMPEG)
    console.log(`  access units ${aus - aus0} (${((aus - aus0) / (wall / 1000) / CAMERAS).toFixed(1)}/s per camera)`);
  console.log(`  bytes ${((bytes - bytes0) / 1e6).toFixed(1)} MB`);
  const share = ((ownMs / wall) * 100).toFixed(2);
  console.log(
    `  this process: user ${(cpu.user / 1000).toFixed(0)} ms + system ${(cpu.system / 1000).toFixed(0)} ms = ${share} % of one core`,
  );
  if (WITH_FFMPEG)
    console.log(`  ffmpeg children: ${kids.toFixed(0)} ms = ${((kids / wall) * 100).toFixed(2)} % of one core`);
  await Promise.all(sessions.map((s) => s.close('bench done')));
  for (const c of children) c.kill('SIGKILL');
  await sim.close();
}

void main();
