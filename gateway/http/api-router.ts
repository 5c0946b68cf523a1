// Route registry: each route's zod schemas validate the request AND produce its OpenAPI operation.
// Every route is registered in express; JSON GET routes and raw-body POST routes (the signed webhook)
// are also answered straight from node's request (`dispatch`), ahead of express: express 5 re-prototypes req/res and walks its layer stack
// per request, which cost ~100 µs here, several times the spatial query itself.
import express, { type Request, type Response, type Router } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { z } from 'zod';
import { isPublic, isScreenOnly, rolesFor, type Action, type Principal } from '../auth/policy';
import { AuthenticationError, ForbiddenError, ValidationError } from '../errors';
import { HttpError, sendProblem, zodIssues } from './errors';
import { mediaTypeOf, readRawBody } from './raw-body';
import { markRoute } from './route-label';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<P, Q, B> {
  principal: Principal;
  /** The access token's login session; null for API keys and routes without authentication. */
  sessionId: string | null;
  params: P;
  query: Q;
  body: B;
  /** node's request and response; routes with a body or a `produces` type get express's (see expressOf). */
  req: IncomingMessage;
  res: ServerResponse;
  ip: string;
}

export interface RouteDef<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** OpenAPI-style path below /api/v1, e.g. "/cameras/{id}". */
  path: string;
  summary: string;
  tag: string;
  /**
   * The policy action the route takes: the router asks the policy (RouteGate.permits) before
   * anything else, with no principal first (public actions need no credentials), then with the
   * caller's. A route never names roles; per-camera and per-department answers come later, from
   * the policy through the services.
   */
  action: Action;
  params?: P;
  query?: Q;
  body?: B;
  /** Body media types; default application/json. */
  consumes?: string[];
  /** Response schema for 200/201 (documentation); `status` picks the code. */
  response?: z.ZodType;
  status?: number;
  /** Documented non-JSON response media type (e.g. text/csv); the handler writes the response itself. */
  produces?: string;
  /**
   * When the gate refuses an authenticated caller, hand the refusal to the router's `refused` sink
   * as this audit action and target type (target id: the `id` path parameter), outcome denied: for
   * routes whose refused calls belong in the audit log (who tried to see what). Default: not audited.
   */
  auditRefusal?: { action: string; targetType: string };
  /**
   * A POST route whose body is bytes (a Buffer, up to this many; 413 beyond), answered by `dispatch`
   * straight from node's request: no express layers, no body parsers. A request with a Content-Encoding
   * goes through express (whose parser inflates it), which must then read the body as bytes too.
   */
  rawBodyLimit?: number;
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown> | unknown;
}

export interface Authenticator {
  /** `res`: the answer, for headers that depend on the credential (an embed token's frame-ancestors). */
  authenticate(
    req: IncomingMessage,
    res?: ServerResponse,
  ): Promise<{ principal: Principal; sessionId: string | null } | null>;
}

/** A call the gate refused, for the audit log (see RouteDef.auditRefusal). */
export interface RefusedCall {
  principal: Principal;
  /** Audit action and target type named by the route. */
  action: string;
  targetType: string;
  /** The `id` path parameter as requested (not validated), at most 64 characters; null when absent. */
  targetId: string | null;
  ip: string;
  /** The refusal's message. */
  reason: string;
}

/** The policy's gate as the router uses it (auth/access.ts AccessControl provides it). */
export interface RouteGate {
  /** May `p` (null: no credentials) ask for `action` at all? */
  permits(p: Principal | null, action: Action): boolean;
}

/**
 * express's Request and Response of a route context. Routes that declare `body` or `produces` are
 * always served through express; on any other route this throws (a programming error).
 */
export function expressOf(ctx: { req: IncomingMessage; res: ServerResponse }): { req: Request; res: Response } {
  const req = ctx.req as Request,
    res = ctx.res as Response;
  if (typeof req.is !== 'function' || typeof res.type !== 'function')
    throw new Error('api-router: this route is not served through express (declare body or produces)');
  return { req, res };
}

import { clientIp } from './client-vouch';

export { clientIp };

/** A GET route in the dispatch table, in registration order; `run` null = served by express only. */
interface DispatchRoute {
  segments: Array<{ literal: string } | { param: string }>;
  /** The route's pattern below the API's mount ("/api/v1/cameras/:id"): the label of its HTTP metrics. */
  pattern: string;
  run:
    | ((
        req: IncomingMessage,
        res: ServerResponse,
        params: Record<string, string>,
        query: Record<string, unknown>,
      ) => Promise<void>)
    | null;
}

