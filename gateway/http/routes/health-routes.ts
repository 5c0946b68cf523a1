// /health: the gateway's health as a principal may see it; today the recording volumes and recorders.
import { z } from 'zod';
import type { RecordingHealth } from '../../recordings/recording-health';
import type { ApiRouter } from '../api-router';

const recorder = z.object({
  cameraId: z.string(),
  state: z.enum(['off', 'starting', 'recording', 'standby', 'failed']),
  reason: z.string(),
  cause: z.enum(['write', 'volume-full', 'stream']).nullable(),
  code: z.string().nullable(),
  volume: z.string().nullable(),
  since: z.string(),
});

export function registerHealthRoutes(api: ApiRouter, recording: RecordingHealth): void {
  api.add({
    method: 'get',
    path: '/health',
    tag: 'meta',
    action: 'camera-list',
    summary:
      'Health of recording: each storage volume (ok, failed when writes to it fail — read-only, full disk, gone — with ' +
      'the reason and since when, or full of held footage) and the recorder of each camera the caller may view (state, ' +
      'reason, cause write/volume-full/stream). state is failed when anything there is. A volume that takes writes again ' +
      'is ok within one plan evaluation; its cameras record again from their next keyframe. Changes are pushed on ' +
      'socket.io as recording:state.',
    response: z.object({
      recording: z.object({
        state: z.enum(['ok', 'failed']),
        volumes: z.array(
          z.object({
            path: z.string(),
            state: z.enum(['ok', 'failed', 'full']),
            reason: z.string().nullable(),
            since: z.string().nullable(),
            failedRecorders: z.number(),
          }),
        ),
        cameras: z.array(recorder),
      }),
    }),
    handler: ({ principal }) => ({ recording: recording.report(principal) }),
  });
}
