// What a route of the API registry declares (schemas, policy action, handler) and what the router is given to run it.
import type { Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Action, Principal } from '../auth/policy';

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
