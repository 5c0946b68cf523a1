// Gateway nodes as processes on one schema (the cluster bench and tests): start, ask for their pulls, SIGKILL, stop.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface NodeProcess {
  name: string;
  proc: ChildProcess;
  port: number;
  base: string;
  dir: string;
  stderr: string;
  /** Running pull keys (`<cam>.<profile>`) as the node answers now. */
  pulls(): Promise<string[]>;
  /** Pull keys delivering video now. */
  live(): Promise<string[]>;
  /** Cameras recording now (`<cam>.<profile>`). */
  recorders(): Promise<string[]>;
  alive: boolean;
}

/** Nodes on `schema` of `dbUrl`, sharing one secret key (credentials and tokens valid on every node). */
export class GatewayNodes {
  readonly secretKey = randomBytes(32).toString('hex');
  readonly nodes: NodeProcess[] = [];

  constructor(
    readonly dbUrl: string,
    readonly schema: string,
    /** Config overrides of every node (merged under each node's own). */
    private readonly common: Record<string, unknown> = {},
  ) {}

  /** Starts node `name`; `dbUrl`: its own way to the database (through a relay a test cuts), else the common one. */
  async start(name: string, cluster: Record<string, unknown> = {}, dbUrl = this.dbUrl): Promise<NodeProcess> {
    const dir = mkdtempSync(path.join(tmpdir(), `ce-node-${name}-`));
    const c = this.common as Record<string, Record<string, unknown>>;
    // the port is advertised to the other nodes before the node listens: chosen free here
    const port = await freePort();
    const config = {
      ...c,
      server: { port, host: '127.0.0.1', nodeName: name, ...c.server },
      database: { url: dbUrl },
      security: {
        secretKey: this.secretKey,
        cameraAddressExceptions: ['127.0.0.0/8'],
        loginMaxPerUser: 100_000,
        loginMaxPerIp: 100_000,
        ...c.security,
      },
      health: { enabled: false },
      cluster: {
        enabled: true,
        advertisedAddress: `http://127.0.0.1:${port}`,
        ...c.cluster,
        ...cluster,
      },
      transcoder: { hlsDir: path.join(dir, 'hls'), maxWorkers: 400, ...c.transcoder },
      recording: { volumes: [{ path: path.join(dir, 'rec'), quotaBytes: 0 }], reserveBytes: 0, ...c.recording },
    };
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/cluster-node-child.ts', JSON.stringify({ schema: this.schema, config })],
      { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const waiting = new Map<string, Array<(v: string[]) => void>>();
    let buf = '';
    let ready: (port: number) => void = () => {};
    const n: NodeProcess = {
      name,
      proc,
      port: 0,
      base: '',
      dir,
      stderr: '',
      alive: true,
      pulls: () => ask('pulls', 'PULLS'),
      live: () => ask('live', 'LIVE'),
      recorders: () => ask('recorders', 'RECORDERS'),
    };
    const ask = (cmd: string, tag: string): Promise<string[]> =>
      new Promise((resolve, reject) => {
        if (!n.alive) return reject(new Error(`node ${name} is not running`));
        const list = waiting.get(tag) ?? [];
        list.push(resolve);
        waiting.set(tag, list);
        proc.stdin!.write(`${cmd}\n`);
      });
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        const [tag, ...rest] = line.split(' ');
        if (tag === 'READY') ready(Number(rest[0]));
        else waiting.get(tag!)?.shift()?.(JSON.parse(rest.join(' ')) as string[]);
      }
    });
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (n.stderr = (n.stderr + d).slice(-20_000)));
    proc.stdin!.on('error', () => undefined);
    this.nodes.push(n);
    n.port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`node ${name} not ready: ${n.stderr}`)), 60_000);
      proc.once('exit', (code) => {
        n.alive = false;
        clearTimeout(t);
        reject(new Error(`node ${name} exited ${code}: ${n.stderr}`));
      });
      ready = (port) => {
        clearTimeout(t);
        resolve(port);
      };
    });
    n.base = `http://127.0.0.1:${n.port}`;
    return n;
  }

  /** SIGKILL: the node dies as a crashed machine would, leaving its leases to expire. */
  kill(n: NodeProcess): Promise<void> {
    return new Promise((resolve) => {
      if (!n.alive) return resolve();
      n.proc.once('exit', () => resolve());
      n.alive = false;
      n.proc.kill('SIGKILL');
    });
  }

  /** Every running pull by key → the nodes running it (more than one: a duplicate). */
  async pullMap(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const lists = await Promise.all(
      this.nodes.filter((n) => n.alive).map(async (n) => [n.name, await n.pulls()] as const),
    );
    for (const [name, keys] of lists) for (const k of keys) out.set(k, [...(out.get(k) ?? []), name]);
    return out;
  }

  /** Stops every node (SIGTERM, SIGKILL after 10 s) and removes their directories. */
  async close(): Promise<void> {
    await Promise.all(
      this.nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (!n.alive || n.proc.exitCode !== null) return resolve();
            const t = setTimeout(() => n.proc.kill('SIGKILL'), 10_000);
            n.proc.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            n.proc.kill('SIGTERM');
          }),
      ),
    );
    for (const n of this.nodes) rmSync(n.dir, { recursive: true, force: true });
  }
}

/** A TCP port free now on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
