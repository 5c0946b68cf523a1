// The express application: body parsing, /api/v1 routes, OpenAPI document and docs, the console, errors.
import express, { type Express, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import type { RequestListener, ServerResponse } from 'node:http';
import type { ApiRouter } from './api-router';
import { errorHandler, HttpError, refuseProtoKey, sendProblem } from './errors';
import { assignRequestId } from '../logging/request-id';
import { markMount, routeOf } from './route-label';
import type { ClientVouch } from './client-vouch';

/** What is told of every answered request (HTTP metrics, the request log). */
export interface RequestObserver {
  /**
   * A request ended (its answer sent, or its connection closed first): `route` is the pattern that served it
   * (route-label.ts), `status` the answer's code, `seconds` from the request's arrival to then.
   */
  finished(r: { method: string; route: string; status: number; seconds: number; requestId: string }): void;
}
import { answerEmbedCors } from './embed-cors';

export interface AppOptions {
  api: ApiRouter;
  /** Extra routers mounted before the API (HLS delivery). */
  mounts?: Array<{ path: string; router: express.Router }>;
  bodyLimitBytes: number;
  importLimitBytes: number;
  /** Built console (web/dist); served at / when present. */
  webDir?: string;
  corsOrigins?: string[];
  /** Where failures of the gateway itself go (5xx), with the response (its X-Request-Id). */
  log: (err: unknown, res?: ServerResponse) => void;
}

const SECURITY_HEADERS: ReadonlyArray<[string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['Referrer-Policy', 'no-referrer'],
];

function setSecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of SECURITY_HEADERS) res.setHeader(k, v);
}

/**
 * The server's request listener: the security headers and the request id (X-Request-Id) on every answer, then
 * JSON GET routes and raw-body POST routes of the API straight from the route table (ApiRouter.dispatch),
 * everything else through express. Cross-origin requests go through express, whose CORS middleware answers them;
 * those from an origin an API key allows for its embed tokens get their CORS headers (and preflight answer) first
 * (embed-cors.ts). `observer` hears of every request when it ends; `vouch` (cluster) reads the client of a request
 * another node forwarded.
 */
export function createRequestListener(
  app: Express,
  api: ApiRouter,
  corsOrigins: readonly string[] = [],
  observer?: RequestObserver,
  embedOrigins: () => ReadonlySet<string> = () => new Set(),
  vouch?: ClientVouch,
): RequestListener {
  const cors = corsOrigins.length > 0;
  return (req, res) => {
    // cluster: a request another node forwarded carries its client's address, vouched for
    vouch?.adopt(req);
    setSecurityHeaders(res);
    const requestId = assignRequestId(req, res);
    if (observer) {
      const t0 = performance.now();
      res.once('close', () =>
        observer.finished({
          method: req.method ?? 'GET',
          route: routeOf(req, res),
          status: res.statusCode,
          seconds: (performance.now() - t0) / 1000,
          requestId,
        }),
      );
    }
    if (answerEmbedCors(req, res, embedOrigins())) return;
    if (!(cors && req.headers.origin) && api.dispatch(req, res)) return;
    void app(req, res);
  };
}

export function createApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (opts.corsOrigins?.length) {
    const allowed = new Set(opts.corsOrigins);
    app.use((req, res, next) => {
      const origin = req.headers.origin;
      if (origin && allowed.has(origin))
        res.set({
          'Access-Control-Allow-Origin': origin,
          Vary: 'Origin',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-API-Key',
          'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE',
        });
      if (req.method === 'OPTIONS') res.status(204).end();
      else next();
    });
  }
  for (const m of opts.mounts ?? [])
    app.use(
      m.path,
      (_req, res, next) => {
        markMount(res, m.path);
        next();
      },
      m.router,
    );
  app.use(
    '/api/v1',
    express.text({ type: ['text/csv', 'application/geo+json'], limit: opts.importLimitBytes }),
    express.json({ limit: opts.bodyLimitBytes, strict: true, reviver: refuseProtoKey }),
    opts.api.router,
  );
  app.use('/api', (req, _res, next) =>
    next(new HttpError(404, `no route ${req.method} ${req.originalUrl.split('?')[0]}`)),
  );
  if (opts.webDir && existsSync(opts.webDir)) {
    // revalidated on every load (ETag/Last-Modified): bundle names carry no hash, and an upgraded
    // gateway must not meet an hour-old app.js in the browser
    app.use(express.static(opts.webDir, { index: 'index.html', maxAge: 0 }));
    // the wall screen page, /screen/<id>, is index.html too: its relative asset URLs resolve below /screen/
    app.use('/screen', express.static(opts.webDir, { index: false, maxAge: 0 }));
    app.get(/^\/(?!api\/|hls\/|live\/|playback\/|exports\/).*/, (_req, res) =>
      res.set('Cache-Control', 'no-cache').sendFile('index.html', { root: opts.webDir! }),
    );
  }
  app.use((req: Request, res: Response) => sendProblem(res, new HttpError(404, `no route ${req.method} ${req.path}`)));
  app.use(errorHandler(opts.log));
  return app;
}
