// Which cloudeye commands run in a child node with the gateway's V8 flags (gateway/cli/launch.ts).
import assert from 'node:assert/strict';
import { GATEWAY_NODE_FLAGS, LAUNCHER_ENV, relaunchArgs, watchLauncher } from '../../gateway/cli/launch';

describe('cloudeye launcher', () => {
  it('runs serve, demo and bench in a child node with the flags, keeping the node arguments given', () => {
    for (const cmd of ['serve', 'demo', 'bench'])
      assert.deepEqual(relaunchArgs([cmd, '--port', '0'], [], {}), [...GATEWAY_NODE_FLAGS]);
    assert.deepEqual(relaunchArgs(['bench', 'gis'], ['--expose-gc'], {}), [...GATEWAY_NODE_FLAGS, '--expose-gc']);
  });

  it('runs everything else here', () => {
    for (const argv of [
      [],
      ['--help'],
      ['migrate'],
      ['seed', 'demo'],
      ['user', 'add'],
      ['simcam'],
      ['discover'],
      ['servex'],
      ['--port', 'serve'],
    ])
      assert.equal(relaunchArgs(argv, [], {}), null, argv.join(' '));
  });

  it('does not relaunch a node that has the flags (any value), one under an inspector, or with CE_NO_RELAUNCH=1', () => {
    const names = GATEWAY_NODE_FLAGS.map((f) => `${f.split('=')[0]}=8`);
    assert.equal(relaunchArgs(['serve'], names, {}), null);
    assert.equal(relaunchArgs(['serve'], ['--inspect=0'], {}), null);
    assert.equal(relaunchArgs(['serve'], ['--inspect-brk'], {}), null);
    assert.equal(relaunchArgs(['serve'], [], { CE_NO_RELAUNCH: '1' }), null);
    assert.deepEqual(relaunchArgs(['serve'], [], { CE_NO_RELAUNCH: '0' }), [...GATEWAY_NODE_FLAGS]);
  });

  it('watches the launcher only when started by one, and keeps its pid from the processes it starts', async () => {
    for (const v of [undefined, '', 'abc', '0', '1', '-5', '1.5']) {
      const env: NodeJS.ProcessEnv = v === undefined ? {} : { [LAUNCHER_ENV]: v };
      assert.equal(watchLauncher(env), null, String(v));
      assert.equal(LAUNCHER_ENV in env, false);
    }
    // our own parent stands in for a launcher that is still there: the watch runs and does nothing
    const env: NodeJS.ProcessEnv = { [LAUNCHER_ENV]: String(process.ppid), KEEP: 'x' };
    const stop = watchLauncher(env, 5);
    assert.equal(typeof stop, 'function');
    assert.deepEqual(env, { KEEP: 'x' });
    let terminated = false;
    const onTerm = (): void => void (terminated = true);
    process.on('SIGTERM', onTerm);
    try {
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(terminated, false, 'no SIGTERM while the launcher runs');
    } finally {
      stop!();
      process.off('SIGTERM', onTerm);
    }
  });
});
