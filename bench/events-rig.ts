// The events bench's rig: its gateway in a child process (bench/events-gateway.ts) on a schema, and an API client.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCall, type ApiAnswer } from './api-call';
import pg from 'pg';
import { GATEWAY_NODE_FLAGS } from '../gateway/cli/launch';
import type { EventsGatewayOptions } from './events-gateway';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BENCH_DB_URL =
  process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface EventsRig {
  base: string;
  child: ChildProcess;
  schema: string;
  /** Logs in as `username` (password pw-<username>) and returns a client with its token. */
  as(
    username: string,
  ): Promise<{ token: string; api(method: string, url: string, body?: unknown): Promise<ApiAnswer> }>;
  /** Stops the gateway; drops the schema unless it is kept. */
  close(): Promise<void>;
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: BENCH_DB_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
}

/** Starts the gateway process and waits for its "ready <port>". */
export async function startEventsRig(
  o: Omit<EventsGatewayOptions, 'dbUrl'> & { keepSchema?: boolean },
): Promise<EventsRig> {
  const opts: EventsGatewayOptions = { dbUrl: BENCH_DB_URL, schema: o.schema, users: o.users };
  // BENCH_CPU_PROF=DIR: the gateway process writes a V8 CPU profile there (where its time goes)
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const script = path.join(HERE, 'events-gateway.ts');
  const args = [...GATEWAY_NODE_FLAGS, ...prof, '--import', 'tsx', script, JSON.stringify(opts)];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      buf += c;
      const m = /ready (\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) =>
      reject(new Error(`bench events: the gateway process exited (${code}) before it was ready`)),
    );
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    child,
    schema: o.schema,
    async as(username) {
      const login = await apiCall(base, '', 'POST', '/api/v1/auth/login', { username, password: `pw-${username}` });
      if (login.status !== 200) throw new Error(`bench events: login ${username}: ${login.status} ${login.text}`);
      const token = login.body.accessToken as string;
      return { token, api: (method, url, body) => apiCall(base, token, method, url, body) };
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (!o.keepSchema) await dropSchema(o.schema);
    },
  };
}
