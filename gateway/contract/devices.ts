// Discovery in the API contract: a scan of one network with its progress, and the devices found.
import { z } from 'zod';

/** A discovery scan of one network, with its progress. */
export const scanInfo = z.object({
  id: z.string(),
  networkId: z.number(),
  departmentId: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  probed: z.number(),
  total: z.number(),
  found: z.number(),
  error: z.string().nullable(),
});
/** A device found by discovery and not registered yet. */
export const foundDevice = z.object({
  networkId: z.number(),
  endpoint: z.string(),
  xaddr: z.string(),
  name: z.string().nullable(),
  hardware: z.string().nullable(),
  via: z.string(),
  lastSeen: z.string(),
});

export type ScanInfo = z.infer<typeof scanInfo>;
export type FoundDevice = z.infer<typeof foundDevice>;
