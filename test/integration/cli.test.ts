// The cloudeye command line: usage errors exit 2 with one line; serve and demo run in a child node
// with the gateway's V8 flags and stop cleanly on SIGINT, whether it reaches the launcher or both,
// and when the launcher is killed outright.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../gateway/cli/launch';
import { freePortRange } from '../helpers/ports';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync('node', ['gateway/cli/bin.mjs', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

/** The node processes started by `parent` (pgrep -P) and their command lines. */
function childrenOf(parent: number): Array<{ pid: number; cmdline: string[] }> {
  const pids = spawnSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  return pids.map((pid) => ({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) }));
}

/** Whether `pid` runs (a zombie, exited but not yet reaped by whoever adopted it, does not). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Environment of a gateway on its own embedded database under `dir`, ports from `ports` on. */
const embeddedEnv = (dir: string, ports: number): NodeJS.ProcessEnv => ({
  ...process.env,
  CLOUDEYE_DATABASE__URL: '',
  DATABASE_URL: '',
  CLOUDEYE_DATABASE__EMBEDDED__DATA_DIR: path.join(dir, 'pg'),
  CLOUDEYE_DATABASE__EMBEDDED__PORT: String(ports),
  CLOUDEYE_SECURITY__SECRET_KEY_FILE: path.join(dir, 'secret.key'),
  CLOUDEYE_TRANSCODER__HLS_DIR: path.join(dir, 'hls'),
});

/** Resolves with the console URL once `out()` shows it; rejects if the process exits first. */
function consoleUrl(child: ReturnType<typeof spawn>, out: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /Cloud Eye console: (\S+)/.exec(out());
      if (m) (clearInterval(t), resolve(m[1]!));
    }, 200);
    child.once('exit', (code) => (clearInterval(t), reject(new Error(`exited ${code}: ${out()}`))));
  });
}

/** `cloudeye serve --port 0` on its own embedded database in a new directory; output collected. */
async function spawnServe(prefix: string): Promise<{ dir: string; child: ReturnType<typeof spawn>; out: () => string }> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const ports = await freePortRange(1);
  const child = spawn('node', ['gateway/cli/bin.mjs', 'serve', '--port', '0'], { env: embeddedEnv(dir, ports), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  return { dir, child, out: () => out };
}

describe('cloudeye CLI', function () {
  this.timeout(120000);

  const usage: Array<[string, string[], RegExp]> = [
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['seed without a target', ['seed'], /say what to seed/],
    ['a short password', ['user', 'add', '--name', 'x', '--password', 'short', '--role', 'viewer'], /at least 8 characters/],
    ['an unknown role', ['user', 'add', '--name', 'x', '--password', 'long-enough', '--role', 'boss'], /--role must be one of/],
    ['a bad port', ['serve', '--port', '99999'], /--port must be an integer from 0 to 65535/],
    ['an unknown benchmark', ['bench', 'nope'], /unknown benchmark nope/],
    ['a bad codec', ['simcam', '--codec', 'vp9'], /--codec must be/],
  ];
  for (const [name, args, re] of usage) {
    it(`exits 2 with one line for ${name}`, () => {
      const r = cli(args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('--help lists every command and exits 0', () => {
    const r = cli(['--help']);
    assert.equal(r.status, 0);
    for (const c of ['serve', 'demo', 'migrate', 'seed', 'user', 'simcam', 'discover', 'bench']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  });

  it('demo on the embedded database starts, serves, and stops everything on SIGINT', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-demo-'));
    chmodSync(dir, 0o755);
    // one free range: PostgreSQL, then RTSP, then the 8 cameras' ONVIF ports
    const ports = await freePortRange(10);
    const env = embeddedEnv(dir, ports);
    const child = spawn('node', ['gateway/cli/bin.mjs', 'demo', '--port', '0', '--cameras', '8', '--rtsp-port', String(ports + 1), '--onvif-port', String(ports + 2)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    try {
      const url = await consoleUrl(child, () => out);
      const gateway = childrenOf(child.pid!).find((c) => c.cmdline.includes('demo'));
      assert.ok(gateway, 'the demo runs in a child node');
      for (const f of GATEWAY_NODE_FLAGS) assert.ok(gateway.cmdline.includes(f), `child node has ${f}: ${gateway.cmdline.join(' ')}`);
      const login = await fetch(new URL('/api/v1/auth/login', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'police.viewer', password: 'cloudeye-demo' }) });
      assert.equal(login.status, 200);
      const token = ((await login.json()) as { accessToken: string }).accessToken;
      const cams = (await (await fetch(new URL('/api/v1/cameras', url), { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] };
      assert.ok(cams.items.length > 0, 'demo cameras are visible');
      // to the launcher only (as `kill -INT`): it passes the signal on
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      assert.equal(code, 0, out);
      assert.equal(alive(gateway.pid), false, 'the demo node is gone');
      const left = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim();
      assert.equal(left, '', 'no PostgreSQL or other process of this demo left');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serve runs in a child node with the gateway flags and stops once on a Ctrl-C that reaches both processes', async () => {
    const { dir, child, out } = await spawnServe('ce-serve-');
    try {
      const url = await consoleUrl(child, out);
      assert.equal((await fetch(new URL('/api/v1/openapi.json', url))).status, 200);
      const [gateway, ...others] = childrenOf(child.pid!);
      assert.ok(gateway && others.length === 0, `one child node: ${JSON.stringify(childrenOf(child.pid!))}`);
      for (const f of GATEWAY_NODE_FLAGS) assert.ok(gateway.cmdline.includes(f), `child node has ${f}: ${gateway.cmdline.join(' ')}`);
      assert.equal(gateway.cmdline.at(-3), 'serve');
      // a terminal sends SIGINT to the whole foreground group: the gateway gets it twice (directly
      // and passed on); it must close once, not die on the second
      process.kill(gateway.pid, 'SIGINT');
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      assert.equal(code, 0, out());
      assert.equal(alive(gateway.pid), false, 'the gateway node is gone');
      assert.equal(spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim(), '', 'its embedded PostgreSQL stopped with it');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serve stops cleanly when its launcher is killed outright (no orphan gateway or PostgreSQL)', async () => {
    const { dir, child, out } = await spawnServe('ce-orphan-');
    let gatewayPid = 0;
    try {
      await consoleUrl(child, out);
      const [gateway] = childrenOf(child.pid!);
      assert.ok(gateway, 'the gateway runs in a child node');
      gatewayPid = gateway.pid;
      assert.equal(spawnSync('pgrep', ['-f', path.join(dir, 'pg')], { encoding: 'utf8' }).status, 0, 'its embedded PostgreSQL runs');
      // SIGKILL cannot be passed on: the gateway notices its launcher is gone and stops as on SIGTERM
      child.kill('SIGKILL');
      const deadline = Date.now() + 30000;
      while (alive(gatewayPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(alive(gatewayPid), false, `the gateway node stopped: ${out().slice(-500)}`);
      assert.equal(spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim(), '', 'its embedded PostgreSQL stopped with it');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      if (gatewayPid && alive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL');
      spawnSync('pkill', ['-KILL', '-f', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
