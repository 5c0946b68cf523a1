// Access policy, operations: who may read a node's metrics (GET /metrics). Pure, no I/O.

/** What the gateway asks of a scrape (config metrics.auth): a bearer token, basic user and password, or nothing. */
export type ScrapeAuth = 'bearer' | 'basic' | 'none';

/**
 * Who a scrape is, once its Authorization header was checked against the configured credential
 * (auth/scrape-credential.ts): 'scraper' (it matched), 'wrong' (a credential that does not match, or of the other
 * scheme), 'anonymous' (none), or 'unconfigured' (bearer or basic asked for, but no credential is set).
 */
export type ScrapeCaller = 'scraper' | 'wrong' | 'anonymous' | 'unconfigured';

/**
 * The decision of /metrics: with auth 'none' anyone who reaches the port reads them; otherwise only a scrape
 * carrying the configured credential, and nobody while none is configured. A refusal says why (HTTP 401).
 */
export function scrapeDecision(
  auth: ScrapeAuth,
  caller: ScrapeCaller,
): { allowed: true } | { allowed: false; reason: string } {
  if (auth === 'none' || caller === 'scraper') return { allowed: true };
  switch (caller) {
    case 'unconfigured':
      return {
        allowed: false,
        reason: `metrics: no scrape credential is configured (metrics.${auth === 'bearer' ? 'token' : 'username, metrics.password'})`,
      };
    case 'wrong':
      return { allowed: false, reason: `metrics: the ${auth} credential does not match` };
    default:
      return {
        allowed: false,
        reason: `metrics: credentials required (Authorization: ${auth === 'bearer' ? 'Bearer' : 'Basic'})`,
      };
  }
}
