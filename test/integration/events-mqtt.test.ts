// MQTT sources on real brokers: QoS 1 events stored, garbage counted and dropped, a broker restart recovered without loss.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { addSource, countEvents, eventWorld, type EventWorld } from '../helpers/events';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A mosquitto of the test's own, on a free port, that can be killed and started again on that port. */
class Broker {
  private proc?: ChildProcess;
  readonly dir = mkdtempSync(path.join(tmpdir(), 'ce-mqtt-'));
  /** `user`: the broker wants this user name and password, anonymous clients are refused. */
  constructor(
    readonly port: number,
    user?: { username: string; password: string },
  ) {
    let conf = `listener ${port} 127.0.0.1\npersistence false\n`;
    if (user) {
      const pw = path.join(this.dir, 'passwd');
      execFileSync('mosquitto_passwd', ['-b', '-c', pw, user.username, user.password]);
      // mosquitto started as root reads it as the mosquitto user
      chmodSync(this.dir, 0o755);
      chmodSync(pw, 0o644);
      conf += `allow_anonymous false\npassword_file ${pw}\n`;
    } else conf += 'allow_anonymous true\n';
    writeFileSync(path.join(this.dir, 'm.conf'), conf);
  }
  async start(): Promise<void> {
    this.proc = spawn('mosquitto', ['-c', path.join(this.dir, 'm.conf')], { stdio: 'ignore' });
    await until(
      'mosquitto listening',
      () =>
        new Promise((r) =>
          net
            .connect(this.port, '127.0.0.1')
            .on('connect', function (this: net.Socket) {
              this.destroy();
              r(true);
            })
            .on('error', () => r(false)),
        ),
    );
  }
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise((r) => (p.once('exit', r), p.kill('SIGKILL')));
  }
}

