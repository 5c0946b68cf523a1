// The wall bench's PTZ phase: a simulated ONVIF dome (its picture a clock camera), registered as the console registers
// devices; an arrow key pressed on its focused pane → the ONVIF request's arrival at the camera (its own receipt times).
import type { Browser } from 'playwright-core';
import { SimOnvifCamera } from '../sim/cameras/onvif-camera';
import type { RtspProcess } from '../sim/cameras/rtsp-process';
import { closePage, consolePage, playAndMeasure } from './live-page';
import type { Rig, RigCamera } from './live-rig';
import { percentile, spread } from './live-stats';

const USER = 'admin';
const PASSWORD = 'bench-dome';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A PTZ dome of the rig: the camera as the console shows it and the simulated device behind it. */
export interface BenchDome {
  cam: RigCamera;
  device: SimOnvifCamera;
}

/** Starts a simulated ONVIF dome whose streams are camera `index` of `sim`, and registers it through a network. */
export async function addDome(rig: Rig, sim: RtspProcess, index: number): Promise<BenchDome> {
  const device = new SimOnvifCamera({
    index,
    host: '127.0.0.1',
    port: 0,
    vendor: 'hikvision',
    codec: 'h264',
    rtspMain: sim.url(index, 'main'),
    rtspSub: sim.url(index, 'sub'),
    username: USER,
    password: PASSWORD,
    ptz: true,
  });
  await device.start();
  try {
    const net = await rig.api('POST', '/api/v1/networks', {
      name: 'bench-wall-ptz',
      hosts: [`127.0.0.1:${device.port}`],
      username: USER,
      password: PASSWORD,
    });
    if (net.status !== 201) throw new Error(`bench wall: creating the network failed: ${net.status} ${net.text}`);
    const [lng, lat] = rig.gw.config.map.center as [number, number];
    const name = 'blw-ptz-dome';
    const r = await rig.api('POST', '/api/v1/discovery/devices/register', {
      xaddr: device.xaddr,
      networkId: net.body.id,
      name,
      lng: lng + 0.004,
      lat: lat - 0.004,
    });
    if (r.status !== 201 || r.body.capabilities?.ptz !== true)
      throw new Error(`bench wall: registering the dome failed: ${r.status} ${r.text}`);
    return { cam: { id: r.body.id as string, name, sim, index }, device };
  } catch (e) {
    await device.close();
    throw e;
  }
}

/** Waits for the dome's first `operation` received at or after `since` (ms since the epoch). */
async function arrival(dome: BenchDome, operation: string, since: number, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const hit = dome.device.ptzReceived.find((r) => r.operation === operation && r.at >= since);
    if (hit) return hit.at;
    if (Date.now() > end) {
      const got = dome.device.ptzReceived.map((r) => r.operation).join(',') || 'nothing';
      throw new Error(`bench wall: no ${operation} reached the dome in ${timeoutMs} ms (it received ${got})`);
    }
    await sleep(2);
  }
}

/**
 * `samples` presses of an arrow key on the dome's focused pane (held 200–500 ms, released), left and right in
 * turn: key down (the page's keydown, Date.now()) → ContinuousMove received; key up → Stop received. Then the same
 * move and stop through the REST API alone, timed from the call, as the baseline the console adds to.
 */
export async function measurePtz(
  rig: Rig,
  browser: Browser,
  dome: BenchDome,
  log: (l: string) => void,
  samples: number,
): Promise<void> {
  const page = await consolePage(browser, rig.base, 'mse');
  try {
    await playAndMeasure(page, dome.cam);
    const pane = `.video-wall .pane[data-camera-id="${dome.cam.id}"]`;
    await page.locator(`${pane} .ptz`).waitFor({ state: 'visible', timeout: 15_000 });
    // the operator clicks into the picture: the pane takes focus
    const box = (await page.locator(`${pane} video`).boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const focused = await page.evaluate((sel) => document.activeElement === document.querySelector(sel), pane);
    if (!focused) throw new Error('bench wall: the dome pane did not take focus on a click');
    await page.evaluate(() => {
      const w = window as unknown as { __keys: Record<string, number> };
      w.__keys = {};
      const note = (e: KeyboardEvent): void => void (w.__keys[`${e.type}:${e.key}`] = Date.now());
      document.addEventListener('keydown', note, true);
      document.addEventListener('keyup', note, true);
    });
    const keyAt = (k: string): Promise<number> =>
      page.evaluate((name) => (window as unknown as { __keys: Record<string, number> }).__keys[name]!, k);
    const press: number[] = [];
    const release: number[] = [];
    for (let k = 0; k < samples; k++) {
      const key = k % 2 === 0 ? 'ArrowRight' : 'ArrowLeft';
      await sleep(200 + Math.random() * 300);
      await page.keyboard.down(key);
      const down = await keyAt(`keydown:${key}`);
      press.push((await arrival(dome, 'ContinuousMove', down)) - down);
      await sleep(200 + Math.random() * 300);
      await page.keyboard.up(key);
      const up = await keyAt(`keyup:${key}`);
      release.push((await arrival(dome, 'Stop', up)) - up);
      log(
        `# ptz press ${k + 1} (${key}): ContinuousMove after ${press.at(-1)} ms; Stop ${release.at(-1)} ms after the release`,
      );
    }
    const api: number[] = [];
    for (let k = 0; k < samples; k++) {
      await sleep(200 + Math.random() * 300);
      const t0 = Date.now();
      const mv = await rig.api('POST', `/api/v1/cameras/${dome.cam.id}/ptz/move`, { pan: k % 2 ? -0.5 : 0.5, tilt: 0 });
      if (mv.status !== 204) throw new Error(`bench wall: ptz move through the API: ${mv.status} ${mv.text}`);
      api.push((await arrival(dome, 'ContinuousMove', t0)) - t0);
      await rig.api('POST', `/api/v1/cameras/${dome.cam.id}/ptz/stop`);
    }
    log(`# ptz key press → ContinuousMove: ${press.join(' ')}; spread ${spread(press)}`);
    log(
      `# ptz key release → Stop: ${release.join(' ')}; spread ${spread(release)}; p95 ${percentile(release, 95).toFixed(0)} ms`,
    );
    log(`# ptz API call → ContinuousMove (baseline, no console): ${api.join(' ')}; spread ${spread(api)}`);
    log(`bench ptz_command_p95_ms ${percentile(press, 95).toFixed(0)} ms`);
    log(`bench ptz_api_command_p95_ms ${percentile(api, 95).toFixed(0)} ms`);
  } finally {
    await closePage(page);
  }
}
