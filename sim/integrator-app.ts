// A small integrator's web app on its own origin: its server keeps the API key and trades it for embed tokens, its pages
// embed Cloud Eye's map and player (web components, the ES module API, an iframe), with a Leaflet of their own.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface IntegratorOptions {
  /** The gateway's origin, e.g. http://127.0.0.1:8080. */
  gateway: string;
  /** The integrator's API key (kept on this server only). */
  apiKey: string;
  host?: string;
  port?: number;
  /** The directory of the page's own Leaflet (leaflet.js, leaflet.css); default the repository's (node_modules). */
  leafletDir?: string;
}

/** What /token asks the gateway for (query: label, ttl, tags, actions). */
async function issueToken(o: IntegratorOptions, q: URLSearchParams): Promise<{ status: number; body: string }> {
  const body: Record<string, unknown> = { label: q.get('label') ?? 'demo user', ttlS: Number(q.get('ttl') ?? 900) };
  if (q.get('tags')) body.cameraScope = { tags: q.get('tags')!.split(',') };
  if (q.get('actions')) body.actions = q.get('actions')!.split(',');
  if (q.get('origins')) body.origins = q.get('origins')!.split(',');
  const res = await fetch(`${o.gateway}/api/v1/embed/tokens`, {
    method: 'POST',
    headers: { 'x-api-key': o.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

const shell = (title: string, body: string): string => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/leaflet/leaflet.css">
<style>
  /* the host's own rules: none of them may reach inside the widgets */
  video { display: none !important; } .leaflet-container { background: rgb(255, 0, 255) !important; }
  .ce-status { color: rgb(0, 255, 0) !important; } body { font-family: serif; }
  cloudeye-map, cloudeye-player, cloudeye-wall, #map, #video { display: block; width: 640px; height: 360px; }
</style>
<script src="/leaflet/leaflet.js"></script>
<script>window.hostL = window.L;</script>
</head><body>${body}</body></html>
`;

/** Pages; each reads `?token=` (the test hands one in) or asks this server for one. */
function page(name: string, gateway: string): string | null {
  const boot = `const q = new URLSearchParams(location.search); window.hostErrors = []; window.hostEvents = [];
  const hostL = window.hostL; const hostMap = hostL.map('own-map').setView([29.03, 111.69], 12);
  const token = q.get('token') ?? (await (await fetch('/token?' + q)).json()).token;`;
  switch (name) {
    case '/elements':
      return shell(
        'elements',
        `<div id="own-map" style="height:120px"></div><div id="slot"></div>
<script src="${gateway}/sdk/cloudeye.js"></script>
<script type="module">${boot}
  window.sdkTookL = window.L !== hostL;
  const slot = document.getElementById('slot');
  slot.innerHTML = '<cloudeye-map id="map" player="player"></cloudeye-map><cloudeye-player id="player"></cloudeye-player>';
  for (const el of slot.children) {
    el.setAttribute('gateway', '${gateway}'); el.setAttribute('token', token);
    for (const ev of ['camera-click', 'stream-state', 'selection', 'alarm', 'error'])
      el.addEventListener(ev, (e) => (ev === 'error' ? window.hostErrors : window.hostEvents).push({ ev, detail: e.detail }));
  }
  if (q.get('camera')) document.getElementById('player').setAttribute('camera', q.get('camera'));
  window.hostMapAlive = hostMap.getZoom() === 12 && window.L === hostL;
</script>`,
      );
    case '/wall':
      return shell(
        'wall',
        `<div id="own-map" style="height:60px"></div><div id="slot"></div>
<script src="${gateway}/sdk/cloudeye.js"></script>
<script type="module">${boot}
  const slot = document.getElementById('slot');
  slot.innerHTML = '<cloudeye-map id="map" player="wall"></cloudeye-map><cloudeye-wall id="wall"></cloudeye-wall>';
  const wall = document.getElementById('wall');
  wall.setAttribute('layout', q.get('layout') ?? '4');
  if (q.get('cameras')) wall.setAttribute('cameras', q.get('cameras'));
  for (const el of slot.children) {
    el.setAttribute('gateway', '${gateway}'); el.setAttribute('token', token);
    for (const ev of ['camera-click', 'stream-state', 'selection', 'alarm', 'error'])
      el.addEventListener(ev, (e) => (ev === 'error' ? window.hostErrors : window.hostEvents).push({ ev, detail: e.detail }));
  }
</script>`,
      );
    case '/module':
      return shell(
        'module',
        `<div id="own-map" style="height:120px"></div><div id="map"></div><div id="video"></div>
<script type="module">${boot}
  const { connect } = await import('${gateway}/sdk/cloudeye.mjs');
  const ce = await connect({ gateway: '${gateway}', token, onError: (e) => window.hostErrors.push({ reason: e.reason }) });
  const player = ce.player(document.getElementById('video'));
  window.ce = ce; window.ceMap = ce.map(document.getElementById('map'), { player }); window.cePlayer = player;
  ce.on('stream-state', (s) => window.hostEvents.push(s));
</script>`,
      );
    case '/cycles':
      return shell(
        'cycles',
        `<div id="own-map" style="height:60px"></div><div id="slot"></div>
<script src="${gateway}/sdk/cloudeye.js"></script>
<script type="module">${boot}
  /** Mounts a player of camera, waits for its state (or a time), removes it; n times. */
  window.cycle = async (camera, n, waitPlaying) => {
    const slot = document.getElementById('slot');
    for (let i = 0; i < n; i++) {
      // a map (its realtime socket) and a player (its stream), mounted and removed together
      const map = document.createElement('cloudeye-map');
      const el = document.createElement('cloudeye-player');
      for (const w of [map, el]) { w.setAttribute('gateway', '${gateway}'); w.setAttribute('token', token); }
      el.setAttribute('camera', camera);
      const playing = new Promise((r) => el.addEventListener('stream-state', (e) => e.detail.state === 'playing' && r()));
      slot.append(map, el);
      const wait = waitPlaying(i) ? Promise.race([playing, new Promise((r) => setTimeout(r, 15000))]) : new Promise((r) => setTimeout(r, 30));
      await wait;
      map.remove();
      el.remove();
    }
  };
  window.ready = true;
</script>`,
      );
    case '/iframe':
      return shell(
        'iframe',
        `<div id="own-map" style="height:60px"></div>
<script type="module">${boot}
  window.frameMessages = [];
  addEventListener('message', (e) => e.origin === '${gateway}' && window.frameMessages.push(e.data));
  const f = document.createElement('iframe');
  f.style.cssText = 'width:640px;height:360px;border:0';
  f.src = '${gateway}/embed/' + (q.get('camera') ? 'player/' + q.get('camera') : 'map') + '?token=' + token;
  document.body.append(f); window.frame = f;
  window.call = (method, ...args) => f.contentWindow.postMessage({ target: 'cloudeye', method, args, id: Date.now() }, '${gateway}');
</script>`,
      );
    default:
      return null;
  }
}

export interface IntegratorApp {
  origin: string;
  close(): Promise<void>;
}

/** Starts the app (default 127.0.0.1, any port); its origin is what its pages run on. */
export async function startIntegratorApp(o: IntegratorOptions): Promise<IntegratorApp> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    void (async () => {
      if (url.pathname === '/token') {
        const r = await issueToken(o, url.searchParams);
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
      } else if (url.pathname === '/leaflet/leaflet.js' || url.pathname === '/leaflet/leaflet.css') {
        const dir = o.leafletDir ?? path.join(ROOT, 'node_modules', 'leaflet', 'dist');
        const file = path.join(dir, path.basename(url.pathname));
        const type = file.endsWith('.js') ? 'text/javascript' : 'text/css';
        res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
      } else if (url.pathname === '/player') {
        // the plainest integration: the server asks for a token and writes it into the element (no script of its own;
        // the player-only bundle, as a page with video and no map loads it)
        const r = await issueToken(o, url.searchParams);
        if (r.status !== 201) return void res.writeHead(502, { 'content-type': 'application/json' }).end(r.body);
        const token = (JSON.parse(r.body) as { token: string }).token;
        const camera = (url.searchParams.get('camera') ?? '').replace(/[^0-9]/g, '');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>player</title><script src="${o.gateway}/sdk/cloudeye-player.js"></script></head>
<body><cloudeye-player gateway="${o.gateway}" token="${token}" camera="${camera}" style="width:640px;height:360px">
</cloudeye-player></body></html>`);
      } else {
        const html = page(url.pathname, o.gateway);
        if (html) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        else res.writeHead(404).end('no such page');
      }
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${o.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
