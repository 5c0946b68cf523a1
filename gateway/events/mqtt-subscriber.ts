// One MQTT source: a QoS 1 subscription to its topics that reconnects and resubscribes; a PUBACK only once stored.
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { ForbiddenError, RateLimitError, ValidationError } from '../errors';

export interface MqttSettings {
  /** mqtt:// or mqtts:// URL of the broker. */
  url: string;
  topics: string[];
  /** Client id; default cloudeye-source-<id>. Stable, so the broker keeps the session (clean: false). */
  clientId?: string | undefined;
}

export interface MqttSubscriberOptions {
  sourceId: number;
  settings: MqttSettings;
  credentials: { username: string; password: string } | null;
  /** Stores one message's events; throws ValidationError/ForbiddenError for a message to drop. */
  handle(topic: string, payload: Buffer): Promise<void>;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
  /** Delay between reconnect attempts, ms (default 1000). */
  reconnectMs?: number;
}

/**
 * QoS 1 end to end: the PUBACK of a message goes out only after its events are stored (mqtt.js sends it
 * when handleMessage calls back), so a crash before that makes the broker deliver it again; storage
 * failures that may pass (a full queue, the database away) are retried before the PUBACK. A message that
 * cannot become an event (garbage, an unknown or foreign camera) is counted, logged and acknowledged.
 */
export class MqttSubscriber {
  private client?: MqttClient;
  private closed = false;
  readonly stats = { connects: 0, subscribed: 0, received: 0, stored: 0, garbage: 0, refused: 0 };
  private garbageLogged = 0;

  constructor(private readonly o: MqttSubscriberOptions) {}

  private subscribedNow = false;

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connected, and the broker acknowledged the subscriptions on this connection. */
  get ready(): boolean {
    return this.connected && this.subscribedNow;
  }

  start(): void {
    const { settings, credentials } = this.o;
    const c = mqtt.connect(settings.url, {
      clientId: settings.clientId ?? `cloudeye-source-${this.o.sourceId}`,
      clean: false,
      reconnectPeriod: this.o.reconnectMs ?? 1000,
      connectTimeout: 5000,
      keepalive: 30,
      // subscriptions are made on every connect below: a restarted broker without persistence forgot them
      resubscribe: false,
      ...(credentials ? { username: credentials.username, password: credentials.password } : {}),
    });
    this.client = c;
    c.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      void this.onMessage(packet).then(() => done());
    };
    c.on('connect', () => {
      this.stats.connects++;
      this.o.log('info', `events: MQTT source ${this.o.sourceId} connected to ${redact(settings.url)}`);
      c.subscribe(settings.topics, { qos: 1 }, (err, granted) => {
        if (err) return this.o.log('warn', `events: MQTT source ${this.o.sourceId}: subscribe failed: ${err.message}`);
        const refused = (granted ?? []).filter((g) => g.qos === 128);
        if (refused.length)
          this.o.log(
            'warn',
            `events: MQTT source ${this.o.sourceId}: broker refused ${refused.map((g) => g.topic).join(', ')}`,
          );
        this.stats.subscribed++;
        this.subscribedNow = true;
      });
    });
    c.on('close', () => (this.subscribedNow = false));
    c.on('error', (err) => this.o.log('warn', `events: MQTT source ${this.o.sourceId}: ${err.message}`));
  }

  private async onMessage(packet: IPublishPacket): Promise<void> {
    this.stats.received++;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : Buffer.from(packet.payload);
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.o.handle(packet.topic, payload);
        this.stats.stored++;
        return;
      } catch (err) {
        if (err instanceof ValidationError || err instanceof ForbiddenError) {
          if (err instanceof ValidationError) this.stats.garbage++;
          else this.stats.refused++;
          // logged, but not a line per message of a flood
          if (this.garbageLogged++ < 20 || this.garbageLogged % 1000 === 0)
            this.o.log(
              'warn',
              `events: MQTT source ${this.o.sourceId} dropped a message on ${packet.topic.slice(0, 120)}: ${err.message.slice(0, 300)}`,
            );
          return;
        }
        const waitMs = err instanceof RateLimitError ? err.retryAfterS * 1000 : Math.min(5000, 200 * 2 ** attempt);
        if (attempt === 0)
          this.o.log('warn', `events: MQTT source ${this.o.sourceId}: storing failed, retrying: ${String(err)}`);
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  /** Disconnects (idempotent); a message being stored is not acknowledged, so the broker keeps it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client?.endAsync(true).catch(() => undefined);
  }
}

const redact = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');
