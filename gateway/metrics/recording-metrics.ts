// Recording metrics: bytes and segments written per volume, free and indexed bytes per volume, recorders by state.
import { Counter, Gauge, type Registry } from 'prom-client';

/** A storage volume as the collector reads it (gateway/recordings/volume.ts). */
export interface VolumeSource {
  readonly path: string;
  readonly indexedBytes: number;
  readonly writeFailure: unknown;
  freeBytes(): Promise<number>;
}

/** What the collector reads of the recording service. */
export interface RecordingSource {
  readonly volumes: ReadonlyMap<string, VolumeSource>;
  status(): Array<{ state: string }>;
  onSegment(fn: (s: { bytes: number; volume: string }) => void): () => void;
}

const RECORDER_STATES = ['off', 'starting', 'recording', 'standby', 'failed'];

/** Registers the recording metrics; returns the unsubscribe from the recording service. */
export function registerRecordingMetrics(registry: Registry, rec: RecordingSource): () => void {
  const bytes = new Counter({
    name: 'cloudeye_recording_bytes_total',
    help: 'Bytes of footage written (segments closed and renamed) per volume',
    labelNames: ['volume'],
    registers: [registry],
  });
  const segments = new Counter({
    name: 'cloudeye_recording_segments_total',
    help: 'Segments of footage written per volume',
    labelNames: ['volume'],
    registers: [registry],
  });
  for (const volume of rec.volumes.keys()) {
    bytes.inc({ volume }, 0);
    segments.inc({ volume }, 0);
  }
  new Gauge({
    name: 'cloudeye_volume_free_bytes',
    help: "Bytes free for the gateway on each recording volume's filesystem (statfs at the scrape)",
    labelNames: ['volume'],
    registers: [registry],
    async collect() {
      for (const v of rec.volumes.values()) {
        // a volume that is gone or unreadable is left out rather than failing the whole scrape
        const free = await v.freeBytes().catch(() => null);
        if (free === null) this.remove({ volume: v.path });
        else this.set({ volume: v.path }, free);
      }
    },
  });
  new Gauge({
    name: 'cloudeye_volume_indexed_bytes',
    help: 'Bytes of footage the recording index holds on each volume',
    labelNames: ['volume'],
    registers: [registry],
    collect() {
      for (const v of rec.volumes.values()) this.set({ volume: v.path }, v.indexedBytes);
    },
  });
  new Gauge({
    name: 'cloudeye_volume_writable',
    help: 'Whether each recording volume takes writes (0 since a write failed, until a segment is stored again)',
    labelNames: ['volume'],
    registers: [registry],
    collect() {
      for (const v of rec.volumes.values()) this.set({ volume: v.path }, v.writeFailure ? 0 : 1);
    },
  });
  new Gauge({
    name: 'cloudeye_recorders',
    help: 'Recorders (one per recorded camera) by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const state of RECORDER_STATES) this.set({ state }, 0);
      for (const s of rec.status()) this.inc({ state: s.state });
    },
  });
  return rec.onSegment((s) => {
    bytes.inc({ volume: s.volume }, s.bytes);
    segments.inc({ volume: s.volume });
  });
}
