// HTTP metrics: request latency by method, route pattern and status (a RequestObserver of the request listener).
import { Histogram, type Registry } from 'prom-client';

/** Methods kept as they are; any other is counted as OTHER (a label set must stay bounded). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Seconds: an API answer takes well under a millisecond to a few; blocking LL-HLS playlist requests wait seconds. */
export const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'cloudeye_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern (never the raw URL) and status: seconds from arrival to the answer sent',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers: [registry],
    });
  }

  finished(r: { method: string; route: string; status: number; seconds: number }): void {
    const method = METHODS.has(r.method) ? r.method : 'OTHER';
    this.duration.observe({ method, route: r.route, status: String(r.status) }, r.seconds);
  }
}
