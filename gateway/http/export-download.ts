// Export downloads: /exports/<token>/<file> — a signed, expiring link checked (and the cameras' access re-checked), audited.
import express, { type Router } from 'express';
import type { ExportService } from '../recordings/export-service';
import { clientIp, type ApiRouter } from './api-router';
import { HttpError } from './errors';

const TOKEN = /^[A-Za-z0-9_-]{10,2000}\.[A-Za-z0-9_-]{2,4000}\.[A-Za-z0-9_-]{10,200}$/;

export function exportDownloadRouter(exports: ExportService): Router {
  const r = express.Router();
  r.get('/:token/:file', async (req, res) => {
    const { token, file } = req.params as { token: string; file: string };
    if (!TOKEN.test(token)) throw new HttpError(401, 'export: malformed link');
    const f = await exports.download(token, file, clientIp(req));
    res.attachment(f.name);
    res.set('Cache-Control', 'no-store');
    await new Promise<void>((ok, fail) =>
      res.sendFile(f.path, { dotfiles: 'deny' }, (err) => (err ? fail(err) : ok())),
    );
  });
  return r;
}

export function documentExportDownload(api: ApiRouter): void {
  api.document('get', '/exports/{token}/{file}', 'export', {
    summary:
      'Download a file of an export (camera-<id>.mp4 or manifest.json) through the link GET /api/v1/exports/{id} gives',
    tags: ['recordings'],
    security: [],
    parameters: ['token', 'file'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    responses: {
      200: { description: 'the file', content: { 'video/mp4': {}, 'application/json': {} } },
      default: {
        description: 'Problem details',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
  });
}
