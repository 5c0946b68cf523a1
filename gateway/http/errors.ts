// Maps every error to an RFC 9457 problem document; the one place statuses are decided. No stacks, no SQL.
import type { ErrorRequestHandler } from 'express';
import type { ServerResponse } from 'node:http';
import { ZodError } from 'zod';

/**
 * A JSON body may not have a "__proto__" key, at any depth: JSON.parse keeps it as an own key, but
 * every later copy (zod, spreads) turns it into a prototype, or silently drops it. Refused instead.
 */
export const PROTO_KEY = 'a JSON body may not have a "__proto__" key';

/** JSON.parse reviver of request bodies: throws on a "__proto__" key (see PROTO_KEY). */
export function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new SyntaxError(PROTO_KEY);
  return value;
}
import { GisInputError } from '../../gis/errors';
import { WebhookAuthError } from '../events/errors';
import { AlarmStateError } from '../alarms/errors';
import {
  Fmp4Error,
  RtspError,
  TranscoderCapacityError,
  TranscoderGrabError,
  TranscoderInputError,
  TranscoderStartError,
  TranscoderStateError,
} from '../../transcoder/errors';
import { TokenError } from '../auth/tokens';
import { EmbedTokenError } from '../auth/embed-tokens';
import { CsvError } from '../cameras/csv';
import { ClusterWorkerLostError } from '../spatial/map-clusters';
import {
  AddressPolicyError,
  AuthenticationError,
  ConflictError,
  DeviceError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  UnavailableError,
  ValidationError,
  type FieldIssue,
} from '../errors';
import { OnvifError, OnvifHttpError, OnvifTargetError, OnvifTimeoutError, OnvifUriError } from '../onvif/errors';
import { SnapshotError, SnapshotUnavailableError } from '../streams/snapshot-service';
import { PtzControlError } from '../ptz/errors';
import { GbDeviceError, GbError, PtzCmdError, SipTimeoutError } from '../gb28181/errors';
import { ChannelRefused } from '../gb-platform/channel-camera';
import { CascadeRefused, CascadeRemoteError, CascadeUnavailable } from '../cascade/errors';

export interface ProblemDoc {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldIssue[];
  /** 409 of PTZ control: who holds the camera and when its control lapses. */
  holder?: { name: string; priority: number };
  until?: string;
  /** 401/403 of an embed token: why (malformed, unknown, expired, revoked, origin), for the widget to show. */
  reason?: string;
}

/** Raised by the HTTP layer itself (content type, body size, unknown route). */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Formats a zod path as "body.items[2].name". */
export function zodPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    prefix,
  );
}

/** Field issues listed in one problem at most: a hostile body can hold a million bad values. */
export const MAX_ISSUES = 50;

export function zodIssues(prefix: string, err: ZodError): FieldIssue[] {
  const out: FieldIssue[] = err.issues.slice(0, MAX_ISSUES).map((i) => {
    if (i.code === 'unrecognized_keys')
      return { path: zodPath(prefix, i.path), message: `unknown field(s): ${i.keys.join(', ')}` };
    return { path: zodPath(prefix, i.path), message: i.message };
  });
  if (err.issues.length > MAX_ISSUES)
    out.push({ path: prefix, message: `and ${err.issues.length - MAX_ISSUES} more issues` });
  return out;
}

interface PgLikeError {
  code?: string;
  constraint?: string;
}

/** Retry-After of a 503 whose error does not say when (seconds). */
const DEFAULT_RETRY_AFTER_S = 5;
/** Retry-After of a device that did not answer (seconds). */
const DEVICE_RETRY_AFTER_S = 10;

/**
 * Turns any thrown value into (status, problem, headers): the one place statuses are decided, by
 * error class (the table test in test/unit/error-mapping.test.ts lists every class the code throws).
 * Unknown errors become an opaque 500.
 */
