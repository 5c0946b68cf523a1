// Wiring of operations: the metrics registry and its collectors, readiness and liveness, the request log.
import type { Config } from '../../config/load';
import type { Supervisor } from '../../transcoder/index';
import type { Database } from '../db/database';
import { AlarmsRepo } from '../db/alarms-repo';
import { probeDatabase } from '../db/db-probe';
import type { RequestObserver } from '../http/app';
import type { OpsEndpoints } from '../http/ops-routes';
import { exposition, gatewayRegistry, type Registry } from '../metrics/registry';
import { HttpMetrics } from '../metrics/http-metrics';
import { StreamMetrics } from '../metrics/stream-metrics';
import { registerViewerMetrics } from '../metrics/viewer-metrics';
import { registerRecordingMetrics } from '../metrics/recording-metrics';
import { registerEventMetrics } from '../metrics/event-metrics';
import { registerDbMetrics } from '../metrics/db-metrics';
import { Liveness } from '../probes/liveness';
import { Readiness } from '../probes/readiness';
import type { RecordingService } from '../recordings/recording-service';
import type { EventParts } from './events';
import type { StreamParts } from './streams';
import type { AuthParts } from './auth';
import type { Closers, Log } from './lifecycle';

export interface OpsParts {
  registry: Registry;
  readiness: Readiness;
  liveness: Liveness;
  /** The endpoints' dependencies (gateway/http/ops-routes.ts). */
  endpoints: OpsEndpoints;
  /** Told of every HTTP request: its latency by route, and the request log when config.log.requests. */
  requests: RequestObserver;
}

/** What the metrics read: the parts built before them. */
export interface OpsDeps {
  db: Database;
  /** The URL the database was reached at (readiness connects there on a connection of its own). */
  url: string;
  supervisor: Supervisor;
  streams: StreamParts;
  recordings: RecordingService;
  events: EventParts;
  auth: AuthParts;
}

/** Builds the collectors (closed before the parts they follow) and the probes; nothing listens yet. */
export function buildOps(config: Config, d: OpsDeps, closers: Closers, log: Log): OpsParts {
  const registry = gatewayRegistry();
  const http = new HttpMetrics(registry);
  const streams = new StreamMetrics(registry, d.supervisor);
  registerViewerMetrics(registry, {
    websocket: () => d.streams.live.stats(),
    hlsViewers: () => d.streams.streams.hlsViewers(),
    sessions: () => d.streams.streams.openSessions(),
  });
  const offRec = registerRecordingMetrics(registry, d.recordings);
  const alarms = new AlarmsRepo(d.db.knex);
  const timeoutMs = config.probes.databaseTimeoutMs;
  const offEvents = registerEventMetrics(registry, d.events.writer, () => alarms.openCounts(), timeoutMs);
  registerDbMetrics(registry, d.db);
  const readiness = new Readiness(
    () => probeDatabase(d.url, d.db.schema, timeoutMs),
    (ready, why) => (ready ? log('info', 'readiness: ready') : log('warn', `readiness: not ready: ${why}`)),
  );
  const liveness = new Liveness({
    maxLagMs: config.probes.maxLoopLagMs,
    windowMs: config.probes.livenessWindowS * 1000,
  });
  liveness.start();
  closers.add(async () => {
    liveness.close();
    streams.close();
    offRec();
    offEvents();
  });
  const m = config.metrics;
  const logRequests = config.log.requests;
  return {
    registry,
    readiness,
    liveness,
    endpoints: {
      gate: d.auth.access,
      metrics: {
        enabled: m.enabled,
        credential: { auth: m.auth, token: m.token, username: m.username, password: m.password },
        scrape: () => exposition(registry),
      },
      readiness,
      liveness,
    },
    requests: {
      finished: (r) => {
        http.finished(r);
        if (logRequests)
          log('info', `${r.method} ${r.route} ${r.status} ${(r.seconds * 1000).toFixed(1)} ms`, {
            requestId: r.requestId,
            method: r.method,
            route: r.route,
            status: r.status,
            ms: Math.round(r.seconds * 10_000) / 10,
          });
      },
    },
  };
}
