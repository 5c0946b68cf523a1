// A cluster node as a process of its own (run with `node --import tsx`), for tests that SIGKILL it.
// argv[2]: JSON { url, schema, name, heartbeatMs, ttlMs, fenceMarginMs }. Prints READY, GAINED <id>, LOST <id> <reason>.
import { Database } from '../../gateway/db/database';
import { startClusterNode } from '../../gateway/wiring/cluster';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  schema: string;
  name: string;
  heartbeatMs: number;
  ttlMs: number;
  fenceMarginMs: number;
};
const db = new Database({ url: o.url, schema: o.schema, log: () => undefined });
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
try {
  const parts = await startClusterNode(
    db,
    {
      name: o.name,
      address: `http://127.0.0.1/${o.name}`,
      heartbeatMs: o.heartbeatMs,
      ttlMs: o.ttlMs,
      fenceMarginMs: o.fenceMarginMs,
    },
    (level, msg) => process.stderr.write(`${level} ${msg}\n`),
  );
  parts.node.onGained((k) => say(`GAINED ${k.cameraId}/${k.profile}`));
  parts.node.onLost((k) => say(`LOST ${k.cameraId}/${k.profile} ${k.reason}`));
  say(`READY ${parts.node.bootId}`);
  process.on(
    'SIGTERM',
    () =>
      void parts
        .close()
        .then(() => db.close())
        .then(() => process.exit(0)),
  );
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  await db.close();
  process.exit(3);
}
