// How a cloudeye command stops (gateway/cli/stop-signals.ts), in real node processes sent real signals:
// one request however many copies arrive, a later second signal or an overrun deadline exits at once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../gateway/cli/stop-signals.ts');

/**
 * A node process that waits for a stop request, then "closes" for `closeMs` (a close that hangs when
 * it is long), with a 1500 ms deadline; prints REQUESTED and CLOSED, exits 0 when the close ends.
 */
function stopper(closeMs: number) {
  const code = `
    import { waitForStop } from ${JSON.stringify(MODULE)};
    const stop = waitForStop({ deadlineMs: 1500, sameRequestMs: 300 });
    setInterval(() => undefined, 1000); // a server keeping the process alive
    console.log('READY');
    const signal = await stop.requested;
    console.log('REQUESTED ' + signal);
    await new Promise((r) => setTimeout(r, ${closeMs}));
    console.log('CLOSED');
    stop.done();
    process.exit(0);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  const exited = new Promise<{ code: number | null; at: number }>((r) =>
    child.once('exit', (c) => r({ code: c, at: Date.now() })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const t = setInterval(() => out.includes('READY') && (clearInterval(t), resolve()), 20);
    void exited.then(() => (clearInterval(t), reject(new Error(`exited early: ${out}`))));
  });
  return { child, out: () => out, exited, ready };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cloudeye stop signals', function () {
  this.timeout(30000);

  it('copies of one Ctrl-C arriving together are one request: the orderly close runs to its end', async () => {
    const p = stopper(800);
    await p.ready;
    // the terminal's copy and the launcher's forwarded copy
    p.child.kill('SIGINT');
    await sleep(50);
    p.child.kill('SIGINT');
    const { code } = await p.exited;
    assert.equal(code, 0, p.out());
    assert.match(p.out(), /REQUESTED SIGINT\nCLOSED\n/);
    assert.doesNotMatch(p.out(), /exiting now/);
  });

  it('a second Ctrl-C or SIGTERM later than that stops at once', async () => {
    for (const second of ['SIGINT', 'SIGTERM'] as const) {
      const p = stopper(20000);
      await p.ready;
      p.child.kill('SIGINT');
      await sleep(600);
      const t0 = Date.now();
      p.child.kill(second);
      const { code, at } = await p.exited;
      assert.equal(code, second === 'SIGINT' ? 130 : 143, p.out());
      assert.ok(at - t0 < 1000, `exited ${at - t0} ms after the second signal`);
      assert.match(p.out(), /cloudeye: second stop signal; exiting now/);
      assert.doesNotMatch(p.out(), /CLOSED/);
    }
  });

  it('a close that overruns its deadline ends the process with one line', async () => {
    const p = stopper(20000);
    await p.ready;
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    const { code, at } = await p.exited;
    assert.equal(code, 143, p.out());
    assert.ok(at - t0 >= 1400 && at - t0 < 5000, `exited after ${at - t0} ms`);
    assert.match(p.out(), /REQUESTED SIGTERM\ncloudeye: stopping took over 1.5 s; exiting now\n$/);
  });
});
