// `cloudeye demo` runs a simulated GB/T 28181 NVR: its channels appear on the map (cameras with positions, found by a GIS query)
// and one plays over the live WebSocket as decodable fMP4.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { freePortRange } from '../helpers/ports';
import { consoleUrl, embeddedEnv, run, tempDir, within } from '../helpers/cli-processes';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';
import { LiveClient } from '../helpers/live-client';
import { DEMO_GB_NVR_ID, demoGbChannels } from '../../gateway/cli/demo-gb';

const CAMERAS = 2;

describe('cloudeye demo: GB/T 28181 NVR', function () {
  this.timeout(180000);

  it("lists the NVR's channels as cameras on the map and plays one", async () => {
    const dir = tempDir('ce-demo-gb-');
    const base = await freePortRange(CAMERAS + 3);
    const gbPort = base + CAMERAS + 2;
    const flags = ['--port', '0', '--cameras', String(CAMERAS), '--record', '0'];
    flags.push('--rtsp-port', String(base + 1), '--onvif-port', String(base + 2), '--gb-port', String(gbPort));
    const demo = run('node', ['gateway/cli/bin.mjs', 'demo', ...flags], { env: embeddedEnv(dir, base) });
    try {
      const url = await consoleUrl(demo, 120000);
      assert.match(
        demo.out(),
        new RegExp(`GB/T 28181: platform \\d{20} on 127.0.0.1:${gbPort}, NVR ${DEMO_GB_NVR_ID} with 4 channels`),
      );
      const login = await fetch(new URL('/api/v1/auth/login', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'police.operator', password: 'cloudeye-demo' }),
      });
      const token = ((await login.json()) as { accessToken: string }).accessToken;
      const call = async (method: string, p: string, body?: unknown): Promise<any> =>
        (
          await fetch(new URL(p, url), {
            method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            ...(body ? { body: JSON.stringify(body) } : {}),
          })
        ).json();
      let gb: any[] = [];
      const listed = await within(30000, async () => {
        gb = ((await call('GET', '/api/v1/cameras?limit=100')).items as any[]).filter((c) => c.source === 'gb28181');
        return gb.length === 4 && gb.every((c) => c.status === 'online');
      });
      assert.ok(listed, `${JSON.stringify(gb).slice(0, 800)}\n${demo.out().slice(-1500)}`);
      const channels = demoGbChannels();
      const first = gb.find((c) => c.gbChannelId === channels[0]!.id);
      assert.deepEqual(
        [first.lng, first.lat, first.name],
        [channels[0]!.longitude, channels[0]!.latitude, channels[0]!.name],
      );
      const near = await call('GET', `/api/v1/gis/nearby?lng=${first.lng}&lat=${first.lat}&radius=30&order=distance`);
      assert.equal(near.items[0]?.camera.id, first.id, JSON.stringify(near));
      const s = await call('POST', `/api/v1/cameras/${first.id}/streams`, { profile: 'main' });
      assert.ok(s.live, JSON.stringify(s));
      const c = await LiveClient.open(url.replace(/^http/, 'ws').replace(/\/$/, '') + s.live, { keep: true });
      await c.until(() => c.fragments.length >= 30, 30000, '30 fragments of the GB channel');
      await c.close();
      const dec = decodeVideo(Buffer.concat(c.binaries));
      assert.ok(dec.frames >= 30, `decoded ${dec.frames}`);
      assert.equal(dec.errors, '');
    } finally {
      demo.child.kill('SIGINT');
      const code = await demo.exited;
      rmSync(dir, { recursive: true, force: true });
      // after the test's own failure, if any (a finally's assertion would hide it)
      if (code !== 0) process.stderr.write(demo.out().slice(-2000));
      assert.equal(code, 0, 'the demo stops cleanly');
    }
  });
});
