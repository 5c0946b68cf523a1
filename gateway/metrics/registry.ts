// The metrics registries: one per gateway for its own metrics, one per process for Node's (CPU, memory, event loop, GC).
import { collectDefaultMetrics, Registry } from 'prom-client';

export { Registry } from 'prom-client';

let processRegistry: Registry | null = null;

/**
 * Node's process metrics (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, nodejs_heap_size_used_bytes, …),
 * collected once per process: they describe the process, whatever number of gateways run in it (tests run several).
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** A gateway's own registry (its collectors register on it; gateway/wiring/metrics.ts). */
export function gatewayRegistry(): Registry {
  return new Registry();
}

/** The text exposition of a scrape (Prometheus 0.0.4): the gateway's metrics, then the process's. */
export async function exposition(gateway: Registry): Promise<{ contentType: string; body: string }> {
  const [own, proc] = await Promise.all([gateway.metrics(), processMetrics().metrics()]);
  return { contentType: gateway.contentType, body: `${own}\n${proc}` };
}
