// Database metrics: the knex pool's connections in use and idle, the requests waiting for one, and its size.
import { Gauge, type Registry } from 'prom-client';

/** What the collector reads of the database (gateway/db/database.ts Database.poolStats). */
export interface PoolSource {
  poolStats(): { used: number; idle: number; waiting: number; max: number };
}

export function registerDbMetrics(registry: Registry, db: PoolSource): void {
  new Gauge({
    name: 'cloudeye_db_pool',
    help: 'Database pool: connections in use (used), open and free (idle), and requests waiting for one (waiting)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = db.poolStats();
      this.set({ state: 'used' }, s.used);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  new Gauge({
    name: 'cloudeye_db_pool_max',
    help: 'Most connections the database pool opens (database.poolMax)',
    registers: [registry],
    collect() {
      this.set(db.poolStats().max);
    },
  });
}
