// The metrics scrape credential: an Authorization header checked, in constant time, against config metrics (bearer or basic).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ScrapeAuth, ScrapeCaller } from './policy-metrics';

export interface ScrapeCredentialConfig {
  auth: ScrapeAuth;
  /** Bearer token (auth bearer); '' = none configured. */
  token: string;
  /** Basic user and password (auth basic); an empty user = none configured. */
  username: string;
  password: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
/** Equal strings, compared by their digests so neither the length nor the first difference shows in the timing. */
const same = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const BASIC = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;

/** Who a scrape is (policy-metrics.ts ScrapeCaller); the decision itself is the policy's. */
export function scrapeCaller(req: IncomingMessage, c: ScrapeCredentialConfig): ScrapeCaller {
  if (c.auth === 'none') return 'anonymous';
  if (c.auth === 'bearer' ? c.token === '' : c.username === '') return 'unconfigured';
  const h = req.headers.authorization;
  if (!h) return 'anonymous';
  if (c.auth === 'bearer') {
    const m = BEARER.exec(h);
    return m && same(m[1]!, c.token) ? 'scraper' : 'wrong';
  }
  const m = BASIC.exec(h);
  if (!m) return 'wrong';
  const pair = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon < 0) return 'wrong';
  // both compared whatever the first says: the timing tells nothing of which was wrong
  const userOk = same(pair.slice(0, colon), c.username);
  const passOk = same(pair.slice(colon + 1), c.password);
  return userOk && passOk ? 'scraper' : 'wrong';
}
