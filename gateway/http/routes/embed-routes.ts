// Embed token routes: an integrator's server exchanges its API key for a token; tokens listed and revoked; a widget's session.
import { z } from 'zod';
import { embedSession, embedToken, embedTokenCreate, queryNumber } from '../../contract';
import type { EmbedTokens } from '../../auth/embed-tokens';
import type { ApiRouter } from '../api-router';

const numId = z.strictObject({ id: queryNumber(z.number().int().positive()) });

export function registerEmbedRoutes(api: ApiRouter, embeds: EmbedTokens): void {
  api.add({
    method: 'post',
    path: '/embed/tokens',
    tag: 'embed',
    status: 201,
    summary:
      "Exchange the API key (X-API-Key, from the integrator's server: a request with an Origin header is refused) for a " +
      "short-lived embed token for one end user, narrowed to a subset of the key's cameras, actions and origins. The " +
      'token is shown once; a browser widget sends it as "Authorization: Bearer cee_…" from one of its origins.',
    action: 'embed-issue',
    body: embedTokenCreate,
    response: embedToken.extend({ token: z.string() }),
    handler: ({ principal, body, req, ip }) => embeds.issue(principal, body, req.headers.origin, ip),
  });
  api.add({
    method: 'delete',
    path: '/embed/tokens/{id}',
    tag: 'embed',
    summary: "Revoke an embed token (the key that issued it, or an admin of that key's department)",
    action: 'embed-revoke',
    params: numId,
    response: embedToken,
    handler: ({ principal, params, ip }) => embeds.revoke(principal, params.id, ip),
  });
  api.add({
    method: 'get',
    path: '/api-keys/{id}/embed-tokens',
    tag: 'embed',
    summary: 'The active embed tokens of an API key (the key itself, or an admin of its department)',
    action: 'embed-revoke',
    params: numId,
    response: z.array(embedToken),
    handler: ({ principal, params }) => embeds.activeOfKey(principal, params.id),
  });
  api.add({
    method: 'delete',
    path: '/api-keys/{id}/embed-tokens',
    tag: 'embed',
    summary: 'Revoke every embed token of an API key (the key itself, or an admin of its department)',
    action: 'embed-revoke',
    params: numId,
    response: z.object({ revoked: z.number() }),
    handler: ({ principal, params, ip }) => embeds.revokeOfKey(principal, params.id, ip),
  });
  api.add({
    method: 'get',
    path: '/embed/session',
    tag: 'embed',
    summary: 'What the embed token presented is: its end user, actions, origins and expiry (404 for other credentials)',
    action: 'session',
    response: embedSession,
    handler: ({ principal }) => embeds.session(principal),
  });
}
