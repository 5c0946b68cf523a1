// One MQTT source: a QoS 1 subscription to its topics that reconnects and resubscribes; a PUBACK only once stored.
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { ForbiddenError, RateLimitError, ValidationError } from '../errors';
import { AckPipeline } from './mqtt-ack-pipeline';

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
  /** QoS 1 messages read ahead of their PUBACK at most (default 1000; the broker's in-flight window also bounds them). */
  maxUnacked?: number;
}

/** mqtt.js sends a PUBACK only when handleMessage calls back, and reads nothing else until then: its packet writer is used instead. */
interface PacketSender {
  _sendPacket(packet: { cmd: 'puback'; messageId: number }, cb?: () => void): void;
}
/** Handed to mqtt.js' handleMessage callback: it then sends no PUBACK of its own and reads the next packet. */
const ACK_DEFERRED = new Error('PUBACK deferred until stored');

/**
 * QoS 1 end to end: the PUBACK of a message goes out only after its events are stored, so a crash before
 * that makes the broker deliver it again; storage failures that may pass (a full queue, the database away)
 * are retried before the PUBACK. A message that cannot become an event (garbage, an unknown or foreign
 * camera) is counted, logged and acknowledged. Messages are stored concurrently (the write queue batches
 * them) and acknowledged in arrival order (AckPipeline).
 */
export class MqttSubscriber {
  private client?: MqttClient;
  private closed = false;
  readonly stats = { connects: 0, subscribed: 0, received: 0, stored: 0, garbage: 0, refused: 0 };
  private garbageLogged = 0;

  constructor(private readonly o: MqttSubscriberOptions) {}

  private subscribedNow = false;
  private acks?: AckPipeline;

  /** QoS 1 messages read and not yet acknowledged. */
  get unacked(): number {
    return this.acks?.pending ?? 0;
  }

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
    const acks = new AckPipeline(
      (messageId) => (c as unknown as PacketSender)._sendPacket({ cmd: 'puback', messageId }),
      this.o.maxUnacked ?? 1000,
    );
    this.acks = acks;
    c.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      if (packet.qos !== 1 || packet.messageId === undefined) {
        void this.onMessage(packet).then(() => done());
        return;
      }
      const settled = acks.add(packet.messageId, () => done(ACK_DEFERRED));
      void this.onMessage(packet).then((ok) => ok && settled());
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
    c.on('close', () => {
      this.subscribedNow = false;
      acks.reset();
    });
    c.on('error', (err) => this.o.log('warn', `events: MQTT source ${this.o.sourceId}: ${err.message}`));
  }

  /** Stores a message's events; true once it is settled (stored or dropped), false when closing first. */
  private async onMessage(packet: IPublishPacket): Promise<boolean> {
    this.stats.received++;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : Buffer.from(packet.payload);
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.o.handle(packet.topic, payload);
        this.stats.stored++;
        return true;
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
          return true;
        }
        const waitMs = err instanceof RateLimitError ? err.retryAfterS * 1000 : Math.min(5000, 200 * 2 ** attempt);
        if (attempt === 0)
          this.o.log('warn', `events: MQTT source ${this.o.sourceId}: storing failed, retrying: ${String(err)}`);
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
    return false;
  }

  /** Disconnects (idempotent); a message being stored is not acknowledged, so the broker keeps it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client?.endAsync(true).catch(() => undefined);
  }
}

const redact = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');
