// Builds the OpenAPI 3.1 document from the route registry.
import { z } from 'zod';
import { problem } from '../contract';
import type { ApiRouter } from './api-router';

export function buildOpenApi(router: ApiRouter, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  // everything lives under /api/v1 except video delivery (HLS, live WebSocket, replay, playback) and export
  // downloads, whose signed URLs the API hands out
  const outside = (p: string): boolean =>
    p.startsWith('/hls/') || p.startsWith('/live/') || p.startsWith('/playback/') || p.startsWith('/exports/{token}/');
  for (const op of router.operations)
    (paths[outside(op.path) ? op.path : `/api/v1${op.path}`] ??= {})[op.method] = op.spec;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cloud Eye (云眼) API',
      version,
      description:
        'Video-surveillance integration gateway: cameras, spatial queries, streams, shares, audit. Errors are RFC 9457 problem details.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { apiKey: [] }, { embedToken: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        // a wall screen's own long-lived token (ces_<id>_…), from POST /wall/screens/{id}/pair
        screenToken: { type: 'http', scheme: 'bearer', bearerFormat: 'screen token' },
        // an embed token (cee_<id>_…) from POST /embed/tokens: a browser widget's credential, from its origins only
        embedToken: { type: 'http', scheme: 'bearer', bearerFormat: 'embed token' },
      },
      schemas: { Problem: z.toJSONSchema(problem, { io: 'output' }) },
    },
    paths,
  };
}
