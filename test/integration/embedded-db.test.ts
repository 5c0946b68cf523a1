// Without a database URL the gateway runs a real embedded PostgreSQL: starts, migrates, serves, stops.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway } from '../../gateway/main';
import { testConfig } from '../helpers/gateway';
import { freePortRange } from '../helpers/ports';

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('embedded PostgreSQL', function () {
  this.timeout(120000);
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-embedded-'));
  // mkdtemp makes 0700; the postgres user (used when running as root) must traverse it
  chmodSync(dir, 0o755);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts (as root too), migrates, serves a query over HTTP and stops cleanly, twice', async () => {
    const pgPort = await freePortRange(1);
    for (const round of [1, 2]) {
      const config = testConfig({ database: { url: '', embedded: { dataDir: path.join(dir, 'pg'), port: pgPort } } });
      const gw = await startGateway(config, { log: () => undefined });
      try {
        assert.ok(existsSync(path.join(dir, 'pg', 'cluster', 'PG_VERSION')), 'cluster initialised under dataDir');
        const deps = await gw.db.knex('departments').select('name').orderBy('id');
        assert.deepEqual(
          deps.map((d) => d.name),
          ['公安', '交通', '城管'],
          `round ${round}`,
        );
        const res = await fetch(`http://127.0.0.1:${gw.port}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'nobody', password: 'x' }),
        });
        assert.equal(res.status, 401, 'the API answers from the embedded database');
        assert.equal(await portOpen(pgPort), true);
      } finally {
        await gw.close();
      }
      assert.equal(await portOpen(pgPort), false, 'PostgreSQL stopped with the gateway');
    }
  });
});
