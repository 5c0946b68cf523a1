// Cross-origin answers for embedding: CORS for exactly the origins API keys allow, on the API, the SDK and the embed pages.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Paths a host page on another origin reads: the API (embed token), the SDK bundles, embed pages, HLS and playback. */
const CROSS_ORIGIN_PATHS = /^\/(api\/v1|sdk|embed|hls|playback)(\/|$|\?)/;

/**
 * Adds the CORS headers when the request's Origin is one some API key allows (`origins`), and answers
 * its preflight (OPTIONS) itself: returns true when it did. Any other Origin gets no CORS header, so a
 * browser keeps the answer from that page. Which origins a given token may use is checked by its
 * authentication (403 for another one), not here.
 */
export function answerEmbedCors(req: IncomingMessage, res: ServerResponse, origins: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (!origin || !origins.has(origin) || !CROSS_ORIGIN_PATHS.test(req.url ?? '')) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  if (req.method !== 'OPTIONS') return false;
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
  res.setHeader('Access-Control-Max-Age', '600');
  res.statusCode = 204;
  res.end();
  return true;
}
