// The session principal cache of AuthService: one database read per session at a time, refreshed
// ahead of expiry, never refilled by a read that an invalidation overtook, and never older than 2 s.
import assert from 'node:assert/strict';
import type { UserRecord } from '../../gateway/db/accounts-repo';
import { waitFor } from '../../bench/transcoder-proc';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('auth: session principal cache', function () {
  this.timeout(30000);
  let t: TestGateway;
  /** Reads of a user by the auth service since the test began (the real repository, counted). */
  let reads = 0;
  /** When set, each read waits for it before going to the database. */
  let gate: Promise<void> | null = null;

  before(async () => {
    t = await startTestGateway();
    const accounts = t.gw.repos.accounts;
    const read = accounts.user.bind(accounts);
    accounts.user = async (id: number): Promise<UserRecord | null> => {
      reads++;
      if (gate) await gate;
      return read(id);
    };
  });
  after(async () => t?.close());

  const session = async (name: string): Promise<string> => {
    await t.addUser(name, 'viewer', 'police');
    const token = await t.login(name);
    t.gw.services.auth.invalidate();
    reads = 0;
    return token;
  };
  const principal = (token: string) => t.gw.services.auth.fromAccessToken(token).then((r) => r.principal);

  it('concurrent requests of a session that is not cached read the user once', async () => {
    const token = await session('cache-a');
    const all = await Promise.all(Array.from({ length: 20 }, () => principal(token)));
    assert.equal(reads, 1);
    assert.ok(all.every((p) => p === all[0] && p.name === 'cache-a'));
  });

  it('re-reads a busy session in the background before its entry expires, so no request waits', async () => {
    const token = await session('cache-b');
    const t0 = Date.now();
    const first = await principal(token);
    assert.equal(reads, 1);
    await sleep(1650 - (Date.now() - t0)); // inside the last 500 ms of the 2 s entry
    assert.equal(await principal(token), first, 'still answered from the cache');
    await waitFor('the background read', async () => reads === 2, 2000);
    await sleep(Math.max(0, 2300 - (Date.now() - t0))); // past the first entry's expiry
    const later = await principal(token);
    assert.notEqual(later, first, 'the refreshed principal');
    assert.equal(later.name, 'cache-b');
    assert.equal(reads, 2, 'no read at the old expiry');
  });

  it('a read overtaken by an invalidation answers its callers but caches nothing', async () => {
    const token = await session('cache-c');
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    const pending = principal(token);
    await waitFor('the read to start', async () => reads === 1, 2000);
    t.gw.services.auth.invalidate(); // e.g. the user was changed while the read was in flight
    gate = null;
    open();
    assert.equal((await pending).name, 'cache-c');
    await principal(token);
    assert.equal(reads, 2, 'read again after the invalidation');
  });

  it("a user disabled behind the gateway's back is refused within 2 s, however busy the session", async () => {
    const token = await session('cache-d');
    await principal(token);
    await t.gw.db.knex('users').where({ username: 'cache-d' }).update({ disabled: true });
    const t0 = Date.now();
    let refused: Error | null = null;
    while (Date.now() - t0 < 3000 && !refused) {
      refused = await principal(token).then(
        () => null,
        (e: Error) => e,
      );
      await sleep(20);
    }
    assert.ok(refused, 'refused');
    assert.match(refused.message, /no longer active/);
    assert.ok(Date.now() - t0 <= 2100, `refused after ${Date.now() - t0} ms`);
  });
});
