// Clip exports: POST /exports (cameras, range, reason → a job), GET /exports/{id} (status, files, signed download links).
import { z } from 'zod';
import type { ExportService } from '../../recordings/export-service';
import type { ApiRouter } from '../api-router';

export const exportRequest = z.strictObject({
  cameras: z
    .array(z.string().regex(/^\d{1,18}$/, 'camera ids are decimal integers'))
    .min(1)
    .max(256),
  from: z.string().max(64).describe('ISO 8601 with a time zone'),
  to: z.string().max(64).describe('ISO 8601 with a time zone; at most recording.export.maxRangeS after from'),
  reason: z.string().max(400).optional().describe('why the footage is exported: required (3–400 characters), audited'),
});

const exportView = z.object({
  id: z.string(),
  status: z.enum(['pending', 'running', 'done', 'failed', 'expired']),
  cameras: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  exportedBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  error: z.string().nullable(),
  files: z.array(
    z.object({
      name: z.string(),
      cameraId: z.string().nullable(),
      bytes: z.number(),
      sha256: z.string(),
      url: z.string().describe('/exports/<token>/<file>: a signed link, valid until linksExpireAt'),
    }),
  ),
  linksExpireAt: z.string(),
});

export function registerExportRoutes(api: ApiRouter, exports: ExportService): void {
  api.add({
    method: 'post',
    path: '/exports',
    tag: 'recordings',
    action: 'export',
    status: 202,
    auditRefusal: { action: 'export.create', targetType: 'export' },
    summary:
      "Export a time range of cameras' footage (at most recording.export.maxCameras cameras and maxRangeS seconds): " +
      'one MP4 per camera (segments remuxed, not re-encoded) and a manifest.json (camera, department, times, SHA-256 of ' +
      'each file, who exported, why, gaps). A reason is required (400 without). The footage is held from retention ' +
      'while the export is kept (recording.export.keepDays). Audited. Poll GET /exports/{id} for the files.',
    body: exportRequest,
    response: exportView,
    handler: ({ principal, body, ip }) => exports.create(principal, body, ip),
  });
  api.add({
    method: 'get',
    path: '/exports/{id}',
    tag: 'recordings',
    action: 'export',
    summary: "An export's status and, once done, its files with SHA-256 and signed, expiring download links",
    params: z.strictObject({ id: z.string().regex(/^\d{1,18}$/, 'export ids are decimal integers') }),
    response: exportView,
    handler: ({ principal, params }) => exports.get(principal, params.id),
  });
}