export function toProblem(err: unknown): { problem: ProblemDoc; headers: Record<string, string> } {
  const make = (status: number, detail?: string, errors?: FieldIssue[]) => ({
    problem: {
      type: `https://cloudeye.dev/problems/${status}`,
      title: TITLES[status] ?? 'Error',
      status,
      ...(detail ? { detail } : {}),
      ...(errors?.length ? { errors } : {}),
    },
    headers: {} as Record<string, string>,
  });
  const retryLater = (status: number, detail: string, retryAfterS: number | null) => {
    const r = make(status, detail);
    r.headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterS ?? DEFAULT_RETRY_AFTER_S)));
    return r;
  };
  // the HTTP layer's own, and request validation
  if (err instanceof HttpError) return make(err.status, err.message, err.issues);
  if (err instanceof ValidationError) return make(400, err.message, err.issues);
  if (err instanceof ZodError) return make(400, 'request failed validation', zodIssues('', err));
  // express's router decoding a path parameter such as "%E0%A4%A"
  if (err instanceof URIError) return make(400, 'malformed percent-encoding in the request path');
  // the gateway's domain errors
  if (err instanceof EmbedTokenError) {
    const r = make(err.reason === 'origin' ? 403 : 401, err.message);
    if (r.problem.status === 401) r.headers['WWW-Authenticate'] = 'Bearer realm="cloudeye"';
    return { ...r, problem: { ...r.problem, reason: err.reason } };
  }
  if (err instanceof AuthenticationError || err instanceof TokenError) {
    const r = make(401, err.message);
    r.headers['WWW-Authenticate'] = 'Bearer realm="cloudeye"';
    return r;
  }
  // a webhook proves itself by its signature, not by a bearer token: no WWW-Authenticate challenge
  if (err instanceof WebhookAuthError) return make(401, err.message);
  if (err instanceof ForbiddenError || err instanceof AddressPolicyError) return make(403, err.message);
  if (err instanceof NotFoundError) return make(404, err.message);
  // who holds the camera and until when, as fields the console shows
  if (err instanceof PtzControlError) {
    const r = make(409, err.message);
    return { ...r, problem: { ...r.problem, holder: err.holder, until: err.until } };
  }
  if (err instanceof ConflictError) return make(409, err.message);
  if (err instanceof AlarmStateError) return make(409, err.message);
  if (err instanceof RateLimitError) return retryLater(429, err.message, err.retryAfterS);
  if (err instanceof UnavailableError) return retryLater(503, err.message, err.retryAfterS);
  if (err instanceof CsvError) return make(400, err.message, [{ path: `line ${err.line}`, message: err.message }]);
  if (err instanceof ClusterWorkerLostError)
    return retryLater(503, 'map clusters are being rebuilt after a worker restart', 1);
  // the camera gave no picture: 503 when it may come back (down, timeout, grab limit), 502 when what it gave or holds is unusable
  if (err instanceof SnapshotUnavailableError) return retryLater(503, err.message, err.retryAfterS);
  if (err instanceof SnapshotError) return make(502, err.message);
  // a device that did not answer may later; one that answered badly is a bad gateway
  if (err instanceof DeviceError)
    return err.answered ? make(502, err.message) : retryLater(503, err.message, DEVICE_RETRY_AFTER_S);
  // the libraries' errors (gis, transcoder, onvif): they know nothing of HTTP
  if (err instanceof GisInputError) return make(400, err.message, [{ path: err.path, message: err.message }]);
  if (err instanceof TranscoderInputError) return make(400, err.message);
  if (err instanceof TranscoderCapacityError) return retryLater(503, err.message, err.retryAfterS);
  if (err instanceof TranscoderStartError)
    return retryLater(503, `stream ${err.key} did not deliver video: ${err.message}`, err.retryAfterS);
  if (err instanceof TranscoderStateError) return retryLater(503, err.message, null);
  if (err instanceof TranscoderGrabError) return retryLater(503, err.message, 5);
  // the camera's stream through ffmpeg was not readable fMP4: what the upstream gave is unusable
  if (err instanceof Fmp4Error) return make(502, err.message);
  // the camera's RTSP answers or RTP payload were refused by the native pull: a bad upstream too
  if (err instanceof RtspError) return make(502, err.message);
  if (err instanceof OnvifUriError || err instanceof OnvifTargetError) return make(400, err.message);
  // a device that does not answer (timeout, refused connection) may later; one that answers badly
  // (refused credentials, a fault, bad or oversized XML, an HTTP error status) is a bad gateway
  if (err instanceof OnvifTimeoutError || (err instanceof OnvifHttpError && err.status === undefined))
    return retryLater(503, err.message, DEVICE_RETRY_AFTER_S);
  if (err instanceof OnvifError) return make(502, err.message);
  // GB/T 28181: a value that makes no PTZCmd is the caller's; a device not registered (or its connection
  // gone) or silent may answer later; one that answered badly (status, malformed SIP/MANSCDP/PS) or a
  // catalog entry refused is a bad upstream
  if (err instanceof PtzCmdError) return make(400, err.message);
  if (err instanceof GbDeviceError || err instanceof SipTimeoutError)
    return retryLater(503, err.message, DEVICE_RETRY_AFTER_S);
  if (err instanceof GbError || err instanceof ChannelRefused) return make(502, err.message);
  // cascade: a lower platform not linked (or silent) may answer later; its refusals keep their status
  if (err instanceof CascadeUnavailable) return retryLater(503, err.message, DEVICE_RETRY_AFTER_S);
  if (err instanceof CascadeRemoteError)
    return err.status >= 400 && err.status < 600 ? make(err.status, err.message) : make(502, err.message);
  if (err instanceof CascadeRefused) return make(502, err.message);
  // body-parser errors (http-errors objects, told apart by their type)
  const named = err as { type?: unknown; message?: unknown };
  if (named?.type === 'entity.parse.failed')
    return make(400, named.message === PROTO_KEY ? PROTO_KEY : 'malformed JSON body');
  if (named?.type === 'entity.too.large') return make(413, 'request body is too large');
  if (named?.type === 'encoding.unsupported' || named?.type === 'charset.unsupported')
    return make(415, String(named.message));
  // a body that does not inflate under its Content-Encoding (zlib's own error, passed through by body-parser)
  if (typeof (err as { errno?: unknown }).errno === 'number' && /^Z_/.test(String((err as { code?: unknown }).code)))
    return make(400, `the body does not decode as its Content-Encoding says (${(err as Error).message})`);
  // PostgreSQL errors, told apart by SQLSTATE
  const pg = err as PgLikeError;
  if (pg?.code === '23505') return make(409, `already exists (${pg.constraint ?? 'unique'})`);
  if (pg?.code === '23503')
    return make(409, `refers to a missing or still-referenced record (${pg.constraint ?? 'foreign key'})`);
  if (pg?.code === '23514') return make(400, `value violates a rule (${pg.constraint ?? 'check'})`);
  if (pg?.code === '22P02' || pg?.code === '22003') return make(400, 'a value has the wrong form or is out of range');
  // PostgreSQL text cannot hold NUL (U+0000): "invalid byte sequence" / "unsupported Unicode escape"
  if (pg?.code === '22021' || pg?.code === '22P05') return make(400, 'text must not contain NUL (U+0000) characters');
  return make(500, 'internal error');
}

/**
 * How a failed request is logged: 'error' with the stack for a fault of the gateway itself (500),
 * 'warn' with the message only for a failure of the outside world (a device that answered badly,
 * a full node: 502/503), nothing for the caller's own mistakes (4xx).
 */
export function logLevelOf(err: unknown): 'error' | 'warn' | null {
  const status = toProblem(err).problem.status;
  return status === 500 ? 'error' : status >= 500 ? 'warn' : null;
}

export function sendProblem(
  res: ServerResponse,
  err: unknown,
  log?: (err: unknown, res?: ServerResponse) => void,
): void {
  const { problem, headers } = toProblem(err);
  if (problem.status >= 500 && log) log(err, res);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = problem.status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.end(JSON.stringify(problem));
}

export function errorHandler(log: (err: unknown, res?: ServerResponse) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => sendProblem(res, err, log);
}
