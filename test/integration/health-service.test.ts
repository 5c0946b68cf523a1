// HealthService: a state is stored before it is published (a directory reload reads it back from the
// database, so the other order could lose it), and a failed store still publishes and is logged.
import assert from 'node:assert/strict';
import { HealthService } from '../../gateway/health/health-service';
import type { HealthChange } from '../../gateway/health/health-checker';
import type { CameraRecord } from '../../gateway/db/cameras-repo';
import { waitFor } from '../../bench/transcoder-proc';
import { freePortRange } from '../helpers/ports';

describe('health service: store, then publish', function () {
  this.timeout(20_000);
  let svc: HealthService | undefined;
  afterEach(async () => svc?.close());

  const start = async (persist: () => Promise<void>, published: HealthChange[][], logs: string[]): Promise<void> => {
    const port = await freePortRange(); // nothing listens there: the RTSP probe is refused, a real offline verdict
    const cam = {
      id: 'cam-1',
      source: 'rtsp',
      mainUri: `rtsp://127.0.0.1:${port}/live`,
      xaddr: null,
    } as unknown as CameraRecord;
    svc = new HealthService(
      async () => [cam],
      () => null,
      { persist, publish: (c) => published.push(c) },
      { intervalS: 3600, jitter: 0, concurrency: 4, timeoutMs: 1000 },
      (m) => logs.push(m),
    );
    await svc.start();
  };

  it('publishes a state only once it is stored', async () => {
    let release!: () => void,
      calls = 0;
    const stored = new Promise<void>((r) => (release = r));
    const published: HealthChange[][] = [];
    await start(
      () => {
        calls++;
        return stored;
      },
      published,
      [],
    );
    await waitFor('the offline state to be stored', async () => calls === 1, 10_000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(published.length, 0, 'nothing is published while the store is pending');
    release();
    await svc!.settled();
    assert.equal(published.length, 1);
    assert.equal(published[0]![0]!.id, 'cam-1');
    assert.equal(published[0]![0]!.state, 'offline');
  });

  it('a store that fails is logged and the state is still published', async () => {
    const published: HealthChange[][] = [];
    const logs: string[] = [];
    await start(() => Promise.reject(new Error('database went away')), published, logs);
    await waitFor('the offline state to be published', async () => published.length === 1, 10_000);
    assert.ok(
      logs.some((l) => /persist failed: Error: database went away/.test(l)),
      logs.join('\n'),
    );
  });
});
