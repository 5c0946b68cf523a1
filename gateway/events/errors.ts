// Errors of event ingest; gateway/http/errors.ts maps them to HTTP.

/**
 * A webhook request that does not prove it comes from the source (HTTP 401): no or a bad signature, a
 * timestamp outside the window (a replay), an unknown or disabled source. The message says which.
 */
export class WebhookAuthError extends Error {
  override name = 'WebhookAuthError';
}
