// The OpenAPI operation of a registry route: parameters, body and responses from its zod schemas; its action and roles.
import { z } from 'zod';
import { isPublic, isScreenOnly, rolesFor, type Action } from '../auth/policy';
import type { Method, RouteDef } from './route-def';

/** One operation of the OpenAPI document, as the router lists them. */
export interface Operation {
  method: Method;
  path: string;
  /** The policy action the route asks for. */
  action: Action;
  spec: Record<string, unknown>;
}

const jsonSchema = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

/** The OpenAPI operation object of a registered route. */
export function operationSpec(def: RouteDef<z.ZodType, z.ZodType, z.ZodType>): Record<string, unknown> {
  const parameters: unknown[] = [];
  const addParams = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
    if (!schema) return;
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {}))
      parameters.push({
        name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        schema: s,
      });
  };
  addParams(def.params, 'path');
  addParams(def.query, 'query');
  const ok = def.status ?? 200;
  const responses: Record<string, unknown> = {
    [ok]: def.response
      ? {
          description: 'OK',
          content: { [def.produces ?? 'application/json']: { schema: jsonSchema(def.response, 'output') } },
        }
      : {
          description: def.produces ? 'OK' : 'No content',
          ...(def.produces ? { content: { [def.produces]: {} } } : {}),
        },
    default: {
      description: 'Problem details',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    },
  };
  return {
    summary: def.summary,
    tags: [def.tag],
    operationId: `${def.method}${def.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    ...(isPublic(def.action) ? { security: [] } : isScreenOnly(def.action) ? { security: [{ screenToken: [] }] } : {}),
    'x-action': def.action,
    ...(isPublic(def.action) || isScreenOnly(def.action) ? {} : { 'x-roles': rolesFor(def.action) }),
    ...(parameters.length ? { parameters } : {}),
    ...(def.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              (def.consumes ?? ['application/json']).map((c) => [
                c,
                { schema: c.includes('json') ? jsonSchema(def.body!, 'input') : { type: 'string' } },
              ]),
            ),
          },
        }
      : {}),
    responses,
  };
}
