// Departments, networks, users, API keys, share grants, grids.
import { z } from 'zod';
import {
  apiKey,
  apiKeyCreate,
  apiKeyEmbedUpdate,
  department,
  departmentCreate,
  grid,
  gridCreate,
  network,
  networkCreate,
  queryNumber,
  share,
  shareCreate,
  user,
  userCreate,
  userUpdate,
} from '../../contract';
import type { AdminService } from '../../admin/admin-service';
import type { ApiRouter } from '../api-router';

const numId = z.strictObject({ id: queryNumber(z.number().int().positive()) });
const gridImport = z.union([
  gridCreate,
  z.strictObject({
    type: z.literal('FeatureCollection'),
    features: z
      .array(
        z.object({
          type: z.literal('Feature'),
          geometry: gridCreate.shape.geometry,
          properties: z.object({ name: z.string().min(1).max(200), kind: gridCreate.shape.kind }).catchall(z.unknown()),
        }),
      )
      .min(1)
      .max(10000),
  }),
]);

export function registerAdminRoutes(api: ApiRouter, admin: AdminService): void {
  api.add({
    method: 'get',
    path: '/departments',
    tag: 'departments',
    action: 'department-read',
    summary: 'All departments',
    response: z.array(department),
    handler: () => admin.departments(),
  });
  api.add({
    method: 'post',
    path: '/departments',
    tag: 'departments',
    status: 201,
    summary: 'Add a department (city admin)',
    action: 'department-manage',
    body: departmentCreate,
    response: department,
    handler: ({ principal, body, ip }) => admin.createDepartment(principal, body, ip),
  });

  api.add({
    method: 'patch',
    path: '/departments/{id}',
    tag: 'departments',
    summary:
      'Rename a department or change its settings (requireStreamReason: every stream call must give a reason or incident id)',
    action: 'department-settings',
    params: numId,
    body: z.strictObject({
      name: z.string().min(1).max(120).optional(),
      nameEn: z.string().max(120).optional(),
      settings: z.strictObject({ requireStreamReason: z.boolean().optional() }).optional(),
    }),
    response: department,
    handler: ({ principal, params, body, ip }) => admin.updateDepartment(principal, params.id, body, ip),
  });
  api.add({
    method: 'get',
    path: '/networks',
    tag: 'networks',
    action: 'discover',
    summary: "Camera networks of the caller's department",
    response: z.array(network),
    handler: ({ principal }) => admin.networks(principal),
  });
  api.add({
    method: 'post',
    path: '/networks',
    tag: 'networks',
    status: 201,
    summary: 'Add a camera network (discovery interface, CIDRs, default credentials)',
    action: 'network-manage',
    body: networkCreate,
    response: network,
    handler: ({ principal, body, ip }) => admin.createNetwork(principal, body, ip),
  });

  api.add({
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'Users (of the department; all for a city admin)',
    action: 'user-manage',
    response: z.array(user),
    handler: ({ principal }) => admin.users(principal),
  });
  api.add({
    method: 'post',
    path: '/users',
    tag: 'users',
    status: 201,
    summary: 'Add a user',
    action: 'user-manage',
    body: userCreate,
    response: user,
    handler: ({ principal, body, ip }) => admin.createUser(principal, body, ip),
  });
  api.add({
    method: 'patch',
    path: '/users/{id}',
    tag: 'users',
    summary: 'Change a user (role, password, area scope, disabled)',
    action: 'user-manage',
    params: numId,
    body: userUpdate,
    response: user,
    handler: ({ principal, params, body, ip }) => admin.updateUser(principal, params.id, body, ip),
  });

  api.add({
    method: 'get',
    path: '/api-keys',
    tag: 'api-keys',
    summary: 'Integrator API keys',
    action: 'apikey-manage',
    response: z.array(apiKey),
    handler: ({ principal }) => admin.apiKeys(principal),
  });
  api.add({
    method: 'post',
    path: '/api-keys',
    tag: 'api-keys',
    status: 201,
    summary: 'Create an API key; the key is shown once',
    action: 'apikey-manage',
    body: apiKeyCreate,
    response: apiKey.extend({ key: z.string() }),
    handler: ({ principal, body, ip }) => admin.createApiKey(principal, body, ip),
  });
  api.add({
    method: 'patch',
    path: '/api-keys/{id}',
    tag: 'api-keys',
    summary:
      "Change an API key's embed settings: camera scope, embed actions, origins. Its embed tokens are narrowed at once " +
      '(a removed origin is refused, a removed action or camera no longer allowed).',
    action: 'apikey-manage',
    params: numId,
    body: apiKeyEmbedUpdate,
    response: apiKey,
    handler: ({ principal, params, body, ip }) => admin.updateApiKeyEmbed(principal, params.id, body, ip),
  });
  api.add({
    method: 'delete',
    path: '/api-keys/{id}',
    tag: 'api-keys',
    summary: 'Revoke an API key',
    action: 'apikey-manage',
    params: numId,
    response: apiKey,
    handler: ({ principal, params, ip }) => admin.revokeApiKey(principal, params.id, ip),
  });

  api.add({
    method: 'get',
    path: '/shares',
    tag: 'shares',
    summary: 'Share grants from or to the department',
    action: 'share-read',
    response: z.array(share),
    handler: ({ principal }) => admin.shares(principal),
  });
  api.add({
    method: 'post',
    path: '/shares',
    tag: 'shares',
    status: 201,
    summary: 'Share cameras with another department (all / tags / cameras / polygon, optional expiry)',
    action: 'share-manage',
    body: shareCreate,
    response: share,
    handler: ({ principal, body, ip }) => admin.createShare(principal, body, ip),
  });
  api.add({
    method: 'delete',
    path: '/shares/{id}',
    tag: 'shares',
    summary: 'Revoke a share: open streams it allowed are cut',
    action: 'share-manage',
    params: numId,
    response: share,
    handler: ({ principal, params, ip }) => admin.revokeShare(principal, params.id, ip),
  });

  api.add({
    method: 'get',
    path: '/grids',
    tag: 'grids',
    action: 'grid-read',
    summary: 'Grids, districts and key places',
    query: z.strictObject({ kind: z.enum(['district', 'grid', 'place']).optional() }),
    response: z.array(grid),
    handler: ({ query }) => admin.grids(query.kind),
  });
  api.add({
    method: 'post',
    path: '/grids',
    tag: 'grids',
    status: 201,
    summary: 'Add one grid, or import a GeoJSON FeatureCollection (properties.name, properties.kind)',
    action: 'grid-manage',
    body: gridImport,
    response: z.array(grid),
    handler: ({ principal, body, ip }) => {
      const list =
        'features' in body
          ? body.features.map((f) => {
              const { name, kind, ...rest } = f.properties;
              return { name, kind, geometry: f.geometry, properties: rest };
            })
          : [body];
      return admin.createGrids(principal, list, ip);
    },
  });
  api.add({
    method: 'delete',
    path: '/grids/{id}',
    tag: 'grids',
    summary: 'Remove a grid',
    action: 'grid-manage',
    params: numId,
    handler: async ({ principal, params, ip }) => {
      await admin.deleteGrid(principal, params.id, ip);
      return undefined;
    },
  });
}
