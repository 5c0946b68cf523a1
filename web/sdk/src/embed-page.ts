// The iframe pages /embed/map and /embed/player/<camera>: one element filling the frame, driven by postMessage from the
// host page (only from the token's origins, which the gateway wrote into the page), events posted back to them.
import { defineElements, type CloudEyeMapElement, type CloudEyePlayerElement } from './elements';
import type { EventName } from './connection';

const EVENTS: EventName[] = ['camera-click', 'stream-state', 'alarm', 'selection', 'error'];
const METHODS = ['flyTo', 'filter', 'searchAround', 'select', 'play', 'playAt', 'stop'] as const;
type Method = (typeof METHODS)[number];

/** A host page's call: { target: 'cloudeye', method, args, id } (id: echoed in the result). */
interface Call {
  target: 'cloudeye';
  method: Method;
  args?: unknown[];
  id?: number | string;
}

function isCall(d: unknown): d is Call {
  const c = d as Partial<Call> | null;
  return (
    !!c &&
    c.target === 'cloudeye' &&
    METHODS.includes(c.method as Method) &&
    (c.args === undefined || Array.isArray(c.args))
  );
}

function start(): void {
  defineElements();
  const origins = (document.querySelector('meta[name="cloudeye-origins"]')?.getAttribute('content') ?? '')
    .split(' ')
    .filter(Boolean);
  const q = new URLSearchParams(location.search);
  const token = q.get('token') ?? '';
  const m = /^\/embed\/player\/([^/]+)$/.exec(location.pathname);
  const el = document.createElement(m ? 'cloudeye-player' : 'cloudeye-map') as
    CloudEyeMapElement | CloudEyePlayerElement;
  el.setAttribute('gateway', location.origin);
  el.setAttribute('token', token);
  if (m) el.setAttribute('camera', decodeURIComponent(m[1]!));
  el.style.cssText = 'position:absolute;inset:0';
  // a map frame can also hold a player: ?player=1 puts one beside the map, playing the clicked camera
  let player: CloudEyePlayerElement | null = null;
  if (!m && q.get('player') === '1') {
    player = document.createElement('cloudeye-player') as CloudEyePlayerElement;
    player.id = 'player';
    player.setAttribute('gateway', location.origin);
    player.setAttribute('token', token);
    player.style.cssText = 'position:absolute;right:0;bottom:0;width:40%;height:40%;z-index:1000';
    el.setAttribute('player', 'player');
  }
  const post = (event: string, detail: unknown): void => {
    if (window.parent === window) return;
    const data = {
      source: 'cloudeye',
      event,
      detail:
        detail instanceof Error ? { message: detail.message, reason: (detail as { reason?: string }).reason } : detail,
    };
    // only to the origins the token was issued for: a frame elsewhere hears nothing
    for (const o of origins) window.parent.postMessage(data, o);
  };
  for (const name of EVENTS) el.addEventListener(name, (e) => post(name, (e as CustomEvent).detail));
  if (player)
    for (const name of ['stream-state', 'error'])
      player.addEventListener(name, (e) => post(name, (e as CustomEvent).detail));
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (!origins.includes(e.origin) || !isCall(e.data)) return;
    const { method, args = [], id } = e.data;
    const target = (['play', 'playAt', 'stop'].includes(method) && player ? player : el) as unknown as Record<
      string,
      unknown
    >;
    const fn = target[method];
    if (typeof fn !== 'function') return post('result', { id, error: `no method ${method} here` });
    Promise.resolve((fn as (...a: unknown[]) => unknown).apply(target, args))
      .then((result) => post('result', { id, result: result ?? null }))
      .catch((err: unknown) => post('result', { id, error: err instanceof Error ? err.message : String(err) }));
  });
  document.body.append(el, ...(player ? [player] : []));
  post('ready', { kind: m ? 'player' : 'map' });
}

start();