/** Route parameters when `parts` match `segments`; null when not; 'malformed' for bad percent-encoding. */
function matchSegments(
  segments: DispatchRoute['segments'],
  parts: string[],
): Record<string, string> | null | 'malformed' {
  let params: Record<string, string> | null = null;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!,
      part = parts[i]!;
    if ('literal' in seg) {
      if (seg.literal !== part) return null;
    } else {
      if (part === '') return null;
      try {
        (params ??= {})[seg.param] = decodeURIComponent(part);
      } catch {
        return 'malformed';
      }
    }
  }
  return params ?? {};
}

interface Operation {
  method: Method;
  path: string;
  /** The policy action the route asks for. */
  action: Action;
  spec: Record<string, unknown>;
}

const toExpressPath = (p: string): string => p.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
const jsonSchema = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

function parseWith<T extends z.ZodType>(schema: T | undefined, value: unknown, prefix: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`${prefix} failed validation`, zodIssues(prefix, r.error));
  return r.data;
}

export class ApiRouter {
  readonly router: Router = express.Router();
  readonly operations: Operation[] = [];
  /** GET routes by path segment count, in registration order (a fixed path registered first wins, as in express). */
  private readonly getRoutes = new Map<number, DispatchRoute[]>();
  /** POST routes with a raw body (RouteDef.rawBodyLimit), by path segment count. */
  private readonly postRoutes = new Map<number, DispatchRoute[]>();

  constructor(
    private readonly auth: Authenticator,
    private readonly gate: RouteGate,
    /** Where failures of the gateway itself go (5xx), with the response (its X-Request-Id). */
    private readonly log: (err: unknown, res?: ServerResponse) => void = () => {},
    /** Where refusals of routes with `auditRefusal` go (the audit log). */
    private readonly refused: (call: RefusedCall) => Promise<void> = async () => {},
  ) {}

  /**
   * Answers a JSON GET route of the registry from node's request, without express; returns false
   * (nothing written) for anything else: other methods, other paths, routes served by express, a
   * malformed path. Matching is exact and case-sensitive; express serves the same routes (and other
   * spellings of them) identically. The caller sets the common response headers first.
   */
  dispatch(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    if (!url.startsWith('/api/v1/')) return false;
    let table: Map<number, DispatchRoute[]>;
    if (req.method === 'GET') table = this.getRoutes;
    else if (req.method === 'POST' && this.postRoutes.size > 0) {
      const enc = req.headers['content-encoding'];
      if (enc !== undefined && enc.toLowerCase() !== 'identity') return false;
      table = this.postRoutes;
    } else return false;
    const q = url.indexOf('?');
    const parts = (q < 0 ? url.slice(7) : url.slice(7, q)).split('/');
    for (const route of table.get(parts.length) ?? []) {
      const params = matchSegments(route.segments, parts);
      if (params === null) continue;
      if (params === 'malformed' || route.run === null) return false;
      markRoute(res, route.pattern);
      // the same query object as express's "simple" query parser (node:querystring), copied as its router does
      route
        .run(req, res, params, q < 0 ? {} : { ...parseQueryString(url.slice(q + 1)) })
        .catch((err: unknown) => sendProblem(res, err, this.log));
      return true;
    }
    return false;
  }

