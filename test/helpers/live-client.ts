// A plain WebSocket viewer of /live/<token>/<key> for tests: records every message with its arrival time, parses fragments.
import { spawn, type ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';

export interface ReceivedFragment {
  /** performance.now()-free wall clock (Date.now()) when the message arrived. */
  at: number;
  keyframe: boolean;
  startS: number;
  durationS: number;
  generation: number;
  bytes: number;
}

export interface LiveClientOptions {
  origin?: string;
  /** Parse fragments (keyframe, decode times). Default true. */
  parse?: boolean;
  /** Keep every binary message's bytes in `binaries` (to decode what was received). Default false. */
  keep?: boolean;
}

/** Why an upgrade was refused: the HTTP status and problem document. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused: ${status} ${body}`);
  }
}

export class LiveClient {
  readonly texts: Array<{ at: number; msg: Record<string, unknown> }> = [];
  readonly fragments: ReceivedFragment[] = [];
  readonly inits: Array<{ at: number; init: InitSegment | null; bytes: number }> = [];
  /** Messages in arrival order: 'text:<type>' or 'binary'. */
  readonly order: string[] = [];
  /** Binary messages (init segments and fragments) in arrival order, when opened with `keep`. */
  readonly binaries: Buffer[] = [];
  readonly opened: number;
  closed: { code: number; reason: string; at: number } | null = null;
  private readonly closedP: Promise<{ code: number; reason: string; at: number }>;
  private reader: FragmentReader | null = null;
  private expectInit = false;

  private constructor(
    readonly ws: WebSocket,
    private readonly parse: boolean,
    private readonly keep = false,
  ) {
    this.opened = Date.now();
    this.closedP = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.closed = { code, reason: reason.toString(), at: Date.now() };
        resolve(this.closed);
      }),
    );
    ws.on('message', (data, binary) => this.onMessage(data as Buffer, binary));
  }

  /** Opens a viewer; rejects with UpgradeRefused (status, body) when the gateway answers without upgrading. */
  static open(url: string, opts: LiveClientOptions = {}): Promise<LiveClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...(opts.origin ? { origin: opts.origin } : {}), perMessageDeflate: false });
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
        res.on('error', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
      });
      ws.once('error', (err) => reject(err));
      ws.once('open', () => resolve(new LiveClient(ws, opts.parse !== false, opts.keep === true)));
    });
  }

  /** Resolves with the close (code, reason, when). */
  whenClosed(): Promise<{ code: number; reason: string; at: number }> {
    return this.closedP;
  }

  send(data: string | Buffer, binary = typeof data !== 'string'): void {
    this.ws.send(data, { binary });
  }

  close(): Promise<{ code: number; reason: string; at: number }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closedP;
  }

  /** Waits until `pred` holds (checked every 20 ms). */
  async until(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end)
        throw new Error(`live client: timed out waiting for ${what} (order: ${this.order.slice(0, 12)})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private onMessage(data: Buffer, binary: boolean): void {
    const at = Date.now();
    if (!binary) {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      this.texts.push({ at, msg });
      this.order.push(`text:${String(msg.type)}`);
      if (msg.type === 'init') this.expectInit = true;
      return;
    }
    this.order.push('binary');
    if (this.keep) this.binaries.push(Buffer.from(data));
    if (this.expectInit) {
      this.expectInit = false;
      let init: InitSegment | null = null;
      if (this.parse) {
        this.reader = new FragmentReader({
          generation: this.inits.length,
          sliceCodec: null,
          onInit: (i) => (init = i),
          onFragment: (f) => this.onFragment(f),
          onError: (e) => {
            throw e;
          },
        });
        this.reader.push(data);
      }
      this.inits.push({ at, init, bytes: data.length });
      return;
    }
    if (this.reader) {
      this.pendingAt = at;
      this.pendingBytes = data.length;
      this.reader.push(data);
    } else
      this.fragments.push({ at, keyframe: false, startS: NaN, durationS: NaN, generation: -1, bytes: data.length });
  }

  private pendingAt = 0;
  private pendingBytes = 0;

  private onFragment(f: Omit<Fragment, 'seq'>): void {
    this.fragments.push({
      at: this.pendingAt,
      keyframe: f.keyframe,
      startS: f.startS,
      durationS: f.durationS,
      generation: f.generation,
      bytes: this.pendingBytes,
    });
  }
}

/** The status of an upgrade the gateway refuses (throws when it upgrades). */
export async function refusedUpgrade(url: string, opts: LiveClientOptions = {}): Promise<UpgradeRefused> {
  try {
    const c = await LiveClient.open(url, opts);
    await c.close();
  } catch (err) {
    if (err instanceof UpgradeRefused) return err;
    throw err;
  }
  throw new Error(`upgrade of ${url} was not refused`);
}

/**
 * The stalled viewer: a tiny receive buffer and segment size (on loopback the sender's kernel buffer
 * otherwise grows to megabytes, sized by the 64 KiB MSS), a handshake, no reads.
 */
const STALLED_PY = `
import socket, sys, base64, os
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
s.connect((host, port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(('GET %s HTTP/1.1\\r\\nHost: %s:%d\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n'
           'Sec-WebSocket-Key: %s\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n' % (path, host, port, key)).encode())
head = b''
while b'\\r\\n\\r\\n' not in head:
    c = s.recv(1)
    if not c: break
    head += c
print(head.split(b'\\r\\n')[0].decode(), flush=True)
sys.stdin.read()
`;

/**
 * A viewer that upgrades and then never reads, with kernel buffers of a few KiB so the gateway's own
 * queue grows at once (a Node socket cannot set them): a python3 child holding the connection until
 * killed. Resolves once upgraded.
 */
export function stalledViewer(url: string): Promise<ChildProcess> {
  const u = new URL(url);
  const child = spawn('/usr/bin/python3', ['-c', STALLED_PY, u.hostname, u.port, u.pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (!out.includes('\n')) return;
      if (/^HTTP\/1\.1 101 /.test(out)) resolve(child);
      else reject(new Error(`stalled viewer: not upgraded: ${out.trim()}`));
    });
    child.once('exit', (code) => reject(new Error(`stalled viewer exited (${code}): ${out.trim()}`)));
  });
}
