// ONVIF event sources: a PullPoint loop per camera of each source, its motion/tamper/line-crossing events ingested.
import type { OnvifEvent } from '../onvif/index';
import type { EventSourceRecord } from '../db/event-sources-repo';
import type { EventIngest } from './event-ingest';
import type { SourceService } from './source-service';
import { PullPointCamera, type PullPointCameraOptions } from './pull-point-camera';

/** An ONVIF camera as the subscriptions need it. */
export interface OnvifCameraRef {
  id: string;
  departmentId: number;
  xaddr: string;
  credentials: { username: string; password: string } | null;
  /** The device listed an Events service at registration. */
  events: boolean;
}

export type PullPointTiming = Pick<PullPointCameraOptions, 'terminationS' | 'pullWaitS' | 'timeoutMs' | 'backoffMs'>;

/**
 * Each enabled ONVIF source subscribes to the cameras its settings list (`cameraIds`), or, when it lists
 * none, to every ONVIF camera of its department that offers events. State snapshots
 * (PropertyOperation "Initialized", sent when a subscription starts) and topics other than motion,
 * tampering, line crossing and intrusion are not stored.
 */
export class OnvifSources {
  private readonly pullers = new Map<string, PullPointCamera>();
  private unsubscribe?: () => void;
  private closed = false;
  readonly stats = { skipped: 0, refused: 0 };

  constructor(
    private readonly sources: SourceService,
    private readonly ingest: EventIngest,
    private readonly cameras: () => Promise<OnvifCameraRef[]>,
    /** May the source post events for the camera (its department sees it)? Others are not subscribed. */
    private readonly may: (source: EventSourceRecord, cameraId: string) => boolean,
    private readonly timing: PullPointTiming,
    private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.sources.onChange((s, removed) => {
      if (s.kind !== 'onvif' || this.closed) return;
      if (removed) void this.stopSource(s.id);
      else void this.addSource(s);
    });
    for (const { rec } of await this.sources.running('onvif')) await this.addSource(rec);
  }

  /** The loop of (source, camera), for tests and health. */
  get(sourceId: number, cameraId: string): PullPointCamera | undefined {
    return this.pullers.get(`${sourceId}:${cameraId}`);
  }

  private async addSource(rec: EventSourceRecord): Promise<void> {
    const listed = Array.isArray(rec.settings.cameraIds) ? (rec.settings.cameraIds as unknown[]).map(String) : [];
    const all = await this.cameras();
    const chosen = (
      listed.length
        ? all.filter((c) => listed.includes(c.id))
        : all.filter((c) => c.departmentId === rec.departmentId && c.events)
    ).filter((c) => {
      if (this.may(rec, c.id)) return true;
      this.log(
        'warn',
        `events: ONVIF source ${rec.id} may not take events of camera ${c.id} (not visible to its department)`,
      );
      return false;
    });
    const sender = this.sources.sender(rec);
    for (const cam of chosen) {
      const key = `${rec.id}:${cam.id}`;
      if (this.pullers.has(key) || this.closed) continue;
      const p = new PullPointCamera({
        ...this.timing,
        cameraId: cam.id,
        xaddr: cam.xaddr,
        credentials: cam.credentials,
        log: this.log,
        onEvents: (id, events) => this.store(sender, id, events),
      });
      this.pullers.set(key, p);
      p.start();
    }
  }

  private async store(
    sender: ReturnType<SourceService['sender']>,
    cameraId: string,
    events: OnvifEvent[],
  ): Promise<void> {
    const inputs = events
      .filter((e) => e.operation !== 'Initialized' && e.kind !== 'other')
      .map((e) => ({
        kind: 'camera',
        at: e.time.toISOString(),
        location: { cameraId },
        camera: {
          event: e.kind,
          topic: e.topic.slice(0, 256),
          ...(e.active !== undefined ? { active: e.active } : {}),
          items: Object.fromEntries(
            Object.entries({ ...e.source, ...e.data })
              .slice(0, 32)
              .map(([k, v]) => [k.slice(0, 64), v.slice(0, 256)]),
          ),
        },
      }));
    this.stats.skipped += events.length - inputs.length;
    if (!inputs.length) return;
    try {
      await this.ingest.ingest(sender, inputs, { deviceClock: true, path: 'onvif' });
    } catch (err) {
      this.stats.refused += inputs.length;
      this.log(
        'warn',
        `events: camera ${cameraId}: ${inputs.length} ONVIF events not stored: ${String(err).slice(0, 300)}`,
      );
    }
  }

  private async stopSource(id: number): Promise<void> {
    const mine = [...this.pullers].filter(([k]) => k.startsWith(`${id}:`));
    for (const [k] of mine) this.pullers.delete(k);
    await Promise.all(mine.map(([, p]) => p.close()));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    const all = [...this.pullers.values()];
    this.pullers.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}
