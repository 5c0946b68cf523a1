// A gateway as a cluster node in a process of its own (run with `node --import tsx`), for the cluster bench and tests.
// argv[2]: JSON { schema, config } (config: overrides of the shipped config). Prints "READY <port>"; answers stdin lines
// "pulls" with "PULLS <json: pull keys not stopped>", "live" with "LIVE <json: pulls delivering>" and "recorders" with "RECORDERS <json: cameras recording>".
import { createInterface } from 'node:readline';
import { loadConfig } from '../config/load';
import { startGateway } from '../gateway/main';

const o = JSON.parse(process.argv[2] ?? '{}') as { schema: string; config: Record<string, unknown> };
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
try {
  const gw = await startGateway(loadConfig({ env: {}, overrides: o.config }), {
    schema: o.schema,
    log: (level, msg) => (level === 'info' ? undefined : process.stderr.write(`${level} ${msg}\n`)),
  });
  const pulls = (): string[] =>
    gw.services.supervisor
      .list()
      .filter((s) => !s.derived && s.state !== 'stopped')
      .map((s) => s.key)
      .sort();
  const live = (): string[] =>
    gw.services.supervisor
      .list()
      .filter((s) => !s.derived && s.state === 'live')
      .map((s) => s.key)
      .sort();
  const recorders = (): string[] =>
    gw.services.recordings
      .status()
      .filter((s) => s.state === 'recording')
      .map((s) => `${s.cameraId}.${s.profile}`)
      .sort();
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'pulls') say(`PULLS ${JSON.stringify(pulls())}`);
    else if (line === 'live') say(`LIVE ${JSON.stringify(live())}`);
    else if (line === 'recorders') say(`RECORDERS ${JSON.stringify(recorders())}`);
  });
  say(`READY ${gw.port}`);
  process.on('SIGTERM', () => void gw.close().then(() => process.exit(0)));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(3);
}
