// The events bench's gateway in a process of its own (the bench's clients would otherwise share its event loop):
// started on a schema, users made, "ready <port>" printed; closed on SIGTERM or when stdin ends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/load';
import { startGateway } from '../gateway/main';
import { hashPassword } from '../gateway/auth/passwords';
import type { Role } from '../gateway/auth/policy';

export interface EventsGatewayOptions {
  dbUrl: string;
  schema: string;
  /** Users to make when missing (password "pw-<username>"); department by code, null for city-wide. */
  users: Array<{ username: string; role: Role; department: string | null }>;
}

async function main(o: EventsGatewayOptions): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-bench-events-'));
  const config = loadConfig({
    env: {},
    overrides: {
      server: { port: 0, host: '127.0.0.1' },
      database: { url: o.dbUrl },
      // the bench's cameras have made-up addresses in 10.255.0.0/24, never probed (health off)
      security: {
        secretKey: randomBytes(32).toString('hex'),
        loginMaxPerUser: 10_000,
        loginMaxPerIp: 10_000,
        cameraAddressExceptions: ['10.255.0.0/24'],
      },
      transcoder: { hlsDir: path.join(dir, 'hls') },
      recording: { volumes: [{ path: path.join(dir, 'rec'), quotaBytes: 0 }], reserveBytes: 0 },
      health: { enabled: false },
      events: { mqtt: { reconnectMs: 200 } },
    },
  });
  const gw = await startGateway(config, {
    schema: o.schema,
    log: (level, msg) => void (level === 'error' && process.stderr.write(`gateway: ${msg}\n`)),
  });
  const deps = new Map((await gw.repos.org.departments()).map((d) => [d.code, d.id]));
  for (const u of o.users)
    if (!(await gw.repos.accounts.userByName(u.username)))
      await gw.repos.accounts.createUser({
        username: u.username,
        displayName: u.username,
        passwordHash: await hashPassword(`pw-${u.username}`),
        role: u.role,
        departmentId: u.department === null ? null : (deps.get(u.department) ?? null),
        areaGridId: null,
        locale: 'zh-CN',
      });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= gw.close().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }));
  process.once('SIGTERM', () => void close());
  process.stdin.on('end', () => void close()).resume();
  process.stdout.write(`ready ${gw.port}\n`);
}

main(JSON.parse(process.argv[2] ?? '{}') as EventsGatewayOptions).catch((e: unknown) => {
  process.stderr.write(`bench events gateway: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
