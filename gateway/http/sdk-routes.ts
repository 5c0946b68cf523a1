// The web SDK at /sdk/ (bundles, types, documentation page) and the iframe pages /embed/map and /embed/player/<camera>,
// which only the embed token's own origins may frame.
import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { frameAncestors } from '../auth/guards';
import { HttpError } from './errors';

/** What the embed pages need to know of a token: which origins may frame them (auth/embed-tokens.ts answers). */
export interface EmbedFraming {
  framingOrigins(token: string): Promise<string[]>;
}

const CAMERA = /^\d{1,19}$/;
const TOKEN = /^[A-Za-z0-9_-]{1,200}$/;

/** The iframe page: one script, the origins it may talk to in a meta element (checked again by the token). */
function page(kind: 'map' | 'player', origins: readonly string[]): string {
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="cloudeye-origins" content="${esc(origins.join(' '))}"><title>云眼 ${kind === 'map' ? '地图' : '视频'}</title>
<style>html,body{margin:0;height:100%;overflow:hidden;background:#111}</style></head>
<body data-embed="${kind}"><script type="module" src="/sdk/embed-page.mjs"></script></body></html>
`;
}

export function sdkRouter(dir: string, embeds: EmbedFraming): Router {
  const r = express.Router();
  if (existsSync(dir))
    r.use(
      '/sdk',
      express.static(dir, {
        index: 'index.html',
        maxAge: 0,
        // host pages on other origins load these (module scripts are CORS requests; see http/embed-cors.ts)
        setHeaders: (res) => res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin'),
      }),
    );
  const serve = (kind: 'map' | 'player') => async (req: express.Request, res: express.Response) => {
    const token = typeof req.query.token === 'string' && TOKEN.test(req.query.token) ? req.query.token : '';
    const origins = token ? await embeds.framingOrigins(token) : [];
    res.removeHeader('X-Frame-Options');
    res.set({
      'Content-Security-Policy': frameAncestors(origins),
      'Cache-Control': 'no-store',
      'Content-Type': 'text/html; charset=utf-8',
    });
    res.send(page(kind, origins));
  };
  r.get('/embed/map', serve('map'));
  r.get('/embed/player/:camera', async (req, res) => {
    if (!CAMERA.test(req.params.camera))
      throw new HttpError(404, 'embed: no such camera page (/embed/player/<camera id>)');
    await serve('player')(req, res);
  });
  return r;
}
