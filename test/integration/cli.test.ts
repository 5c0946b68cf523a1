// The cloudeye command line: every command answers --help with its usage, usage errors (an unknown
// flag among them) exit 2 with one line; serve runs in a child node with the gateway's V8 flags and
// stops cleanly on SIGINT, whether it reaches the launcher or both, and when the launcher is killed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../gateway/cli/launch';
import { freePortRange } from '../helpers/ports';
import {
  alive,
  childrenOf,
  consoleUrl,
  embeddedEnv,
  processesMatching,
  run,
  tempDir,
  type Running,
} from '../helpers/cli-processes';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync('node', ['gateway/cli/bin.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30000,
  });

/** `cloudeye serve --port 0` on its own embedded database in a new directory; output collected. */
async function spawnServe(prefix: string): Promise<{ dir: string } & Running> {
  const dir = tempDir(prefix);
  const r = run('node', ['gateway/cli/bin.mjs', 'serve', '--port', '0'], {
    env: embeddedEnv(dir, await freePortRange(1)),
  });
  return { dir, ...r };
}

const COMMANDS = ['serve', 'demo', 'migrate', 'seed', 'simcam', 'discover', 'bench', 'user'];

describe('cloudeye CLI', function () {
  this.timeout(120000);

  const usage: Array<[string, string[], RegExp]> = [
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['seed without a target', ['seed'], /say what to seed/],
    [
      'a short password',
      ['user', 'add', '--name', 'x', '--password', 'short', '--role', 'viewer'],
      /at least 8 characters/,
    ],
    [
      'an unknown role',
      ['user', 'add', '--name', 'x', '--password', 'long-enough', '--role', 'boss'],
      /--role must be one of/,
    ],
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
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  });

  // `cloudeye demo --help` used to start a whole demo on the default ports
  for (const c of COMMANDS) {
    it(`${c} --help prints its usage and starts nothing`, () => {
      const t0 = Date.now();
      const r = cli([c, '--help'], { CLOUDEYE_DATABASE__URL: 'postgres://nobody@127.0.0.1:1/none' });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`);
      assert.match(r.stdout, new RegExp(`^usage: cloudeye ${c} `));
      assert.match(r.stdout, /^ {2}--help +this text$/m);
      assert.equal(r.stderr, '');
      assert.doesNotMatch(r.stdout, /starting|console:|seeded/);
      assert.ok(Date.now() - t0 < 20000);
    });

    it(`${c} refuses an unknown flag with exit 2, naming it`, () => {
      const r = cli([c, '--frobnicate', '3']);
      assert.equal(r.status, 2, `${r.stdout}${r.stderr}`);
      assert.equal(r.stderr, `cloudeye ${c}: unknown flag --frobnicate (see cloudeye ${c} --help)\n`);
    });
  }

  it('refuses a flag without its value, a switch with one, and stray arguments', () => {
    const cases: Array<[string[], string]> = [
      [['demo', '--port'], 'cloudeye demo: --port needs a value'],
      [['simcam', '--discovery=yes'], 'cloudeye simcam: --discovery takes no value'],
      // what `npm run demo --port 0` (without `--`) hands over: npm takes the flags for itself
      [['demo', '0', '8'], "cloudeye demo: unexpected argument '0'"],
      [['serve', '-p', '80'], 'cloudeye serve: unknown flag -p'],
    ];
    for (const [args, line] of cases) {
      const r = cli(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stderr.split(' (see ')[0], line);
    }
  });

  it('serve runs in a child node with the gateway flags and stops once on a Ctrl-C that reaches both processes', async () => {
    const { dir, child, out, exited } = await spawnServe('ce-serve-');
    try {
      const url = await consoleUrl({ child, out, exited });
      const doc = await fetch(new URL('/api/v1/openapi.json', url));
      assert.equal(doc.status, 200);
      assert.match(doc.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      // a load balancer's probes; no scrape credential is configured, so /metrics refuses everyone
      assert.equal((await fetch(new URL('/readyz', url))).status, 200);
      assert.equal((await fetch(new URL('/livez', url))).status, 200);
      const metrics = await fetch(new URL('/metrics', url));
      assert.equal(metrics.status, 401);
      assert.match(((await metrics.json()) as { detail: string }).detail, /no scrape credential is configured/);
      const [gateway, ...others] = childrenOf(child.pid!);
      assert.ok(gateway && others.length === 0, `one child node: ${JSON.stringify(childrenOf(child.pid!))}`);
      for (const f of GATEWAY_NODE_FLAGS)
        assert.ok(gateway.cmdline.includes(f), `child node has ${f}: ${gateway.cmdline.join(' ')}`);
      assert.equal(gateway.cmdline.at(-3), 'serve');
      // a terminal sends SIGINT to the whole foreground group: the gateway gets it twice (directly
      // and passed on); it must close once, not die on the second
      process.kill(gateway.pid, 'SIGINT');
      child.kill('SIGINT');
      assert.equal(await exited, 0, out());
      assert.equal(alive(gateway.pid), false, 'the gateway node is gone');
      assert.deepEqual(processesMatching(dir), [], 'its embedded PostgreSQL stopped with it');
      assert.doesNotMatch(out(), /Error|\n\s+at /, 'stopped quietly');
      // stderr is no terminal here: log.format auto writes one JSON object per line
      const lines = out()
        .split('\n')
        .filter((l) => l && !l.startsWith('Cloud Eye console: '));
      assert.ok(lines.length > 0, 'some log lines');
      for (const l of lines) {
        const o = JSON.parse(l) as Record<string, unknown>;
        assert.deepEqual(Object.keys(o).slice(0, 4), ['time', 'level', 'msg', 'node'], l);
        assert.ok(!Number.isNaN(Date.parse(String(o.time))), l);
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serve stops cleanly when its launcher is killed outright (no orphan gateway or PostgreSQL)', async () => {
    const { dir, child, out, exited } = await spawnServe('ce-orphan-');
    let gatewayPid = 0;
    try {
      await consoleUrl({ child, out, exited });
      const [gateway] = childrenOf(child.pid!);
      assert.ok(gateway, 'the gateway runs in a child node');
      gatewayPid = gateway.pid;
      assert.notDeepEqual(processesMatching(path.join(dir, 'pg')), [], 'its embedded PostgreSQL runs');
      // SIGKILL cannot be passed on: the gateway notices its launcher is gone and stops as on SIGTERM
      child.kill('SIGKILL');
      const deadline = Date.now() + 30000;
      while (alive(gatewayPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(alive(gatewayPid), false, `the gateway node stopped: ${out().slice(-500)}`);
      assert.deepEqual(processesMatching(dir), [], 'its embedded PostgreSQL stopped with it');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      if (gatewayPid && alive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL');
      for (const line of processesMatching(dir)) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
