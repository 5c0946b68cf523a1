// Wall screens, their panes and saved views: the API's shapes (zod, also the OpenAPI document) and the records.
import { z } from 'zod';
import { paneCount } from '../../gis/wall-layout';

const CAMERA_ID = z.string().regex(/^\d{1,18}$/, 'a camera id');

export const layoutSchema = z
  .string()
  .max(16)
  .refine((s) => paneCount(s) !== null, {
    message: "a layout: '1', '4', '6', '8', '9', '16' or 'L<grid>-<span>' (2 ≤ span < grid ≤ 6)",
  })
  .describe('Wall layout (gis/wall-layout.ts): fixed pane counts or one large pane of span×span cells in a grid');

const skippedSchema = z.object({ cameraId: z.string(), cameraName: z.string() });

/** One pane of a screen: its index in the layout and the camera on it (null: empty). */
export const paneSchema = z.object({
  pane: z.number().int(),
  cameraId: z.string().nullable(),
  cameraName: z.string().nullable(),
  skipped: z
    .array(skippedSchema)
    .optional()
    .describe('cameras of a tour that were offline and skipped: shown as a marker on this pane'),
});
export type Pane = z.infer<typeof paneSchema>;

export const screenSchema = z.object({
  id: z.number().int(),
  departmentId: z.number().int(),
  name: z.string(),
  col: z.number().int().describe("the screen's column in the department's wall (0-based)"),
  row: z.number().int().describe("the screen's row in the department's wall (0-based)"),
  layout: z.string(),
  /** Panes in order, as many as the layout has; cameras the caller may not see are shown as empty. */
  panes: z.array(paneSchema),
  paired: z.boolean().describe('whether a browser holds this screen’s token'),
  tour: z
    .object({
      id: z.number().int(),
      name: z.string(),
      step: z.number().int(),
      steps: z.number().int(),
      paused: z.boolean(),
    })
    .nullable()
    .optional()
    .describe('the tour running on the screen (paused while an alarm is shown)'),
  alarm: z.string().nullable().optional().describe('the alarm whose cameras the screen shows'),
  next: z
    .object({ layout: z.string(), panes: z.array(paneSchema.omit({ skipped: true })) })
    .optional()
    .describe("a tour's next step, once its streams are started: the screen page may start playing it hidden"),
  updatedAt: z.string(),
});
export type Screen = z.infer<typeof screenSchema>;

export const screenCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  col: z.number().int().min(0).max(63).default(0),
  row: z.number().int().min(0).max(63).default(0),
  layout: layoutSchema.default('4'),
  departmentId: z.number().int().positive().optional().describe('required of a city-wide admin'),
});
export type ScreenCreate = z.infer<typeof screenCreateSchema>;

export const screenUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  col: z.number().int().min(0).max(63).optional(),
  row: z.number().int().min(0).max(63).optional(),
  layout: layoutSchema.optional(),
});
export type ScreenUpdate = z.infer<typeof screenUpdateSchema>;

/** A new pairing secret: shown once; the screen page exchanges it for its token (POST /screens/{id}/pair). */
export const pairingSchema = z.object({ screenId: z.number().int(), secret: z.string(), expiresAt: z.string() });

export const pairSchema = z.strictObject({ secret: z.string().min(1).max(200) });
export const screenTokenSchema = z.object({
  screenId: z.number().int(),
  token: z.string().describe('long-lived screen token: `Authorization: Bearer <token>` and the socket.io `token`'),
});

export const paneSetSchema = z.strictObject({ cameraId: CAMERA_ID });

export const viewSchema = z.object({
  id: z.number().int(),
  departmentId: z.number().int(),
  ownerId: z.number().int(),
  name: z.string(),
  layout: z.string(),
  /** Camera ids by pane; null for an empty pane and for a camera the caller may not see. */
  cameras: z.array(z.string().nullable()),
  shared: z.boolean(),
  updatedAt: z.string(),
});
export type View = z.infer<typeof viewSchema>;

export const viewCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  layout: layoutSchema,
  cameras: z.array(CAMERA_ID.nullable()).max(36),
  shared: z.boolean().default(false),
  departmentId: z.number().int().positive().optional().describe('required of a city-wide admin'),
});
export type ViewCreate = z.infer<typeof viewCreateSchema>;

export const viewUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  layout: layoutSchema.optional(),
  cameras: z.array(CAMERA_ID.nullable()).max(36).optional(),
  shared: z.boolean().optional(),
});
export type ViewUpdate = z.infer<typeof viewUpdateSchema>;

/** A screen record as stored (panes as camera ids by pane index). */
export interface ScreenRecord {
  id: number;
  departmentId: number;
  name: string;
  col: number;
  row: number;
  layout: string;
  panes: Map<number, string>;
  paired: boolean;
  updatedAt: string;
}

/** A saved view as stored. */
export interface ViewRecord {
  id: number;
  departmentId: number;
  ownerId: number;
  name: string;
  layout: string;
  cameras: Array<string | null>;
  shared: boolean;
  updatedAt: string;
}