  add<P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
    def: RouteDef<P, Q, B>,
  ): void {
    this.operations.push({ method: def.method, path: def.path, action: def.action, spec: this.operationSpec(def) });
    const consumes = def.consumes ?? ['application/json'];
    const run = async (
      req: IncomingMessage,
      res: ServerResponse,
      params: unknown,
      query: unknown,
      body: unknown,
    ): Promise<void> => {
      let principal: Principal | null = null,
        sessionId: string | null = null;
      if (!this.gate.permits(null, def.action)) {
        const who = await this.auth.authenticate(req, res);
        if (!who) throw new AuthenticationError('auth: credentials required (Bearer token or X-API-Key)');
        ({ principal, sessionId } = who);
        if (!this.gate.permits(principal, def.action)) {
          const err = new ForbiddenError(
            `auth: role ${principal.role} may not ${def.action} (${def.method.toUpperCase()} ${def.path})`,
          );
          if (def.auditRefusal) {
            const id = (params as { id?: unknown } | undefined)?.id;
            const targetId = typeof id === 'string' ? id.slice(0, 64) : null;
            await this.refused({ principal, ...def.auditRefusal, targetId, ip: clientIp(req), reason: err.message });
          }
          throw err;
        }
      }
      if (def.body) {
        const type = req.headers['content-type'] ?? '';
        const viaExpress = typeof (req as Partial<Request>).is === 'function';
        const media = mediaTypeOf(type);
        if (!consumes.some((c) => (viaExpress ? (req as Request).is(c) : media === c)))
          throw new HttpError(
            415,
            `content type must be ${consumes.join(' or ')}, got ${type ? JSON.stringify(type.slice(0, 80)) : 'none'}`,
          );
      }
      const ctx = {
        principal: principal as Principal,
        sessionId,
        params: parseWith(def.params, params, 'params'),
        query: parseWith(def.query, query, 'query'),
        body: parseWith(def.body, body, 'body'),
        req,
        res,
        ip: clientIp(req),
      };
      const out = await def.handler(ctx);
      if (res.headersSent) return;
      if (out === undefined) {
        res.statusCode = 204;
        res.end();
        return;
      }
      // a string body goes out in one write with the header block; node sets Content-Length
      res.statusCode = def.status ?? 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(out));
    };
    const pattern = `/api/v1${toExpressPath(def.path)}`;
    this.router[def.method](toExpressPath(def.path), (req: Request, res: Response) => {
      markRoute(res, pattern);
      return run(req, res, req.params, { ...(req.query as object) }, req.body);
    });
    if (def.method === 'post' && def.rawBodyLimit !== undefined) {
      const limit = def.rawBodyLimit;
      const segments = def.path.split('/').map((seg) => {
        const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
        return m ? { param: m[1]! } : { literal: seg };
      });
      const list = this.postRoutes.get(segments.length) ?? [];
      list.push({
        segments,
        pattern,
        run: async (req, res, params, query) => run(req, res, params, query, await readRawBody(req, limit)),
      });
      this.postRoutes.set(segments.length, list);
    }
    if (def.method === 'get') {
      const segments = def.path.split('/').map((seg) => {
        const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
        return m ? { param: m[1]! } : { literal: seg };
      });
      const direct = !def.body && !def.produces;
      const list = this.getRoutes.get(segments.length) ?? [];
      list.push({
        segments,
        pattern,
        run: direct ? (req, res, params, query) => run(req, res, params, query, undefined) : null,
      });
      this.getRoutes.set(segments.length, list);
    }
  }

  private operationSpec(def: RouteDef<z.ZodType, z.ZodType, z.ZodType>): Record<string, unknown> {
    const parameters: unknown[] = [];
    const addParams = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
      if (!schema) return;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: s,
        });
    };
    addParams(def.params, 'path');
    addParams(def.query, 'query');
    const ok = def.status ?? 200;
    const responses: Record<string, unknown> = {
      [ok]: def.response
        ? {
            description: 'OK',
            content: { [def.produces ?? 'application/json']: { schema: jsonSchema(def.response, 'output') } },
          }
        : {
            description: def.produces ? 'OK' : 'No content',
            ...(def.produces ? { content: { [def.produces]: {} } } : {}),
          },
      default: {
        description: 'Problem details',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    };
    return {
      summary: def.summary,
      tags: [def.tag],
      operationId: `${def.method}${def.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(isPublic(def.action)
        ? { security: [] }
        : isScreenOnly(def.action)
          ? { security: [{ screenToken: [] }] }
          : {}),
      'x-action': def.action,
      ...(isPublic(def.action) || isScreenOnly(def.action) ? {} : { 'x-roles': rolesFor(def.action) }),
      ...(parameters.length ? { parameters } : {}),
      ...(def.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                (def.consumes ?? ['application/json']).map((c) => [
                  c,
                  { schema: c.includes('json') ? jsonSchema(def.body!, 'input') : { type: 'string' } },
                ]),
              ),
            },
          }
        : {}),
      responses,
    };
  }

  /** Adds an operation served outside the registry (HLS files) so the document stays complete. */
  document(method: Method, path: string, action: Action, spec: Record<string, unknown>): void {
    this.operations.push({ method, path, action, spec: { ...spec, 'x-action': action } });
  }
}
