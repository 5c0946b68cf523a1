// The demo's event side: registers checkpoints, alarm points, their sources and a linkage rule through the API, then runs the simulators.
import { AlarmBoxSims, alarmTopic } from './alarm-box-sim';
import { CheckpointSims, type CheckpointTarget } from './checkpoint-sim';
import { DEMO_ALARM_POINTS, DEMO_CHECKPOINTS } from './demo-points';
import { PlateFleet } from './plates';

/** The demo's linkage rule (police): every active alarm box alert raises an alarm with the cameras that see it. */
export const DEMO_RULE_NAME = '演示：报警箱联动';
/** Names of the demo's own sources start with this; they are registered anew on every start (a secret is shown once). */
const SOURCE_PREFIX = 'demo-sim ';

export interface DemoEventsOptions {
  /** Gateway base URL. */
  base: string;
  /** The broker the alarm boxes publish to and the gateway's MQTT sources subscribe to. */
  brokerUrl: string;
  /** Department admins who register: traffic's the checkpoints, police's the alarm boxes and the rule. */
  admins?: { traffic: string; police: string };
  /** Password of an admin. */
  password(username: string): string;
  /** Topic prefix of the alarm boxes (default cloudeye-demo). */
  topicPrefix?: string;
  /** Checkpoint read rate multiplier (default 1); mean seconds between alarms (default 60); first alarm after (3 s). */
  rate?: number;
  alarmMeanGapS?: number;
  firstAlarmAfterS?: number;
  log(level: 'info' | 'warn', msg: string): void;
}

export interface DemoEvents {
  checkpoints: CheckpointSims;
  alarmBoxes: AlarmBoxSims;
  close(): Promise<void>;
}

class Api {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  static async login(base: string, username: string, password: string): Promise<Api> {
    const r = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!r.ok) throw new Error(`demo events: login as ${username} failed: HTTP ${r.status} ${await r.text()}`);
    return new Api(base, ((await r.json()) as { accessToken: string }).accessToken);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`demo events: ${method} ${path}: HTTP ${r.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

type Item = { id: number; name: string; code?: string };

/** Points missing from the department are registered; the department's earlier demo sources are removed. */
async function prepare(
  api: Api,
  points: Array<{ kind: string; code: string; name: string; lng: number; lat: number }>,
) {
  const have = new Set((await api.call<{ items: Item[] }>('GET', '/event-points')).items.map((p) => p.code));
  for (const p of points) if (!have.has(p.code)) await api.call('POST', '/event-points', p);
  for (const s of (await api.call<{ items: Item[] }>('GET', '/event-sources')).items)
    if (s.name.startsWith(SOURCE_PREFIX)) await api.call('DELETE', `/event-sources/${s.id}`);
}

/** Registers what the simulators need and starts them; close() stops them (the registrations stay). */
export async function startDemoEvents(o: DemoEventsOptions): Promise<DemoEvents> {
  const prefix = o.topicPrefix ?? 'cloudeye-demo';
  const base = o.base.replace(/\/+$/, '');
  const admins = o.admins ?? { traffic: 'traffic.admin', police: 'police.admin' };
  const traffic = await Api.login(base, admins.traffic, o.password(admins.traffic));
  const police = await Api.login(base, admins.police, o.password(admins.police));
  await prepare(
    traffic,
    DEMO_CHECKPOINTS.map((c) => ({ kind: 'checkpoint', code: c.code, name: c.name, lng: c.lng, lat: c.lat })),
  );
  await prepare(
    police,
    DEMO_ALARM_POINTS.map((a) => ({ kind: 'alarm-point', code: a.code, name: a.name, lng: a.lng, lat: a.lat })),
  );
  const targets: CheckpointTarget[] = [];
  // one source per device, as each camera and panel is set up with its own secret or topic
  for (const c of DEMO_CHECKPOINTS) {
    const r = await traffic.call<{ source: { id: number }; secret: string }>('POST', '/event-sources', {
      kind: 'webhook',
      name: `${SOURCE_PREFIX}${c.code}`,
      format: 'hikvision-anpr',
      settings: { point: c.code },
    });
    targets.push({ checkpoint: c, sourceId: r.source.id, secret: r.secret });
  }
  for (const a of DEMO_ALARM_POINTS)
    await police.call('POST', '/event-sources', {
      kind: 'mqtt',
      name: `${SOURCE_PREFIX}${a.code}`,
      format: 'hikvision-axpro',
      settings: { url: o.brokerUrl, topics: [alarmTopic(prefix, a.code)], point: a.code },
    });
  const rules = (await police.call<{ items: Item[] }>('GET', '/alarm-rules')).items;
  if (!rules.some((r) => r.name === DEMO_RULE_NAME))
    await police.call('POST', '/alarm-rules', {
      name: DEMO_RULE_NAME,
      kinds: ['alarm'],
      timeZone: 'Asia/Shanghai',
      minSeverity: 1,
      cameraCount: 4,
      radiusM: 400,
      preRollS: 10,
      postRollS: 30,
      ackTimeoutS: 300,
    });
  const checkpoints = new CheckpointSims({
    base,
    targets,
    fleet: new PlateFleet(1206),
    ...(o.rate !== undefined ? { rate: o.rate } : {}),
    log: o.log,
  });
  const alarmBoxes = new AlarmBoxSims({
    url: o.brokerUrl,
    topicPrefix: prefix,
    boxes: DEMO_ALARM_POINTS,
    ...(o.alarmMeanGapS !== undefined ? { meanGapS: o.alarmMeanGapS } : {}),
    ...(o.firstAlarmAfterS !== undefined ? { firstAfterS: o.firstAlarmAfterS } : {}),
    log: o.log,
  });
  checkpoints.start();
  alarmBoxes.start();
  return {
    checkpoints,
    alarmBoxes,
    close: async () => {
      await checkpoints.close();
      await alarmBoxes.close();
    },
  };
}
