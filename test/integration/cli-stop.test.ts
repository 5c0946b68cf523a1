// The quick start's stop: `npm run demo`, with a stream playing, ends every process and port within
// 10 s of one Ctrl-C (SIGINT to its whole process group, as a terminal sends it, or to npm alone), quietly.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { freePortRange } from '../helpers/ports';
import {
  alive,
  childrenNamed,
  consoleUrl,
  embeddedEnv,
  portOpen,
  processesMatching,
  run,
  tempDir,
  within,
} from '../helpers/cli-processes';

const CAMERAS = 8;

async function demoThenStop(target: 'group' | 'npm'): Promise<void> {
  const dir = tempDir('ce-stop-');
  // one free range: PostgreSQL, then RTSP, then the cameras' ONVIF ports
  const base = await freePortRange(CAMERAS + 2);
  const ports = { pg: base, rtsp: base + 1, onvif: Array.from({ length: CAMERAS }, (_, i) => base + 2 + i) };
  // detached: npm leads a process group of its own, like a shell's foreground job
  const flags = [
    '--port',
    '0',
    '--cameras',
    String(CAMERAS),
    '--rtsp-port',
    String(ports.rtsp),
    '--onvif-port',
    String(ports.onvif[0]),
  ];
  const demo = run('npm', ['run', 'demo', '--', ...flags], { env: embeddedEnv(dir, ports.pg), detached: true });
  const npmPid = demo.child.pid!;
  const spawnedWorkers: number[] = [];
  const left = (): string[] => [
    ...processesMatching(dir),
    ...processesMatching(`--port ${ports.rtsp}`),
    ...processesMatching(`127.0.0.1:${ports.rtsp}/`),
  ];
  try {
    const url = await consoleUrl(demo, 120000);
    const post = (p: string, body: unknown, token?: string): Promise<Response> => {
      const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
      return fetch(new URL(p, url), { method: 'POST', headers, body: JSON.stringify(body) });
    };
    const login = await post('/api/v1/auth/login', { username: 'admin', password: 'cloudeye-demo' });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    // a stream plays that needs an ffmpeg worker: an H.265 camera for a viewer without H.265 (the
    // camera is pulled natively, its H.264 made by an ffmpeg fed from the pull), found as a child of
    // the gateway (its own process group, for the SIGINT-then-SIGKILL of a stop)
    const list = await fetch(new URL('/api/v1/cameras?limit=50', url), {
      headers: { authorization: `Bearer ${token}` },
    });
    const cams = ((await list.json()) as { items: Array<{ id: string; streams: { main?: { codec?: string } } }> })
      .items;
    const h265 = cams.find((c) => c.streams.main?.codec === 'h265');
    assert.ok(h265, `the demo city has an H.265 camera: ${JSON.stringify(cams.map((c) => c.streams))}`);
    const open = await post(`/api/v1/cameras/${h265.id}/streams`, { profile: 'main', h265: false }, token);
    assert.equal(open.status, 201, await open.text());
    const group = run('pgrep', ['-g', String(npmPid)], {});
    await group.exited;
    const members = group.out().trim().split('\n').filter(Boolean).map(Number);
    assert.ok(members.length >= 3, `npm, the launcher and the gateway node in the group: ${members.join(' ')}`);
    const workers = childrenNamed(members, 'ffmpeg');
    spawnedWorkers.push(...workers);
    assert.ok(workers.length >= 1, `an ffmpeg worker runs under the gateway (group ${members.join(' ')})`);
    const httpPort = Number(new URL(url).port);

    const t0 = Date.now();
    if (target === 'group') process.kill(-npmPid, 'SIGINT');
    else process.kill(npmPid, 'SIGINT');
    const gone = await within(10000, async () => {
      if (members.some(alive) || workers.some(alive) || left().length > 0) return false;
      for (const p of [ports.pg, ports.rtsp, httpPort, ...ports.onvif]) if (await portOpen(p)) return false;
      return true;
    });
    const took = Date.now() - t0;
    const still = [
      ...members.filter(alive).map((p) => `pid ${p} (group)`),
      ...workers.filter(alive).map((p) => `ffmpeg ${p}`),
      ...left(),
    ];
    for (const p of [ports.pg, ports.rtsp, httpPort, ...ports.onvif]) if (await portOpen(p)) still.push(`port ${p}`);
    assert.ok(
      gone,
      `within 10 s of one SIGINT everything is gone; after ${took} ms still: ${still.join(', ')}\n${demo.out().slice(-1500)}`,
    );
    assert.equal(await demo.exited, 0, demo.out());
    const afterStart = demo.out().slice(demo.out().indexOf('Cloud Eye console:'));
    assert.doesNotMatch(afterStart, /Error|error|\n\s+at /, `stopped quietly:\n${afterStart}`);
  } finally {
    if (alive(npmPid)) process.kill(-npmPid, 'SIGKILL');
    for (const line of left()) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    for (const p of spawnedWorkers) if (alive(p)) process.kill(p, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('npm run demo: stopping', function () {
  this.timeout(240000);

  it('a Ctrl-C to the whole process group stops every process and port within 10 s, quietly', () =>
    demoThenStop('group'));

  it('SIGINT to npm alone stops every process and port within 10 s, quietly', () => demoThenStop('npm'));
});
