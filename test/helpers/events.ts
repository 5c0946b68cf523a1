// Event test helpers: a department with cameras, a point and sources, and signed webhook posts.
import { signWebhook, WEBHOOK_HEADERS } from '../../gateway/events/webhook-signature';
import type { TestGateway } from './gateway';

export interface EventWorld {
  admin: string;
  city: string;
  /** traffic's camera, police's camera (not shared). */
  own: string;
  foreign: string;
}

/** traffic admin "evadmin" with one camera; police has one camera; a city-wide admin "evcity". */
export async function eventWorld(t: TestGateway): Promise<EventWorld> {
  await t.addUser('evadmin', 'admin', 'traffic');
  await t.addUser('evcity', 'admin', null);
  const admin = await t.login('evadmin');
  const city = await t.login('evcity');
  const cam = async (token: string, body: Record<string, unknown>) => {
    const r = await t.api('POST', '/api/v1/cameras', { token, body });
    if (r.status !== 201) throw new Error(r.text);
    return String(r.body.id);
  };
  const own = await cam(admin, { name: 'gate', mainUri: 'rtsp://10.1.1.1/a', lng: 111.69, lat: 29.03 });
  const foreign = await cam(city, {
    name: 'police',
    departmentId: t.departments.police,
    mainUri: 'rtsp://10.1.1.2/a',
    lng: 111.7,
    lat: 29.04,
  });
  return { admin, city, own, foreign };
}

/** Registers a source through the API; returns its id and (webhook) secret. */
export async function addSource(
  t: TestGateway,
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: number; secret: string }> {
  const r = await t.api('POST', '/api/v1/event-sources', { token, body });
  if (r.status !== 201) throw new Error(r.text);
  return { id: r.body.source.id, secret: r.body.secret };
}

/** Posts `body` to a webhook source, signed (unless headers override), at `tsS` (default now). */
export async function postWebhook(
  t: TestGateway,
  src: { id: number; secret: string },
  body: string | Buffer,
  o: { tsS?: number; headers?: Record<string, string>; type?: string } = {},
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const ts = o.tsS ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${t.base}/api/v1/events/webhook/${src.id}`, {
    method: 'POST',
    headers: {
      'content-type': o.type ?? 'application/json',
      [WEBHOOK_HEADERS.timestamp]: String(ts),
      [WEBHOOK_HEADERS.signature]: signWebhook(src.secret, ts, body),
      ...o.headers,
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** Rows of the events table of the gateway's schema, counted by a where clause. */
export async function countEvents(t: TestGateway, where: Record<string, unknown> = {}): Promise<number> {
  const r = await t.gw.db.knex('events').where(where).count<{ count: string }[]>('* as count');
  return Number(r[0]!.count);
}
