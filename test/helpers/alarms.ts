// Alarm test helpers: a place P with cameras around it (covering, pointing away, another department's), users,
// a webhook source, alarm events posted at a position, and socket.io clients collecting alarm messages.
import { io, type Socket } from 'socket.io-client';
import type { TestGateway } from './gateway';
import { addSource, postWebhook } from './events';

/** The event place; metres to degrees at its latitude. */
export const P = { lng: 111.7, lat: 29.03 };
const M_LAT = 1 / 111_320;
const M_LNG = 1 / (111_320 * Math.cos((P.lat * Math.PI) / 180));
export const at = (eastM: number, northM: number, from = P) => ({
  lng: from.lng + eastM * M_LNG,
  lat: from.lat + northM * M_LAT,
});
/** 1.5 km north of P: no camera's sector reaches it; camera `away` is 40 m east of it, looking away. */
export const Q = at(0, 1500);

export interface AlarmWorld {
  tokens: { tadm: string; top: string; top2: string; pop: string; padm: string; tview: string };
  users: { top: number; top2: number; pop: number };
  /** traffic: west (50 m west of P, looking east), south (120 m south, looking north), away (near Q, looking away). */
  cams: { west: string; south: string; away: string; police: string };
  source: { id: number; secret: string };
}

/** Builds the world; `uris` gives the main URIs of the west and south cameras (default: addresses nobody answers). */
export async function alarmWorld(t: TestGateway, uris: { west?: string; south?: string } = {}): Promise<AlarmWorld> {
  const users = {
    top: await t.addUser('top', 'operator', 'traffic'),
    top2: await t.addUser('top2', 'operator', 'traffic'),
    pop: await t.addUser('pop', 'operator', 'police'),
  };
  await t.addUser('tadm', 'admin', 'traffic');
  await t.addUser('padm', 'admin', 'police');
  await t.addUser('tview', 'viewer', 'traffic');
  const tokens = {
    tadm: await t.login('tadm'),
    top: await t.login('top'),
    top2: await t.login('top2'),
    pop: await t.login('pop'),
    padm: await t.login('padm'),
    tview: await t.login('tview'),
  };
  const cam = async (token: string, name: string, pos: { lng: number; lat: number }, bearing: number, uri: string) => {
    const r = await t.api('POST', '/api/v1/cameras', {
      token,
      body: { name, mainUri: uri, ...pos, bearing, fov: 60, rangeM: 200, streams: { main: { codec: 'h264' } } },
    });
    if (r.status !== 201) throw new Error(r.text);
    return String(r.body.id);
  };
  const cams = {
    west: await cam(tokens.tadm, 'west', at(-50, 0), 90, uris.west ?? 'rtsp://10.9.9.1/a'),
    south: await cam(tokens.tadm, 'south', at(0, -120), 0, uris.south ?? 'rtsp://10.9.9.2/a'),
    away: await cam(tokens.tadm, 'away', at(40, 0, Q), 90, 'rtsp://10.9.9.3/a'),
    // the nearest camera of all, and it sees P: but police shares nothing with traffic
    police: await cam(tokens.padm, 'police', at(0, 20), 180, 'rtsp://10.9.9.4/a'),
  };
  const source = await addSource(t, tokens.tadm, { kind: 'webhook', name: 'alarm-boxes' });
  return { tokens, users, cams, source };
}

/** Posts a signed alarm event (button, severity 4 unless told) at a position; returns the stored event id. */
export async function postAlarmEvent(
  t: TestGateway,
  w: AlarmWorld,
  id: string,
  pos: { lng: number; lat: number },
  o: { severity?: number; kind?: 'alarm' | 'anpr' } = {},
): Promise<string> {
  const body =
    o.kind === 'anpr'
      ? { id, kind: 'anpr', location: { position: pos }, anpr: { plate: '湘J12345' } }
      : {
          id,
          kind: 'alarm',
          location: { position: pos },
          alarm: { alarmType: 'button', zone: 'Z1', severity: o.severity ?? 4 },
        };
  const r = await postWebhook(t, w.source, JSON.stringify(body));
  if (r.status !== 200 || r.body.accepted !== 1) throw new Error(`webhook: ${r.status} ${r.text}`);
  return String(r.body.events[0].id);
}

/** A socket.io client collecting `alarm:notify` messages. */
export interface AlarmListener {
  socket: Socket;
  got: any[];
  /** Resolves with the next message passing `pred` (already received ones count), rejects after `timeoutMs`. */
  next(pred: (m: any) => boolean, timeoutMs?: number): Promise<any>;
}

export async function listen(t: TestGateway, token: string): Promise<AlarmListener> {
  const socket = io(t.base, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  const got: any[] = [];
  const waiters: Array<() => void> = [];
  socket.on('alarm:notify', (m: unknown) => {
    got.push(m);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
  const next = (pred: (m: any) => boolean, timeoutMs = 5000): Promise<any> =>
    new Promise((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`no alarm message within ${timeoutMs} ms; got ${JSON.stringify(got)}`)),
        timeoutMs,
      );
      const check = () => {
        const m = got.find(pred);
        if (m) {
          clearTimeout(timer);
          res(m);
        } else waiters.push(check);
      };
      check();
    });
  return { socket, got, next };
}

/** The audit rows of an action, oldest first. */
export async function auditRows(t: TestGateway, action: string): Promise<any[]> {
  return t.gw.db.knex('audit_log').where({ action }).orderBy('id');
}
