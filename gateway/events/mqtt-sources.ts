// The MQTT subscribers of every enabled MQTT source, started with the gateway and following sources added or removed.
import type { EventSourceRecord } from '../db/event-sources-repo';
import type { SourceService } from './source-service';
import type { EventIngest } from './event-ingest';
import { MqttSubscriber, type MqttSettings } from './mqtt-subscriber';
import { adapt, type SourceFormat } from './vendor-adapters';

export class MqttSources {
  private readonly subs = new Map<number, MqttSubscriber>();
  private unsubscribe?: () => void;
  private closed = false;

  constructor(
    private readonly sources: SourceService,
    private readonly ingest: EventIngest,
    private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void,
    private readonly opts: { reconnectMs: number },
  ) {}

  async start(): Promise<void> {
    // the subscriber exists when the source's registration returns
    this.unsubscribe = this.sources.onChange((s, removed) => {
      if (s.kind !== 'mqtt' || this.closed) return;
      if (removed) void this.stop(s.id);
      else if (s.enabled) this.add(s, this.sources.credentialsOf(s));
    });
    for (const { rec, credentials } of await this.sources.running('mqtt')) this.add(rec, credentials);
  }

  /** The subscriber of a source (tests and health read its stats). */
  get(sourceId: number): MqttSubscriber | undefined {
    return this.subs.get(sourceId);
  }

  private add(rec: EventSourceRecord, credentials: { username: string; password: string } | null): void {
    if (this.subs.has(rec.id)) return;
    const settings = rec.settings as unknown as MqttSettings & {
      point?: string;
      cameraId?: string;
      utcOffsetMinutes?: number;
    };
    const sender = this.sources.sender(rec);
    const sub = new MqttSubscriber({
      sourceId: rec.id,
      settings,
      credentials,
      reconnectMs: this.opts.reconnectMs,
      log: this.log,
      handle: async (_topic, payload) => {
        const inputs = adapt(rec.format as SourceFormat, payload, settings);
        await this.ingest.ingest(sender, inputs, { deviceClock: rec.format !== 'cloudeye', path: 'message' });
      },
    });
    this.subs.set(rec.id, sub);
    sub.start();
  }

  private async stop(id: number): Promise<void> {
    const s = this.subs.get(id);
    this.subs.delete(id);
    await s?.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    await Promise.all([...this.subs.keys()].map((id) => this.stop(id)));
  }
}
