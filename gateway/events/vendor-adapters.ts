// Per-vendor payload adapters: the source's format turns a raw body into event inputs (still to be validated).
import { OnvifError, parseMetadataEvents, parseXml } from '../onvif/index';
import { kids as kidsOf, text as textOf } from '../onvif/xml';
import { ValidationError } from '../errors';
import { refuseProtoKey } from './json';

export const SOURCE_FORMATS = ['cloudeye', 'hikvision-anpr', 'hikvision-axpro', 'axis-event'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** What an adapter needs of its source: where its device stands and the device clock's zone. */
export interface AdapterContext {
  /** Default location for vendor payloads, which do not carry ours (a checkpoint/alarm point code or a camera). */
  point?: string | undefined;
  cameraId?: string | undefined;
  /** Offset of the device's local clock from UTC in minutes (Hikvision times carry none). Default 480 (China). */
  utcOffsetMinutes?: number | undefined;
}

const bad = (format: string, message: string): ValidationError =>
  new ValidationError(`events: ${format} payload: ${message}`, [{ path: 'body', message }]);

function location(ctx: AdapterContext, format: string): Record<string, string> {
  if (ctx.cameraId) return { cameraId: ctx.cameraId };
  if (ctx.point) return { point: ctx.point };
  throw bad(format, 'the source has no point or cameraId setting to locate its events');
}

/** JSON with "__proto__"/"constructor" keys refused, as the API's body parser does. */
export function parseJson(body: Buffer, format: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'), refuseProtoKey);
  } catch (err) {
    throw bad(format, `malformed JSON (${err instanceof Error ? err.message.slice(0, 100) : 'unreadable'})`);
  }
}

function xml(body: Buffer, format: string): ReturnType<typeof parseXml> {
  try {
    return parseXml(body.toString('utf8'));
  } catch (err) {
    throw bad(format, err instanceof OnvifError ? err.message : 'unreadable XML');
  }
}

/** Hikvision "20200424T1616270000" (local time, 4 fraction digits) → ISO in UTC. */
export function hikvisionTime(s: string, utcOffsetMinutes: number): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{0,4})/.exec(s.trim());
  if (!m) return undefined;
  const ms = Date.UTC(
    +m[1]!,
    +m[2]! - 1,
    +m[3]!,
    +m[4]!,
    +m[5]!,
    +m[6]!,
    Math.floor(Number(`0.${m[7] || '0'}`) * 1000),
  );
  return Number.isFinite(ms) ? new Date(ms - utcOffsetMinutes * 60_000).toISOString() : undefined;
}

function hikvisionAnpr(body: Buffer, ctx: AdapterContext): unknown[] {
  const doc = xml(body, 'hikvision-anpr');
  const plates = kidsOf(kidsOf(doc, 'Plates')[0], 'Plate');
  if (!plates.length) throw bad('hikvision-anpr', 'no Plates/Plate element');
  return plates.map((p) => {
    const lane = Number(textOf(p, 'laneNo'));
    const at = hikvisionTime(textOf(p, 'captureTime') ?? '', ctx.utcOffsetMinutes ?? 480);
    const pic = textOf(p, 'picName');
    return {
      kind: 'anpr',
      ...(pic ? { id: `pic-${pic}` } : {}),
      ...(at ? { at } : {}),
      location: location(ctx, 'hikvision-anpr'),
      anpr: {
        plate: textOf(p, 'plateNumber') ?? '',
        ...(Number.isInteger(lane) ? { lane } : {}),
        ...(textOf(p, 'direction') ? { direction: textOf(p, 'direction') } : {}),
      },
    };
  });
}

const CID_TYPES: Array<[RegExp, string]> = [
  [/fire|smoke/i, 'fire'],
  [/panic|duress|button|medical/i, 'button'],
  [/zone|burglar|intrusion|perimeter/i, 'intrusion'],
];

function hikvisionAxPro(body: Buffer, ctx: AdapterContext): unknown[] {
  const j = parseJson(body, 'hikvision-axpro') as Record<string, unknown> | null;
  const cid = j && typeof j === 'object' ? (j.CIDEvent as Record<string, unknown> | undefined) : undefined;
  if (!j || j.eventType !== 'cidEvent' || !cid || typeof cid !== 'object')
    throw bad('hikvision-axpro', 'expected an AX PRO alert with eventType "cidEvent" and a CIDEvent object');
  const type = String(cid.type ?? '');
  const code = Number(cid.standardCIDcode ?? cid.code);
  // Contact ID event codes: 1xx medical/fire/panic, 13x burglary
  const alarmType =
    CID_TYPES.find(([re]) => re.test(type))?.[1] ??
    (code >= 110 && code < 120
      ? 'fire'
      : code >= 120 && code < 130
        ? 'button'
        : code >= 130 && code < 140
          ? 'intrusion'
          : 'alarm-box');
  const at = typeof j.dateTime === 'string' ? new Date(j.dateTime).toISOString() : undefined;
  return [
    {
      kind: 'alarm',
      ...(at ? { at } : {}),
      location: location(ctx, 'hikvision-axpro'),
      alarm: {
        alarmType,
        zone: String(cid.zone ?? '0'),
        state: j.eventState === 'inactive' ? 'cleared' : 'active',
        description: `CID ${String(cid.code ?? '')} ${type}`.trim().slice(0, 400),
      },
    },
  ];
}

function axisEvent(body: Buffer, ctx: AdapterContext): unknown[] {
  let events;
  try {
    events = parseMetadataEvents(xml(body, 'axis-event'));
  } catch (err) {
    throw bad('axis-event', err instanceof Error ? err.message : 'unreadable');
  }
  return events.map((e) => ({
    kind: 'camera',
    at: e.time.toISOString(),
    location: location(ctx, 'axis-event'),
    camera: {
      event: e.kind,
      topic: e.topic.slice(0, 256),
      ...(e.active !== undefined ? { active: e.active } : {}),
      items: Object.fromEntries(Object.entries({ ...e.source, ...e.data }).slice(0, 32)),
    },
  }));
}

/** Raw event inputs of a body in `format`; ValidationError (400) when the body is not of that format. */
export function adapt(format: SourceFormat, body: Buffer, ctx: AdapterContext): unknown[] {
  switch (format) {
    case 'cloudeye': {
      const j = parseJson(body, format) as { events?: unknown } | null;
      return j && typeof j === 'object' && Array.isArray(j.events) ? j.events : [j];
    }
    case 'hikvision-anpr':
      return hikvisionAnpr(body, ctx);
    case 'hikvision-axpro':
      return hikvisionAxPro(body, ctx);
    case 'axis-event':
      return axisEvent(body, ctx);
  }
}
