// Cross-node serving: a request or WebSocket upgrade forwarded as is to the node that serves it (cluster).
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { UnavailableError } from '../errors';
import { sendProblem } from './errors';
import { CLIENT_HEADER, clientIp, type ClientVouch } from './client-vouch';

/** Set on a request one node forwards to another: the nodes it passed, in order (a comma list of names). */
export const FORWARDED_BY = 'x-cloudeye-forwarded-by';
/** A stream call chases its lease over at most this many nodes (a lease moving meanwhile), then answers 503. */
const MAX_HOPS = 2;
/** A forwarded request without an answer for this long is refused with 502 (ms): an open waits for a cold pull. */
const CONNECT_TIMEOUT_MS = 30_000;
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer'];

/**
 * The headers sent on: the client's own (Host and Origin kept, for the target's Origin rule), who forwarded, and the
 * client's address vouched for by this node.
 */
function onward(req: IncomingMessage, via: StreamRouting, upgrade: boolean): IncomingHttpHeaders {
  const h: IncomingHttpHeaders = {
    ...req.headers,
    [FORWARDED_BY]: [...forwardedBy(req), via.self].join(','),
    [CLIENT_HEADER]: via.vouch.sign(clientIp(req)),
  };
  for (const k of HOP_BY_HOP) delete h[k];
  const xff = req.headers['x-forwarded-for'];
  h['x-forwarded-for'] = [xff, req.socket.remoteAddress].filter(Boolean).join(', ');
  if (upgrade) h.connection = 'Upgrade';
  return h;
}

function request(address: string, path: string, method: string, headers: IncomingHttpHeaders): http.ClientRequest {
  const target = new URL(path, address);
  const lib = target.protocol === 'https:' ? https : http;
  const r = lib.request(target, { method, headers, agent: false });
  r.setTimeout(CONNECT_TIMEOUT_MS, () => r.destroy(new Error(`no answer from ${target.origin}`)));
  return r;
}

/** The nodes `req` was forwarded by, in order (empty: it came from a client). */
export function forwardedBy(req: IncomingMessage): string[] {
  const h = req.headers[FORWARDED_BY];
  return typeof h === 'string' && h ? h.split(',').slice(0, 16) : [];
}

/** True when `req` came from another node. */
export const wasForwarded = (req: IncomingMessage): boolean => forwardedBy(req).length > 0;

/**
 * Whether a stream call whose pull `node` holds may go on there: not back to a node it passed (nor this one), and
 * over at most MAX_HOPS nodes — the lease moved while it travelled; else it is answered here (503, Retry-After).
 */
export function mayChase(req: IncomingMessage, node: string, self: string): boolean {
  const passed = forwardedBy(req);
  return node !== self && !passed.includes(node) && passed.length < MAX_HOPS;
}

/**
 * Forwards `req` to the node at `address` and streams its answer back (status, headers, body; a blocking
 * playlist reload waits there). `body`: the request's body when this node's parser has consumed it.
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  address: string,
  via: StreamRouting,
  body?: Buffer,
): Promise<void> {
  return new Promise((resolve) => {
    const headers = onward(req, via, false);
    if (body) headers['content-length'] = String(body.length);
    // under an express mount, req.url is relative to it: the path as the client sent it
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const up = request(address, url, req.method ?? 'GET', headers);
    up.on('response', (answer) => {
      up.setTimeout(0);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.once('end', () => resolve());
      answer.once('error', () => resolve());
    });
    up.on('error', (err) => {
      // a node gone: its leases move to the others within seconds, so asking again soon helps
      const gone = new UnavailableError(`cluster: node ${address} does not answer (${err.message}); ask again`, 1);
      if (!res.headersSent) sendProblem(res, gone, () => {});
      else res.destroy();
      resolve();
    });
    // the client left: the forwarded request goes too
    res.once('close', () => up.destroy());
    if (body) up.end(body);
    else if (req.readableEnded) up.end();
    else req.pipe(up);
  });
}

/**
 * Forwards a WebSocket upgrade to the node at `address`: the target checks it as if the client had come to it; its
 * 101 (or refusal) goes back to the client, then bytes flow both ways until either side closes.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  address: string,
  via: StreamRouting,
): void {
  const up = request(address, req.url ?? '/', 'GET', onward(req, via, true));
  const fail = (msg: string): void => {
    if (!socket.writable) return void socket.destroy();
    const body = JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: msg });
    socket.end(
      'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n' +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };
  up.on('upgrade', (answer, upstream, upHead) => {
    up.setTimeout(0);
    const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`];
    for (let i = 0; i < answer.rawHeaders.length; i += 2)
      lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upHead.length) socket.write(upHead);
    if (head.length) upstream.write(head);
    upstream.pipe(socket).pipe(upstream);
    const both = (): void => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.once('close', both);
    socket.once('close', both);
    upstream.on('error', both);
    socket.on('error', both);
  });
  // a refusal (401, 403, 404, 503): told to the client as the target said it
  up.on('response', (answer) => {
    up.setTimeout(0);
    const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`, 'Connection: close'];
    for (let i = 0; i < answer.rawHeaders.length; i += 2)
      if (!/^(connection|transfer-encoding|content-length)$/i.test(answer.rawHeaders[i]!))
        lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.once('end', () => {
      const body = Buffer.concat(chunks);
      if (!socket.writable) return void socket.destroy();
      socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    });
  });
  up.on('error', (err) => fail(`cluster: node ${address} does not answer (${err.message}); ask again`));
  socket.once('close', () => up.destroy());
  up.end();
}

/** Which node serves a stream token (cluster); absent on a node alone. */
export interface StreamRouting {
  /** This node's name (told on forwarded requests). */
  readonly self: string;
  /** Signs the client's address on what this node forwards, and checks it on what it is forwarded. */
  readonly vouch: ClientVouch;
  /** The address of the other live node holding `token`'s stream session, or null: served (or refused) here. */
  targetOf(token: string): string | null;
  /**
   * The address of the other live node that controls camera `cameraId` (its PTZ and who holds it), or null: this
   * node does, or the node is not known yet.
   */
  controlNode(cameraId: string): string | null;
}

/**
 * Forwards a route's call, already parsed here, to the node at `address` (its JSON body encoded again), which
 * answers it; resolves undefined (the answer is sent). A call forwarded once is not forwarded again.
 */
export async function forwardCall(
  req: IncomingMessage,
  res: ServerResponse,
  address: string,
  via: StreamRouting,
): Promise<undefined> {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  const raw = parsed !== undefined && req.readableEnded ? Buffer.from(JSON.stringify(parsed)) : undefined;
  await forwardRequest(req, res, address, via, raw);
  return undefined;
}

/** Where a viewer's request with `token` goes: null when it is served here (also when it was forwarded already). */
export function forwardTarget(req: IncomingMessage, token: string, routing: StreamRouting | undefined): string | null {
  if (!routing || wasForwarded(req)) return null;
  return routing.targetOf(token);
}