describe('events: MQTT sources', function () {
  this.timeout(90000);
  let t: TestGateway;
  let w: EventWorld;
  let broker: Broker;
  const logs: string[] = [];

  before(async () => {
    broker = new Broker(await freePort());
    await broker.start();
    t = await startTestGateway({ events: { mqtt: { reconnectMs: 200 } } }, { onLog: (_l, m) => logs.push(m) });
    w = await eventWorld(t);
  });
  after(async () => {
    await t?.close();
    await broker?.kill();
    rmSync(broker.dir, { recursive: true, force: true });
  });

  const alarm = (id: string) =>
    JSON.stringify({ id, kind: 'alarm', location: { cameraId: w.own }, alarm: { alarmType: 'alarm-box', zone: 'B1' } });
  const publisher = async (port: number) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `pub-${port}-${Date.now()}` });
    return c;
  };
  const subscriber = (id: number) => t.gw.services.events.mqtt.get(id)!;

  it('subscribes with QoS 1 and stores what is published; garbage is counted, logged, dropped, the subscriber lives on', async () => {
    const src = await addSource(t, w.admin, {
      kind: 'mqtt',
      name: 'boxes',
      settings: { url: `mqtt://127.0.0.1:${broker.port}`, topics: ['ce/alarm/#'] },
    });
    await until('subscribed', () => subscriber(src.id)?.stats.subscribed === 1);
    const pub = await publisher(broker.port);
    for (let i = 0; i < 20; i++) await pub.publishAsync(`ce/alarm/box${i}`, alarm(`m-${i}`), { qos: 1 });
    await until('20 stored', async () => (await countEvents(t, { source_id: src.id })) === 20);
    const garbage = [
      'not json',
      '{"kind":"alarm"}',
      Buffer.from([0xff, 0xfe, 0x00]),
      JSON.stringify({ kind: 'custom', type: 'x', location: { cameraId: '99999999' } }),
    ];
    for (const g of garbage) await pub.publishAsync('ce/alarm/bad', g, { qos: 1 });
    await pub.publishAsync('ce/alarm/after', alarm('m-after'), { qos: 1 });
    await until('the one after the garbage stored', async () => (await countEvents(t, { source_id: src.id })) === 21);
    const s = subscriber(src.id).stats;
    assert.equal(s.garbage, 4);
    assert.equal(s.stored, 21);
    assert.ok(
      logs.some((l) => /MQTT source \d+ dropped a message on ce\/alarm\/bad: events: message/.test(l)),
      'logged',
    );
    // a repeated id (a QoS 1 redelivery) is stored once
    await pub.publishAsync('ce/alarm/box0', alarm('m-0'), { qos: 1 });
    await until('the repeat handled', () => subscriber(src.id).stats.stored === 22);
    assert.equal(await countEvents(t, { source_id: src.id }), 21);
    await pub.endAsync();
  });

  it('a broker killed and restarted: reconnect, resubscribe, nothing published after the recovery lost', async () => {
    const src = await addSource(t, w.admin, {
      kind: 'mqtt',
      name: 'restart',
      settings: { url: `mqtt://127.0.0.1:${broker.port}`, topics: ['ce/r/+'] },
    });
    const sub = () => subscriber(src.id);
    await until('subscribed', () => sub()?.stats.subscribed === 1);
    await broker.kill();
    await until('disconnected', () => !sub().connected);
    await new Promise((r) => setTimeout(r, 500));
    await broker.start();
    // a connect attempt may land while the broker starts and be dropped: count from what was before
    await until('resubscribed on the new broker', () => sub().stats.subscribed >= 2 && sub().ready);
    const pub = await publisher(broker.port);
    for (let i = 0; i < 100; i++) await pub.publishAsync(`ce/r/x`, alarm(`r-${i}`), { qos: 1 });
    await until('all 100 stored', async () => (await countEvents(t, { source_id: src.id })) === 100);
    assert.ok(sub().stats.connects >= 2);
    await pub.endAsync();
  });

  it('per-source broker credentials, sealed at rest: right ones subscribe, wrong ones are refused and logged', async () => {
    const secure = new Broker(await freePort(), { username: 'gw', password: 's3cret-pw' });
    await secure.start();
    try {
      const url = `mqtt://127.0.0.1:${secure.port}`;
      const good = await addSource(t, w.admin, {
        kind: 'mqtt',
        name: 'secure',
        settings: { url, topics: ['ce/s'] },
        credentials: { username: 'gw', password: 's3cret-pw' },
      });
      const row = await t.gw.db.knex('event_sources').where({ id: good.id }).first();
      assert.ok(row.credentials_enc && !row.credentials_enc.includes('s3cret-pw'), 'sealed');
      const listed = await t.api('GET', '/api/v1/event-sources', { token: w.admin });
      assert.ok(!listed.text.includes('s3cret-pw'));
      await until('subscribed with credentials', () => subscriber(good.id)?.stats.subscribed === 1);
      const bad = await addSource(t, w.admin, {
        kind: 'mqtt',
        name: 'wrong-pw',
        settings: { url, topics: ['ce/s'] },
        credentials: { username: 'gw', password: 'nope' },
      });
      await until('refusal logged', () => logs.some((l) => l.includes(`MQTT source ${bad.id}: Connection refused`)));
      assert.equal(subscriber(bad.id)!.connected, false);
      const pub = await mqtt.connectAsync(url, { username: 'gw', password: 's3cret-pw' });
      await pub.publishAsync('ce/s', alarm('sec-1'), { qos: 1 });
      await until('stored', async () => (await countEvents(t, { source_id: good.id })) === 1);
      await pub.endAsync();
      for (const id of [good.id, bad.id]) await t.api('DELETE', `/api/v1/event-sources/${id}`, { token: w.admin });
    } finally {
      await secure.kill();
      rmSync(secure.dir, { recursive: true, force: true });
    }
  });

  it('the machine-wide Mosquitto on 127.0.0.1:1883 works as a source; removing the source stops its subscriber', async () => {
    const topic = `ce/test-${process.pid}-${Date.now()}`;
    const src = await addSource(t, w.admin, {
      kind: 'mqtt',
      name: 'system',
      settings: { url: 'mqtt://127.0.0.1:1883', topics: [topic] },
    });
    await until('subscribed', () => subscriber(src.id)?.stats.subscribed === 1);
    const pub = await publisher(1883);
    await pub.publishAsync(topic, alarm('sys-1'), { qos: 1 });
    await until('stored', async () => (await countEvents(t, { source_id: src.id })) === 1);
    assert.equal((await t.api('DELETE', `/api/v1/event-sources/${src.id}`, { token: w.admin })).status, 204);
    await until('subscriber gone', () => t.gw.services.events.mqtt.get(src.id) === undefined);
    await pub.endAsync();
  });
});
