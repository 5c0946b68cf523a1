// Operations endpoints: GET /metrics (Prometheus text, behind the scrape credential), /readyz and /livez for load balancers.
import express, { type Router } from 'express';
import type { ScrapeAuth, ScrapeCaller } from '../auth/policy';
import { scrapeCaller, type ScrapeCredentialConfig } from '../auth/scrape-credential';
import { AuthenticationError } from '../errors';
import type { ReadinessReport } from '../probes/readiness';
import type { LivenessReport } from '../probes/liveness';
import { HttpError } from './errors';

export interface OpsEndpoints {
  /** The policy's decision on a scrape (auth/access.ts AccessControl.scrape). */
  gate: { scrape(auth: ScrapeAuth, caller: ScrapeCaller): { allowed: true } | { allowed: false; reason: string } };
  metrics: {
    enabled: boolean;
    credential: ScrapeCredentialConfig;
    /** The exposition of one scrape. */
    scrape(): Promise<{ contentType: string; body: string }>;
  };
  readiness: { check(): Promise<ReadinessReport> };
  liveness: { check(): LivenessReport };
}

/**
 * /metrics: the policy decides on the caller the scrape credential makes of the request (401 when refused, 404 when
 * metrics are off). /readyz and /livez need no credentials and say nothing but their checks: 200 or 503 with a
 * JSON report, never cached. HEAD is answered like GET.
 */
export function opsRouter(o: OpsEndpoints): Router {
  const r = express.Router();
  r.get('/metrics', async (req, res) => {
    if (!o.metrics.enabled) throw new HttpError(404, 'metrics are off on this node (metrics.enabled)');
    const decision = o.gate.scrape(o.metrics.credential.auth, scrapeCaller(req, o.metrics.credential));
    if (!decision.allowed) throw new AuthenticationError(decision.reason);
    const { contentType, body } = await o.metrics.scrape();
    res.set({ 'Content-Type': contentType, 'Cache-Control': 'no-store' }).send(body);
  });
  r.get('/readyz', async (_req, res) => {
    const report = await o.readiness.check();
    res
      .status(report.ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(report);
  });
  r.get('/livez', (_req, res) => {
    const report = o.liveness.check();
    res
      .status(report.live ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(report);
  });
  return r;
}
