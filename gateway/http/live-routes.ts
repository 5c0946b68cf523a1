// Live delivery: the WebSocket upgrade at /live/<token>/<key> (ws, noServer) and GET …/replay.mp4; every check before the upgrade.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type Router } from 'express';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { StreamGrant, StreamService } from '../streams/stream-service';
import type { LiveViewers } from '../streams/live-viewers';
import type { LiveSocket } from '../streams/live-viewer';
import type { LiveHub } from '../streams/stream-backend';
import { AuthenticationError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { HttpError, toProblem } from './errors';
import { clientIp, type ApiRouter } from './api-router';
import { embedOriginAllowed, type Principal } from '../auth/policy';
import { forwardRequest, forwardTarget, forwardUpgrade, type StreamRouting } from './node-proxy';

/** Output keys: `<camera>.<profile>` or `<camera>.<profile>.h264` (the transcode of an H.265 camera). */
const KEY = /^\d{1,19}\.(main|sub)(\.h264)?$/;
const TOKEN = /^[A-Za-z0-9_.-]{1,4096}$/;
/**
 * Largest client frame the WebSocket reads (bytes): beyond it `ws` closes with 1009 before reading it.
 * Below it, anything but a ping (at most 512 bytes, see live-protocol) is closed with 1008.
 */
const MAX_PAYLOAD = 4096;
/** A socket told to close is torn down this much later if the client does not answer (ms). */
const CLOSE_GRACE_MS = 1000;
/** Seconds of instant replay: default, and most. */
const REPLAY_DEFAULT_S = 30;
const REPLAY_MAX_S = 300;

export interface LiveRouteOptions {
  /** Origins allowed besides the request's own host (config security.allowedOrigins). */
  allowedOrigins: readonly string[];
  /** Cluster: a token whose session another node holds is forwarded there. */
  routing?: StreamRouting;
}

/**
 * The Origin rule of live requests: absent (a non-browser client), the same host as the request's
 * Host header, or listed. Throws ForbiddenError (403) otherwise.
 */
export function checkOrigin(req: IncomingMessage, allowed: readonly string[]): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (allowed.includes(origin)) return;
  let host = '';
  try {
    host = new URL(origin).host;
  } catch {
    throw new ForbiddenError(`live: malformed Origin ${JSON.stringify(origin.slice(0, 100))}`);
  }
  if (host && host === req.headers.host) return;
  throw new ForbiddenError(`live: Origin ${JSON.stringify(origin.slice(0, 100))} is not allowed`);
}

/**
 * The Origin rule once the stream token's principal is known: an embed token's stream may be opened only from
 * the token's origins (or the gateway itself: its embed pages); any other principal by checkOrigin's rule.
 */
export function checkGrantOrigin(
  req: IncomingMessage,
  allowed: readonly string[],
  p: Principal,
  onlyEmbed = false,
): void {
  if (!p.embed) return onlyEmbed ? undefined : checkOrigin(req, allowed);
  if (!embedOriginAllowed(p, req.headers.origin, req.headers.host))
    throw new ForbiddenError(
      `live: the embed token was not issued for Origin ${JSON.stringify(String(req.headers.origin).slice(0, 100))}`,
    );
}

/** Splits /live/<token>/<key> (query dropped); null when it is not a live path. */
function livePath(url: string): { token: string; key: string } | null {
  const path = url.split('?')[0]!;
  // /live/<key> or /live//<key>: the token is missing
  if (/^\/live\/\/?[^/]*$/.test(path))
    throw new AuthenticationError('live: a stream token is required (/live/<token>/<key>)');
  const m = /^\/live\/([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return null;
  if (!TOKEN.test(m[1]!) || !KEY.test(m[2]!)) throw new HttpError(404, 'no such live stream');
  return { token: m[1]!, key: m[2]! };
}

/** Answers a refused upgrade with its HTTP status on the raw socket, then tears it down. */
function refuse(socket: Duplex, err: unknown, log: (err: unknown) => void): void {
  const { problem, headers } = toProblem(err);
  if (problem.status >= 500) log(err);
  const body = JSON.stringify(problem);
  const lines = [
    `HTTP/1.1 ${problem.status} ${problem.title}`,
    'Connection: close',
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  if (!socket.writable) return void socket.destroy();
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}

/** A `ws` WebSocket as the viewer's transport. */
function adapt(ws: WebSocket): LiveSocket {
  // a protocol error of the client (oversized frame: 1009, bad framing: 1002) is closed by ws itself,
  // and reported here first; unhandled, it would throw in the gateway
  ws.on('error', () => undefined);
  return {
    send: (data) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary: typeof data !== 'string' });
    },
    bufferedAmount: () => ws.bufferedAmount,
    close: (code, reason) => {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close(code, reason);
      // a client that does not read never sees the close frame: the socket goes anyway
      const t = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
      t.unref();
      ws.once('close', () => clearTimeout(t));
    },
    onMessage: (fn) =>
      ws.on('message', (data: RawData, binary: boolean) =>
        fn(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer), binary),
      ),
    onClose: (fn) => ws.once('close', () => fn()),
  };
}

/**
 * The server's 'upgrade' listener: /live/<token>/<key> is checked (path, Origin, token, session, key
 * against the token, visibility, a running output) and only then upgraded; each refusal is an HTTP
 * answer on the raw socket. /socket.io/ is left to socket.io; any other path gets 404.
 */
