// The route a request was served by, as a pattern ("/api/v1/cameras/:id"), never the raw URL: the label of HTTP metrics.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Set by the API router (its own table and express alike): the full route pattern. */
const routes = new WeakMap<ServerResponse, string>();
/** Set when a request enters a mounted router (/hls, /live, …): the mount path, joined with express's req.route. */
const mounts = new WeakMap<ServerResponse, string>();

/** Labels of requests no route answered: a file of the console, or nothing at all (404). */
export const STATIC_ROUTE = '(static)';
export const UNMATCHED_ROUTE = '(unmatched)';

export function markRoute(res: ServerResponse, pattern: string): void {
  routes.set(res, pattern);
}

export function markMount(res: ServerResponse, path: string): void {
  mounts.set(res, path === '/' ? '' : path);
}

/**
 * The route pattern that answered: the API router's, else the mount path joined with the route express matched
 * (`req.route.path`), else STATIC_ROUTE for an answer below 400 and UNMATCHED_ROUTE otherwise.
 */
export function routeOf(req: IncomingMessage, res: ServerResponse): string {
  const marked = routes.get(res);
  if (marked) return marked;
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${mounts.get(res) ?? ''}${route.path}`;
  return res.statusCode < 400 ? STATIC_ROUTE : UNMATCHED_ROUTE;
}
