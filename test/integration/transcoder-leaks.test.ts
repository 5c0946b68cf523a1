// No leaks: 100 start/stop cycles leave no ffmpeg and no file descriptor; a SIGKILLed gateway takes its workers along.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren, isAlive, openFds, procStat, sleep, waitFor } from '../../bench/transcoder-proc';
import { Supervisor, type StreamSpec } from '../../transcoder/index';
import { SimCam } from '../helpers/simcam-rtsp';
import { startSupervisorChild, type SupervisorChild } from '../helpers/supervisor-child';

describe('transcoder leaks (integration)', function () {
  this.timeout(120000);
  let cam: SimCam;
  let root: string;
  // a "camera" that accepts the RTSP connection and never answers
  let silent: net.Server;
  let silentPort: number;
  const sockets = new Set<net.Socket>();

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-leak-'));
    cam = await SimCam.start({ count: 4, codec: 'h264', width: 320, height: 180 });
    silent = net.createServer((c) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as net.AddressInfo).port;
  });
  after(async () => {
    for (const c of sockets) c.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('100 start/stop cycles (stopped at random points, every 10th once live) leak no process and no fd', async () => {
    const sup = new Supervisor({
      hlsDir: path.join(root, 'cycles'),
      idleTimeoutS: 30,
      stallTimeoutS: 5,
      rtspTimeoutS: 2,
      killGraceMs: 1000,
    });
    await sup.start();
    const spec = (i: number): StreamSpec => ({
      cameraId: `cam${i}`,
      profile: 'main',
      url: cam.url(i),
      codec: 'h264',
      audioCodec: null,
    });
    const cycle = async (i: number, n: number): Promise<void> => {
      const p = sup.acquire(spec(i));
      if (n % 10 === 0) await p;
      else {
        p.catch(() => undefined); // rejected by the stop below when it lands before the first segment
        await sleep(Math.floor(Math.random() * 400));
      }
      await sup.stop(`cam${i}.main`);
      await p.catch(() => undefined);
    };
    await cycle(0, 0); // warm-up: lazily created handles (inotify fd, …) are not leaks
    await sleep(200);
    const fdsBefore = openFds();
    let cycles = 0;
    // 4 cameras in parallel, 25 cycles each
    await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        for (let n = 0; n < 25; n++) {
          await cycle(i, n);
          cycles++;
        }
      }),
    );
    assert.equal(cycles, 100);
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg child left');
    assert.equal(sup.list().length, 0);
    await sleep(300);
    const fdsAfter = openFds();
    const leaked = fdsAfter.filter((f) => !fdsBefore.includes(f));
    assert.ok(
      fdsAfter.length <= fdsBefore.length,
      `fds ${fdsBefore.length} → ${fdsAfter.length}; new: ${leaked.join(', ')}`,
    );
    await sup.close();
  });

  /** Runs a node process (via tsx) that owns a supervisor with one live stream; resolves its pid and its ffmpeg's pid. */
  async function gatewayChild(setprivPath: string | null, name: string): Promise<SupervisorChild> {
    return startSupervisorChild(root, name, { hlsDir: path.join(root, name), setprivPath, pullEngine: 'ffmpeg' }, [
      `const r = await sup.acquire({ cameraId: 'cam0', profile: 'main', url: ${JSON.stringify(cam.url(0))}, codec: 'h264', audioCodec: null });`,
      'console.log(`FFMPEG ${sup.get(r.key)?.pid}`);',
      'setInterval(() => sup.touch(r.key), 1000);',
    ]);
  }

  it('gateway SIGKILLed: its ffmpeg dies with it (setpriv --pdeathsig SIGKILL)', async () => {
    const g = await gatewayChild('/usr/bin/setpriv', 'pdeathsig');
    assert.equal(procStat(g.ffmpegPid)?.comm, 'ffmpeg');
    assert.equal(procStat(g.ffmpegPid)?.ppid, g.childPid, 'ffmpeg is the child process itself (setpriv exec’d it)');
    g.kill();
    await waitFor('the orphaned ffmpeg to die', () => !isAlive(g.ffmpegPid), 3000);
  });

  /**
   * A gateway whose stream waits on a camera that accepts the connection and never answers: its ffmpeg
   * writes nothing, so a dead parent's pipes do not end it (a live stream's ffmpeg dies of the broken
   * stdout pipe by itself); only the parent-death signal does.
   */
  async function gatewayWaiting(setprivPath: string | null, name: string): Promise<SupervisorChild> {
    const options = {
      hlsDir: path.join(root, name),
      setprivPath,
      rtspTimeoutS: 120,
      stallTimeoutS: 120,
      pullEngine: 'ffmpeg',
    };
    return startSupervisorChild(root, name, options, [
      `const url = ${JSON.stringify(`rtsp://127.0.0.1:${silentPort}/x`)};`,
      "sup.acquire({ cameraId: 'quiet', profile: 'main', url, codec: 'h264', audioCodec: null }).catch(() => undefined);",
      'while (!sup.list()[0]?.pid) await new Promise((r) => setTimeout(r, 20));',
      'console.log(`FFMPEG ${sup.list()[0]?.pid}`);',
      'setInterval(() => sup.touch("quiet.main"), 1000);',
    ]);
  }

  it('gateway SIGKILLed while its ffmpeg waits silently on a camera: the ffmpeg dies with it (setpriv --pdeathsig SIGKILL)', async () => {
    const g = await gatewayWaiting('/usr/bin/setpriv', 'pdeathsig-quiet');
    await waitFor('ffmpeg to run', () => procStat(g.ffmpegPid)?.comm === 'ffmpeg', 3000);
    g.kill();
    await waitFor('the orphaned ffmpeg to die', () => !isAlive(g.ffmpegPid), 3000);
  });

  it('control: without setpriv the same ffmpeg would outlive its gateway (so the test above can fail)', async () => {
    const g = await gatewayWaiting(null, 'control');
    try {
      await waitFor('ffmpeg to run', () => procStat(g.ffmpegPid)?.comm === 'ffmpeg', 3000);
      g.kill();
      await sleep(1500);
      assert.equal(isAlive(g.ffmpegPid), true, 'without pdeathsig the worker survives');
    } finally {
      if (isAlive(g.ffmpegPid)) process.kill(g.ffmpegPid, 'SIGKILL');
      await waitFor('the control ffmpeg to be gone', () => !isAlive(g.ffmpegPid), 3000);
    }
  });
});
