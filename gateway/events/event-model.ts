// The event kinds (anpr, alarm, camera, custom) with their shapes, how an event is located, and plate normalisation.
import { z } from 'zod';

export const EVENT_KINDS = ['anpr', 'alarm', 'camera', 'custom'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const id = z.string().regex(/^\d{1,19}$/, 'a numeric id');
const code = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s<>"'\\]+$/, 'no spaces, quotes or angle brackets');
const lng = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);

/** Where an event happened: a registered camera, a registered checkpoint/alarm point (its code), or a position. */
export const locationSchema = z
  .strictObject({
    cameraId: id.optional(),
    point: code.optional(),
    position: z.strictObject({ lng, lat }).optional(),
  })
  .refine((l) => l.cameraId !== undefined || l.point !== undefined || l.position !== undefined, {
    message: 'an event is located by cameraId, point or position',
  });

/** Plates: letters, digits and the Chinese province/usage characters; 2–16 characters once normalised. */
export const plateSchema = z
  .string()
  .min(2)
  .max(24)
  .refine((s) => /^[\p{L}\p{N}·\-\s]+$/u.test(s), 'letters, digits, "·", "-" and spaces only')
  .refine((s) => normalizePlate(s).length >= 2 && normalizePlate(s).length <= 16, '2 to 16 letters or digits');

/** A plate as stored and searched: upper case, without spaces, dots and dashes ("湘j·12345" → "湘J12345"). */
export function normalizePlate(s: string): string {
  return s
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s·.\-]/g, '');
}

export const anprSchema = z.strictObject({
  plate: plateSchema,
  plateColor: z.enum(['blue', 'yellow', 'green', 'white', 'black', 'other']).optional(),
  vehicleType: z.string().max(32).optional(),
  vehicleColor: z.string().max(32).optional(),
  direction: z.string().max(32).optional(),
  lane: z.number().int().min(0).max(99).optional(),
  speedKmh: z.number().min(0).max(400).optional(),
  imageUrl: z
    .url({ protocol: /^https?$/ })
    .max(1024)
    .optional(),
  confidence: z.number().min(0).max(1).optional(),
});

export const alarmSchema = z.strictObject({
  alarmType: z.enum(['alarm-box', 'button', 'intrusion', 'fire', 'other']),
  zone: z.string().min(1).max(64),
  state: z.enum(['active', 'cleared']).default('active'),
  severity: z.number().int().min(1).max(5).default(3),
  description: z.string().max(400).optional(),
});

export const cameraEventSchema = z.strictObject({
  /** motion | tamper | line-crossing | other (from the ONVIF topic). */
  event: z.enum(['motion', 'tamper', 'line-crossing', 'intrusion', 'other']),
  topic: z.string().min(1).max(256),
  active: z.boolean().optional(),
  items: z.record(z.string().max(64), z.string().max(256)).optional(),
});

const dataLimit = (d: unknown) => JSON.stringify(d).length <= 16_384;
export const customSchema = z.record(z.string(), z.unknown()).refine(dataLimit, 'data must serialise to at most 16 kB');

const common = {
  /** The sender's id of this event: a repeated id from the same source is accepted once. */
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
  at: z.iso.datetime({ offset: true }).optional(),
  location: locationSchema,
};

/** One event as a source sends it (the "cloudeye" format); vendor formats are adapted into this. */
export const eventInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('anpr'), anpr: anprSchema }),
  z.strictObject({ ...common, kind: z.literal('alarm'), alarm: alarmSchema }),
  z.strictObject({ ...common, kind: z.literal('camera'), camera: cameraEventSchema }),
  z.strictObject({
    ...common,
    kind: z.literal('custom'),
    type: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
    data: customSchema.default({}),
  }),
]);
export type EventInput = z.infer<typeof eventInputSchema>;

/** A body of the webhook: one event or a batch of at most 500. */
export const eventBatchSchema = z.union([
  eventInputSchema,
  z.strictObject({ events: z.array(eventInputSchema).min(1).max(500) }),
]);

/** The stored type of an input: anpr.read, alarm.<alarmType>, camera.<event>, or the custom type. */
export function typeOf(e: EventInput): string {
  switch (e.kind) {
    case 'anpr':
      return 'anpr.read';
    case 'alarm':
      return `alarm.${e.alarm.alarmType}`;
    case 'camera':
      return `camera.${e.camera.event}`;
    case 'custom':
      return e.type;
  }
}

/** The kind-specific data kept in the row's jsonb. */
export function dataOf(e: EventInput): Record<string, unknown> {
  switch (e.kind) {
    case 'anpr':
      return { ...e.anpr };
    case 'alarm':
      return { ...e.alarm };
    case 'camera':
      return { ...e.camera };
    case 'custom':
      return e.data;
  }
}

/** A stored event as the API returns it. */
export interface StoredEvent {
  id: string;
  at: string;
  receivedAt: string;
  kind: EventKind;
  type: string;
  sourceId: number | null;
  source: string;
  cameraId: string | null;
  pointId: number | null;
  departmentId: number;
  lng: number;
  lat: number;
  plate: string | null;
  data: Record<string, unknown>;
}

export const storedEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  receivedAt: z.string(),
  kind: z.enum(EVENT_KINDS),
  type: z.string(),
  sourceId: z.number().nullable(),
  source: z.string(),
  cameraId: z.string().nullable(),
  pointId: z.number().nullable(),
  departmentId: z.number(),
  lng: z.number(),
  lat: z.number(),
  plate: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
