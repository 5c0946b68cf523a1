// Route registry: each route's zod schemas validate the request AND produce its OpenAPI operation.
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Principal, Role } from '../auth/policy';
import { AuthenticationError, ForbiddenError, ValidationError } from '../errors';
import { HttpError, zodIssues } from './errors';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<P, Q, B> {
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
  ip: string;
}

export interface RouteDef<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** OpenAPI-style path below /api/v1, e.g. "/cameras/{id}". */
  path: string;
  summary: string;
  tag: string;
  /** false = no authentication (login, docs). Default: any authenticated principal. */
  auth?: false;
  /** Roles allowed; default all. */
  roles?: Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** Body media types; default application/json. */
  consumes?: string[];
  /** Response schema for 200/201 (documentation); `status` picks the code. */
  response?: z.ZodType;
  status?: number;
  /** Documented non-JSON response media type (e.g. text/csv). */
  produces?: string;
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown> | unknown;
}

export interface Authenticator {
  authenticate(req: Request): Promise<Principal | null>;
}

interface Operation {
  method: Method;
  path: string;
  spec: Record<string, unknown>;
}

const toExpressPath = (p: string): string => p.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
const jsonSchema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

function parseWith<T extends z.ZodType>(schema: T | undefined, value: unknown, prefix: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`${prefix} failed validation`, zodIssues(prefix, r.error));
  return r.data;
}

export class ApiRouter {
  readonly router: Router = express.Router();
  readonly operations: Operation[] = [];

  constructor(private readonly auth: Authenticator) {}

  add<P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(def: RouteDef<P, Q, B>): void {
    this.operations.push({ method: def.method, path: def.path, spec: this.operationSpec(def) });
    const consumes = def.consumes ?? ['application/json'];
    this.router[def.method](toExpressPath(def.path), async (req: Request, res: Response) => {
      let principal: Principal | null = null;
      if (def.auth !== false) {
        principal = await this.auth.authenticate(req);
        if (!principal) throw new AuthenticationError('auth: credentials required (Bearer token or X-API-Key)');
        if (def.roles && !def.roles.includes(principal.role)) throw new ForbiddenError(`auth: role ${principal.role} may not ${def.method.toUpperCase()} ${def.path}`);
      }
      if (def.body) {
        const type = req.headers['content-type'] ?? '';
        if (!consumes.some((c) => req.is(c))) throw new HttpError(415, `content type must be ${consumes.join(' or ')}, got ${type ? JSON.stringify(type.slice(0, 80)) : 'none'}`);
      }
      const ctx = {
        principal: principal as Principal,
        params: parseWith(def.params, req.params, 'params'),
        query: parseWith(def.query, { ...(req.query as object) }, 'query'),
        body: parseWith(def.body, req.body, 'body'),
        req,
        res,
        ip: req.ip ?? '',
      };
      const out = await def.handler(ctx);
      if (res.headersSent) return;
      if (out === undefined) res.status(204).end();
      else res.status(def.status ?? 200).json(out);
    });
  }

  private operationSpec(def: RouteDef<z.ZodType, z.ZodType, z.ZodType>): Record<string, unknown> {
    const parameters: unknown[] = [];
    const addParams = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
      if (!schema) return;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {}))
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
    };
    addParams(def.params, 'path');
    addParams(def.query, 'query');
    const ok = def.status ?? 200;
    const responses: Record<string, unknown> = {
      [ok]: def.response
        ? { description: 'OK', content: { [def.produces ?? 'application/json']: { schema: jsonSchema(def.response, 'output') } } }
        : { description: def.produces ? 'OK' : 'No content', ...(def.produces ? { content: { [def.produces]: {} } } : {}) },
      default: { description: 'Problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    };
    return {
      summary: def.summary,
      tags: [def.tag],
      operationId: `${def.method}${def.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(def.auth === false ? { security: [] } : {}),
      ...(def.roles ? { 'x-roles': def.roles } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(def.body
        ? { requestBody: { required: true, content: Object.fromEntries((def.consumes ?? ['application/json']).map((c) => [c, { schema: c.includes('json') ? jsonSchema(def.body!, 'input') : { type: 'string' } }])) } }
        : {}),
      responses,
    };
  }

  /** Adds an operation served outside the registry (HLS files) so the document stays complete. */
  document(method: Method, path: string, spec: Record<string, unknown>): void {
    this.operations.push({ method, path, spec });
  }
}
