// Event and alarm metrics: events stored by kind, duplicates and refusals, the ingest queue, alarms open by state.
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the collector reads of the event writer (gateway/events/event-writer.ts). */
export interface EventSource {
  onAccepted(fn: (e: { kind: string }) => void): () => void;
  readonly stats: { duplicates: number; refused: number };
  readonly pending: number;
}

/** Alarms not closed, by state, over every department (AlarmsRepo.openCounts); may reject (database down). */
export type OpenAlarms = () => Promise<Record<string, number>>;

const KINDS = ['anpr', 'alarm', 'camera', 'custom'];

/** A counter following a cumulative count kept elsewhere (incremented by what it grew since the last scrape). */
function mirror(registry: Registry, name: string, help: string, read: () => number): void {
  let seen = read();
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

/** Registers the event and alarm metrics; returns the unsubscribe from the writer. `timeoutMs` bounds the alarm count. */
export function registerEventMetrics(
  registry: Registry,
  ev: EventSource,
  openAlarms: OpenAlarms,
  timeoutMs: number,
): () => void {
  const stored = new Counter({
    name: 'cloudeye_events_ingested_total',
    help: 'Events stored (webhook, MQTT, ONVIF, API) by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  for (const kind of KINDS) stored.inc({ kind }, 0);
  mirror(
    registry,
    'cloudeye_events_duplicates_total',
    'Events received again (same source and id) and not stored twice',
    () => ev.stats.duplicates,
  );
  mirror(
    registry,
    'cloudeye_events_refused_total',
    'Events refused because the ingest queue was full (429)',
    () => ev.stats.refused,
  );
  new Gauge({
    name: 'cloudeye_events_queue',
    help: 'Events accepted and waiting to be stored',
    registers: [registry],
    collect() {
      this.set(ev.pending);
    },
  });
  new Gauge({
    name: 'cloudeye_alarms_open',
    help: 'Alarms not closed, by state, over every department (from the database: every node of a cluster reports the same)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      // the database down or slow: the series are left out of this scrape rather than failing it
      const counts = await Promise.race([openAlarms().catch(() => null), limit]);
      clearTimeout(timer);
      if (!counts) return this.reset();
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  return ev.onAccepted((e) => stored.inc({ kind: e.kind }));
}
