// The cloudeye command line: usage errors exit 2 with one line; the demo stops cleanly on SIGINT.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePortRange } from '../helpers/ports';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync('node', ['gateway/cli/bin.mjs', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

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
    const env = {
      ...process.env,
      CLOUDEYE_DATABASE__URL: '',
      DATABASE_URL: '',
      CLOUDEYE_DATABASE__EMBEDDED__DATA_DIR: path.join(dir, 'pg'),
      CLOUDEYE_DATABASE__EMBEDDED__PORT: String(ports),
      CLOUDEYE_SECURITY__SECRET_KEY_FILE: path.join(dir, 'secret.key'),
      CLOUDEYE_TRANSCODER__HLS_DIR: path.join(dir, 'hls'),
    };
    const child = spawn('node', ['gateway/cli/bin.mjs', 'demo', '--port', '0', '--cameras', '8', '--rtsp-port', String(ports + 1), '--onvif-port', String(ports + 2)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setInterval(() => {
          const m = /Cloud Eye console: (\S+)/.exec(out);
          if (m) (clearInterval(t), resolve(m[1]!));
        }, 200);
        child.once('exit', (code) => (clearInterval(t), reject(new Error(`demo exited ${code}: ${out}`))));
      });
      const login = await fetch(new URL('/api/v1/auth/login', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'police.viewer', password: 'cloudeye-demo' }) });
      assert.equal(login.status, 200);
      const token = ((await login.json()) as { accessToken: string }).accessToken;
      const cams = (await (await fetch(new URL('/api/v1/cameras', url), { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] };
      assert.ok(cams.items.length > 0, 'demo cameras are visible');
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      assert.equal(code, 0, out);
      const left = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim();
      assert.equal(left, '', 'no PostgreSQL or other process of this demo left');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
