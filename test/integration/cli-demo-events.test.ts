// `cloudeye demo` is alive with events: within 30 s of its console URL, checkpoint reads (signed webhooks) and an
// alarm box's alert (MQTT, through the Mosquitto the demo started itself) are stored and an alarm is raised;
// a stop takes the demo's broker with it.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { freePortRange } from '../helpers/ports';
import { consoleUrl, embeddedEnv, processesMatching, run, tempDir, within } from '../helpers/cli-processes';

const CAMERAS = 4;

describe('cloudeye demo: event simulators', function () {
  this.timeout(180000);

  it('reads and an MQTT alarm arrive and are stored, an alarm is raised; the broker stops with the demo', async () => {
    const dir = tempDir('ce-demo-ev-');
    const base = await freePortRange(CAMERAS + 2);
    const flags = [
      '--port',
      '0',
      '--cameras',
      String(CAMERAS),
      '--rtsp-port',
      String(base + 1),
      '--onvif-port',
      String(base + 2),
    ];
    const demo = run('node', ['gateway/cli/bin.mjs', 'demo', ...flags], { env: embeddedEnv(dir, base) });
    try {
      const url = await consoleUrl(demo, 120000);
      const broker = /alarm boxes \(MQTT, (mqtt:\/\/127\.0\.0\.1:\d+)\)/.exec(demo.out());
      assert.ok(broker, demo.out());
      assert.ok(processesMatching(`${dir}/mqtt/mosquitto.conf`).length === 1, 'the demo runs its own mosquitto');
      const login = await fetch(new URL('/api/v1/auth/login', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'cloudeye-demo' }),
      });
      const token = ((await login.json()) as { accessToken: string }).accessToken;
      const get = async (p: string): Promise<any> =>
        (await fetch(new URL(p, url), { headers: { authorization: `Bearer ${token}` } })).json();
      let seen: { reads: any[]; alarmEvents: any[]; alarms: any[] } = { reads: [], alarmEvents: [], alarms: [] };
      const alive = await within(30000, async () => {
        seen = {
          reads: (await get('/api/v1/events?kind=anpr&limit=100')).items,
          alarmEvents: (await get('/api/v1/events?kind=alarm&limit=20')).items,
          alarms: (await get('/api/v1/alarms')).items,
        };
        return seen.reads.length >= 5 && seen.alarmEvents.length >= 1 && seen.alarms.length >= 1;
      });
      assert.ok(alive, `within 30 s: ${JSON.stringify(seen).slice(0, 1500)}\n${demo.out().slice(-1500)}`);
      assert.ok(new Set(seen.reads.map((e) => e.pointId)).size >= 2, 'reads from several checkpoints');
      assert.ok(
        seen.reads.every((e) => /^[湘鄂渝粤贵][A-Z]/.test(e.plate)),
        JSON.stringify(seen.reads.map((e) => e.plate)),
      );
      assert.match(seen.alarmEvents[0].source, /^source:demo-sim BJ-DEMO-/);
      assert.equal(seen.alarms[0].state, 'new');
    } finally {
      demo.child.kill('SIGINT');
      assert.equal(await demo.exited, 0, demo.out().slice(-2000));
      assert.deepEqual(processesMatching(`${dir}/mqtt`), [], 'the demo stopped its mosquitto');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
