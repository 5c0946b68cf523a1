// Wall tours: a list of cameras or saved views with a dwell time each, run by the server on a screen (zod shapes).
import { z } from 'zod';

export const DWELL_MIN_S = 3;
export const DWELL_MAX_S = 3600;

const dwellS = z.number().int().min(DWELL_MIN_S).max(DWELL_MAX_S).describe('seconds the step stays on the screen');
const cameraStep = z.strictObject({ cameraId: z.string().regex(/^\d{1,18}$/, 'a camera id'), dwellS });
const viewStep = z.strictObject({ viewId: z.number().int().positive(), dwellS });
export const tourStepSchema = z.union([cameraStep, viewStep]);
export type TourStep = z.infer<typeof tourStepSchema>;

export const tourSchema = z.object({
  id: z.number().int(),
  departmentId: z.number().int(),
  ownerId: z.number().int(),
  name: z.string(),
  /** Steps in order; a camera the caller may not see is shown with cameraId null. */
  steps: z.array(z.union([z.object({ cameraId: z.string().nullable(), dwellS: z.number() }), viewStep])),
  updatedAt: z.string(),
});
export type Tour = z.infer<typeof tourSchema>;

export const tourCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  steps: z.array(tourStepSchema).min(1).max(100),
  departmentId: z.number().int().positive().optional().describe('required of a city-wide admin'),
});
export type TourCreate = z.infer<typeof tourCreateSchema>;

export const tourUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  steps: z.array(tourStepSchema).min(1).max(100).optional(),
});
export type TourUpdate = z.infer<typeof tourUpdateSchema>;

export const tourStartSchema = z.strictObject({ tourId: z.number().int().positive() });

/** A tour as stored. */
export interface TourRecord {
  id: number;
  departmentId: number;
  ownerId: number;
  name: string;
  steps: TourStep[];
  updatedAt: string;
}

/** A tour running on a screen, as stored: the step it shows, who started it. */
export interface TourRun {
  screenId: number;
  tourId: number;
  step: number;
  startedBy: string;
}
