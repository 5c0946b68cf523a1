// Maps every error to an RFC 9457 problem document; the one place statuses are decided. No stacks, no SQL.
import type { ErrorRequestHandler } from 'express';
import type { ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import { TranscoderGrabError } from '../../transcoder/index';
import { SnapshotError, SnapshotUnavailableError } from '../streams/snapshot-service';

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
import { AuthenticationError, ConflictError, ForbiddenError, NotFoundError, RateLimitError, UnavailableError, ValidationError, type FieldIssue } from '../errors';

export interface ProblemDoc {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldIssue[];
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
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), prefix);
}

/** Field issues listed in one problem at most: a hostile body can hold a million bad values. */
export const MAX_ISSUES = 50;

export function zodIssues(prefix: string, err: ZodError): FieldIssue[] {
  const out: FieldIssue[] = err.issues.slice(0, MAX_ISSUES).map((i) => {
    if (i.code === 'unrecognized_keys') return { path: zodPath(prefix, i.path), message: `unknown field(s): ${i.keys.join(', ')}` };
    return { path: zodPath(prefix, i.path), message: i.message };
  });
  if (err.issues.length > MAX_ISSUES) out.push({ path: prefix, message: `and ${err.issues.length - MAX_ISSUES} more issues` });
  return out;
}

interface PgLikeError {
  code?: string;
  constraint?: string;
}

/** Turns any thrown value into (status, problem, headers). Unknown errors become an opaque 500. */
export function toProblem(err: unknown): { problem: ProblemDoc; headers: Record<string, string> } {
  const make = (status: number, detail?: string, errors?: FieldIssue[]) => ({
    problem: { type: `https://cloudeye.dev/problems/${status}`, title: TITLES[status] ?? 'Error', status, ...(detail ? { detail } : {}), ...(errors?.length ? { errors } : {}) },
    headers: {} as Record<string, string>,
  });
  if (err instanceof HttpError) return make(err.status, err.message, err.issues);
  if (err instanceof ValidationError) return make(400, err.message, err.issues);
  if (err instanceof ZodError) return make(400, 'request failed validation', zodIssues('', err));
  // express's router decoding a path parameter such as "%E0%A4%A"
  if (err instanceof URIError) return make(400, 'malformed percent-encoding in the request path');
  if (err instanceof AuthenticationError) {
    const r = make(401, err.message);
    r.headers['WWW-Authenticate'] = 'Bearer realm="cloudeye"';
    return r;
  }
  if (err instanceof ForbiddenError) return make(403, err.message);
  if (err instanceof NotFoundError) return make(404, err.message);
  if (err instanceof ConflictError) return make(409, err.message);
  if (err instanceof RateLimitError || err instanceof UnavailableError) {
    const r = make(err instanceof RateLimitError ? 429 : 503, err.message);
    r.headers['Retry-After'] = String(Math.max(1, Math.ceil(err.retryAfterS)));
    return r;
  }
  // the camera gave no picture: 503 when it may come back (down, timeout, capacity), 502 when it gave a bad one
  if (err instanceof SnapshotUnavailableError || err instanceof TranscoderGrabError) {
    const r = make(503, err.message);
    r.headers['Retry-After'] = String(err instanceof SnapshotUnavailableError ? Math.max(1, Math.ceil(err.retryAfterS)) : 5);
    return r;
  }
  if (err instanceof SnapshotError) return make(502, err.message);
  const named = err as Error & { path?: string; retryAfterS?: number; type?: string; status?: number };
  // errors of the libraries (gis, transcoder, onvif) are matched by name: they cannot import ours
  if (named?.name === 'GisInputError') return make(400, named.message, named.path ? [{ path: named.path, message: named.message }] : undefined);
  if (named?.name === 'TranscoderCapacityError') {
    const r = make(503, named.message);
    r.headers['Retry-After'] = String(Math.max(1, Math.ceil(named.retryAfterS ?? 5)));
    return r;
  }
  if (named?.name === 'TranscoderInputError' || named?.name === 'OnvifUriError') return make(400, named.message);
  // body-parser errors
  if (named?.type === 'entity.parse.failed') return make(400, named.message === PROTO_KEY ? PROTO_KEY : 'malformed JSON body');
  if (named?.type === 'entity.too.large') return make(413, 'request body is too large');
  if (named?.type === 'encoding.unsupported' || named?.type === 'charset.unsupported') return make(415, named.message);
  // a body that does not inflate under its Content-Encoding (zlib's own error, passed through by body-parser)
  if (typeof (err as { errno?: unknown }).errno === 'number' && /^Z_/.test(String((err as { code?: unknown }).code))) return make(400, `the body does not decode as its Content-Encoding says (${(err as Error).message})`);
  const pg = err as PgLikeError;
  if (pg?.code === '23505') return make(409, `already exists (${pg.constraint ?? 'unique'})`);
  if (pg?.code === '23503') return make(409, `refers to a missing or still-referenced record (${pg.constraint ?? 'foreign key'})`);
  if (pg?.code === '23514') return make(400, `value violates a rule (${pg.constraint ?? 'check'})`);
  if (pg?.code === '22P02' || pg?.code === '22003') return make(400, 'a value has the wrong form or is out of range');
  // PostgreSQL text cannot hold NUL (U+0000): "invalid byte sequence" / "unsupported Unicode escape"
  if (pg?.code === '22021' || pg?.code === '22P05') return make(400, 'text must not contain NUL (U+0000) characters');
  return make(500, 'internal error');
}

export function sendProblem(res: ServerResponse, err: unknown, log?: (err: unknown) => void): void {
  const { problem, headers } = toProblem(err);
  if (problem.status >= 500 && log) log(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = problem.status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.end(JSON.stringify(problem));
}

export function errorHandler(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => sendProblem(res, err, log);
}
