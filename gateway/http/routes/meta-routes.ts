// Self-description: the OpenAPI document, its human docs page, and the console's client configuration.
import { z } from 'zod';
import { expressOf, type ApiRouter } from '../api-router';
import { DOCS_HTML } from '../docs-page';
import { buildOpenApi } from '../openapi';

export function registerMetaRoutes(api: ApiRouter, version: string, clientConfig: () => Record<string, unknown>): void {
  api.add({
    method: 'get',
    path: '/openapi.json',
    tag: 'meta',
    action: 'api-describe',
    summary: 'This OpenAPI 3.1 document',
    handler: () => buildOpenApi(api, version),
  });
  api.add({
    method: 'get',
    path: '/docs',
    tag: 'meta',
    action: 'api-describe',
    summary: 'Human-readable API reference (served locally, no CDN)',
    produces: 'text/html',
    handler: (ctx) => {
      expressOf(ctx).res.type('html').send(DOCS_HTML);
    },
  });
  api.add({
    method: 'get',
    path: '/client-config',
    tag: 'meta',
    action: 'api-describe',
    summary: 'Console configuration: map centre, zoom, tile sources',
    response: z.object({ map: z.unknown(), gis: z.unknown() }),
    handler: () => clientConfig(),
  });
}
