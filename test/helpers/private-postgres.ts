// A PostgreSQL of a test's own (initdb + pg_ctl of the system's PostgreSQL 15, as user postgres, on a free port): one the
// test may restart, unlike the machine's shared server.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePortRange } from './ports';

const BIN = '/usr/lib/postgresql/15/bin';

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** initdb (trust, UTF8) and start; resolves once it accepts connections. */
  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-pg-'));
    const pg = new PrivatePostgres(dir, await freePortRange(1));
    if (userInfo().uid === 0) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
    pg.run('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    pg.ctl('start');
    return pg;
  }

  /** pg_ctl restart -m fast: every connection is dropped, the server is back when this returns. */
  restart(): void {
    this.ctl('restart', ['-m', 'fast']);
  }

  stop(): void {
    try {
      this.ctl('stop', ['-m', 'immediate']);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private ctl(cmd: string, more: string[] = []): void {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off`;
    this.run('pg_ctl', [
      cmd,
      '-D',
      path.join(this.dir, 'data'),
      '-w',
      '-t',
      '60',
      '-l',
      path.join(this.dir, 'log'),
      ...more,
      '-o',
      opts,
    ]);
  }

  private run(bin: string, args: string[]): void {
    const argv =
      userInfo().uid === 0
        ? ['--reuid=postgres', '--regid=postgres', '--init-groups', path.join(BIN, bin), ...args]
        : args;
    execFileSync(userInfo().uid === 0 ? '/usr/bin/setpriv' : path.join(BIN, bin), argv, {
      stdio: 'pipe',
      cwd: this.dir,
    });
  }
}

const idOf = (flag: '-u' | '-g', name: string): number =>
  Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
const uidOf = (name: string): number => idOf('-u', name);
const gidOf = (name: string): number => idOf('-g', name);