export function liveUpgrade(
  streams: StreamService,
  viewers: LiveViewers,
  opts: LiveRouteOptions,
  log: (err: unknown) => void,
): { listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void; close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '';
    if (url.startsWith('/socket.io/')) return;
    opts.routing?.vouch.adopt(req);
    socket.on('error', () => socket.destroy());
    void (async () => {
      try {
        const where = livePath(url);
        if (!where) throw new HttpError(404, `no WebSocket at ${JSON.stringify(url.split('?')[0]!.slice(0, 80))}`);
        if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
          throw new HttpError(400, 'live: only WebSocket upgrades are served here');
        const to = forwardTarget(req, where.token, opts.routing);
        if (to) return forwardUpgrade(req, socket, head, to, opts.routing!);
        const grant = await streams.authorize(where.token, where.key, clientIp(req), 'ws');
        checkGrantOrigin(req, opts.allowedOrigins, grant.principal);
        const hub = await runningHub(streams, grant);
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => viewers.admit(grant, hub, adapt(ws)));
      } catch (err) {
        refuse(socket, err, log);
      }
    })();
  };
  return { listener, close: () => wss.close() };
}

/** The granted output's hub, started again when it stopped; 404 when the camera has no such output. */
async function runningHub(streams: StreamService, grant: StreamGrant): Promise<LiveHub> {
  await streams.ensureRunning(grant);
  const hub = streams.backend.hub(grant.key);
  if (!hub) throw new NotFoundError(`live: stream ${grant.key} is not running`);
  return hub;
}

/** GET /live/<token>/<key>/replay.mp4?seconds=N: one fragmented MP4 of the last whole GOPs held in memory. */
export function liveRouter(streams: StreamService, opts: LiveRouteOptions): Router {
  const r = express.Router();
  r.get('/:token/:key/replay.mp4', async (req, res) => {
    const { token, key } = req.params as { token: string; key: string };
    if (!TOKEN.test(token) || !KEY.test(key)) throw new HttpError(404, 'no such live stream');
    const raw = req.query.seconds;
    const seconds = raw === undefined ? REPLAY_DEFAULT_S : Number(raw);
    if (typeof raw === 'object' || !Number.isInteger(seconds) || seconds < 1 || seconds > REPLAY_MAX_S)
      throw new ValidationError(`replay: seconds must be an integer from 1 to ${REPLAY_MAX_S}`, [
        { path: 'query.seconds', message: `an integer from 1 to ${REPLAY_MAX_S}` },
      ]);
    const to = forwardTarget(req, token, opts.routing);
    if (to) return forwardRequest(req, res, to, opts.routing!);
    const grant = await streams.authorize(token, key, clientIp(req), 'replay');
    checkGrantOrigin(req, opts.allowedOrigins, grant.principal);
    const held = streams.backend.hub(grant.key)?.replay(seconds);
    if (!held || held.fragments.length === 0) throw new NotFoundError(`replay: no recent video of ${key} is held`);
    const first = held.fragments[0]!;
    const last = held.fragments[held.fragments.length - 1]!;
    res.set({
      'Content-Type': 'video/mp4',
      'Cache-Control': 'no-store',
      'X-Replay-Seconds': (last.startS + last.durationS - first.startS).toFixed(3),
    });
    res.send(Buffer.concat([held.init.data, ...held.fragments.map((f) => f.data)]));
  });
  return r;
}

/** Documents the live routes in the OpenAPI document (served outside /api/v1). */
export function documentLive(api: ApiRouter): void {
  const problem = {
    description: 'Problem details',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
  const path = ['token', 'key'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  api.document('get', '/live/{token}/{key}', 'view', {
    summary:
      'Low-latency live video over WebSocket (fMP4 for MSE); the path comes from POST /cameras/{id}/streams (field live). ' +
      'Server → client: text {"type":"init",mime,codecs,width,height,generation} then one binary init segment, then one ' +
      'binary message per fragment (moof+mdat), the first a keyframe; a new run repeats init. Text {"type":"state"} on ' +
      'stream state changes, {"type":"clock",serverTime,edgeReceivedAt,edgeS,generation} once a second. Client → server: ' +
      'only text {"type":"ping"} (answered {"type":"pong",serverTime}); anything else closes with 1008 (frames over ' +
      `${MAX_PAYLOAD} bytes: 1009). Close codes: 4403 access withdrawn (re-checked every second), 4408 too slow, ` +
      '4410 stream stopped, 1001 gateway stopping. Refusals before the upgrade are plain HTTP answers: 401 token or ' +
      'session, 403 Origin (absent, same host, or security.allowedOrigins) or camera/profile, 404 no such stream, 503.',
    tags: ['streams'],
    security: [],
    parameters: path,
    responses: { 101: { description: 'Switching Protocols (WebSocket)' }, default: problem },
  });
  api.document('get', '/live/{token}/{key}/replay.mp4', 'view', {
    summary:
      'Instant replay: one fragmented MP4 (init + whole GOPs) of the last `seconds` held in memory; 404 when nothing ' +
      'is held. Same checks as the WebSocket.',
    tags: ['streams'],
    security: [],
    parameters: [
      ...path,
      { name: 'seconds', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: REPLAY_MAX_S } },
    ],
    responses: { 200: { description: 'video/mp4 (fragmented)' }, default: problem },
  });
}
