// Route registry: each route's zod schemas validate the request AND produce its OpenAPI operation.
// Every route is registered in express; JSON GET routes and raw-body POST routes (the signed webhook)
// are also answered straight from node's request (`dispatch`), ahead of express: express 5 re-prototypes req/res and walks its layer stack
// per request, which cost ~100 µs here, several times the spatial query itself.
import express, { type Request, type Response, type Router } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { z } from 'zod';
import type { Action, Principal } from '../auth/policy';
import { AuthenticationError, ForbiddenError, ValidationError } from '../errors';
import { clientIp } from './client-vouch';
import { HttpError, sendProblem, zodIssues } from './errors';
import { operationSpec, type Operation } from './operation-spec';
import { mediaTypeOf, readRawBody } from './raw-body';
import type { Authenticator, Method, RefusedCall, RouteDef, RouteGate } from './route-def';
import { addDispatchRoute, matchSegments, type DispatchRoute } from './route-dispatch';
import { markRoute } from './route-label';

export {
  expressOf,
  type Authenticator,
  type Method,
  type RefusedCall,
  type RouteContext,
  type RouteDef,
  type RouteGate,
} from './route-def';
export { clientIp };

const toExpressPath = (p: string): string => p.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

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
    this.operations.push({ method: def.method, path: def.path, action: def.action, spec: operationSpec(def) });
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
      addDispatchRoute(this.postRoutes, def.path, pattern, async (req, res, params, query) =>
        run(req, res, params, query, await readRawBody(req, limit)),
      );
    }
    if (def.method === 'get') {
      const direct = !def.body && !def.produces;
      addDispatchRoute(
        this.getRoutes,
        def.path,
        pattern,
        direct ? (req, res, params, query) => run(req, res, params, query, undefined) : null,
      );
    }
  }

  /** Adds an operation served outside the registry (HLS files) so the document stays complete. */
  document(method: Method, path: string, action: Action, spec: Record<string, unknown>): void {
    this.operations.push({ method, path, action, spec: { ...spec, 'x-action': action } });
  }
}
