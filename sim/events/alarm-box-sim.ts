// Simulated networked alarm boxes (联网报警): AX PRO cidEvent alerts published over MQTT (QoS 1), raised now and then and restored.
import mqtt, { type MqttClient } from 'mqtt';
import { pick, rng } from '../random';
import type { DemoAlarmPoint } from './demo-points';
import { axProCidEvent, CID_EVENTS } from './payloads';

/** The topic alarm box `code` publishes on. */
export const alarmTopic = (prefix: string, code: string): string => `${prefix}/alarm/${code}`;

export interface AlarmBoxSimOptions {
  /** mqtt:// URL of the broker. */
  url: string;
  topicPrefix: string;
  boxes: DemoAlarmPoint[];
  /** Mean seconds between two alarms over all boxes (default 60); the first comes after `firstAfterS` (default 3). */
  meanGapS?: number;
  firstAfterS?: number;
  seed?: number;
  log(level: 'info' | 'warn', msg: string): void;
}

/** Zone alarms are most of what alarm boxes send; panic buttons and fire seldom. */
const KINDS: Array<keyof typeof CID_EVENTS> = ['intrusion', 'intrusion', 'intrusion', 'button', 'button', 'fire'];

export class AlarmBoxSims {
  private client?: MqttClient;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly r: () => number;
  private closed = false;
  readonly stats = { published: 0, failed: 0 };

  constructor(private readonly o: AlarmBoxSimOptions) {
    this.r = rng(o.seed ?? 8110);
  }

  /** Connects (the client reconnects by itself) and starts the alarms. */
  start(): void {
    const c = mqtt.connect(this.o.url, {
      clientId: `cloudeye-demo-alarm-boxes-${process.pid}`,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
    c.on('error', (err) => this.o.log('warn', `demo events: alarm boxes' broker: ${err.message}`));
    this.client = c;
    const mean = this.o.meanGapS ?? 60;
    const next = (): void => {
      if (this.closed) return;
      this.raise();
      this.schedule(next, Math.max(1000, -Math.log(1 - this.r()) * mean * 1000));
    };
    this.schedule(next, (this.o.firstAfterS ?? 3) * 1000);
  }

  private schedule(fn: () => void, ms: number): void {
    const timer = setTimeout(() => (this.timers.delete(timer), fn()), ms);
    this.timers.add(timer);
  }

  private raise(): void {
    const box = pick(this.r, this.o.boxes);
    const event = pick(this.r, KINDS);
    const zone = 1 + Math.floor(this.r() * 8);
    const ip = `10.23.${10 + this.o.boxes.indexOf(box)}.2`;
    this.publish(box, axProCidEvent({ at: new Date(), event, zone, state: 'active', ip }));
    // the guard or the owner resets the box after a while: the restore is an event too (it raises nothing)
    this.schedule(
      () => this.publish(box, axProCidEvent({ at: new Date(), event, zone, state: 'inactive', ip })),
      15_000 + this.r() * 30_000,
    );
  }

  private publish(box: DemoAlarmPoint, payload: string): void {
    const c = this.client;
    if (!c || this.closed) return;
    // QoS 1: mqtt.js keeps the message and sends it again until the broker's PUBACK, across reconnects
    c.publish(alarmTopic(this.o.topicPrefix, box.code), payload, { qos: 1 }, (err) => {
      if (!err) this.stats.published++;
      else if (!this.closed && this.stats.failed++ < 5)
        this.o.log('warn', `demo events: alarm box ${box.code}: ${err.message}`);
    });
  }

  /** Stops the alarms and disconnects after the messages in flight. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.client?.endAsync().catch(() => undefined);
  }
}
