// bench gb_first_frame_ms / gb_first_frame_ratio: click → first decoded frame in Chromium for GB/T 28181 channels (a simulated NVR
// fronting clock cameras of 1 s GOP) and, interleaved in the same run, for the same cameras registered over RTSP (the baseline).
import type { Browser } from 'playwright-core';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { SimGbDevice } from '../sim/gb28181/device';
import { closePage, consolePage, playAndMeasure } from './live-page';
import { startRig, type RigCamera } from './live-rig';
import { median, spread } from './live-stats';

const SERVER_ID = '34020000002000000001';
const REALM = '3402000000';
const NVR = '34020000001180000001';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `runs` cold first frames of each kind, GB/T 28181 and RTSP alternately, each on a camera not played before, at
 * stratified random phases of the encoders' GOP (as bench live does): the NVR's channel k and the RTSP camera k are one
 * simulated camera's main stream, so both wait for the same keyframes.
 */
export async function gbFirstFrame(browser: Browser, log: (l: string) => void, runs: number): Promise<void> {
  const sim = await RtspProcess.start({ count: runs, codec: 'h264', clock: true, gopS: 1 });
  const rig = await startRig(
    [sim],
    {},
    {
      config: {
        gb28181: {
          enabled: true,
          id: SERVER_ID,
          realm: REALM,
          host: '127.0.0.1',
          udpPort: 0,
          tcpPort: 0,
          password: 'pw',
        },
      },
    },
  );
  let nvr: SimGbDevice | null = null;
  try {
    const rtsp = await rig.register('rtsp', sim, runs, 0);
    const [lng0, lat0] = rig.gw.config.map.center as [number, number];
    const names = Array.from({ length: runs }, (_, k) => `blv-gb-${String(k).padStart(3, '0')}`);
    nvr = new SimGbDevice({
      id: NVR,
      server: { host: '127.0.0.1', port: rig.gw.services.gb!.server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'pw',
      channels: names.map((name, k) => ({
        id: `${REALM}131${String(k + 1).padStart(7, '0')}`,
        name,
        longitude: lng0 + ((k % 20) - 10) * 0.0015,
        latitude: lat0 + 0.01 + Math.floor(k / 20) * 0.0014,
        ptzType: 3,
        rtspUrl: sim.url(k, 'main'),
      })),
    });
    await nvr.start();
    const gb: RigCamera[] = [];
    for (let tries = 0; gb.length < runs && tries < 100; tries++) {
      await sleep(200);
      const r = await rig.api('GET', '/api/v1/cameras?limit=500');
      const byName = new Map((r.body.items as any[]).filter((c) => c.source === 'gb28181').map((c) => [c.name, c.id]));
      if (names.every((n) => byName.has(n)))
        gb.push(...names.map((name, k) => ({ id: byName.get(name) as string, name, sim, index: k })));
    }
    if (gb.length < runs) throw new Error(`bench gb28181: the NVR's ${runs} channels did not become cameras`);
    await rig.gw.reload();
    const figures: Record<'gb' | 'rtsp', number[]> = { gb: [], rtsp: [] };
    let keyframeAt: number | null = null;
    const strata = { gb: shuffled(runs), rtsp: shuffled(runs) };
    for (let k = 0; k < runs; k++) {
      for (const kind of k % 2 === 0 ? (['gb', 'rtsp'] as const) : (['rtsp', 'gb'] as const)) {
        const cam = (kind === 'gb' ? gb : rtsp)[k]!;
        const page = await consolePage(browser, rig.base, 'mse');
        const target = ((strata[kind][k]! + Math.random()) / runs) * 1000;
        const untilPhase = (): Promise<void> =>
          keyframeAt === null
            ? sleep(Math.random() * 1000)
            : sleep((((target - (Date.now() - keyframeAt)) % 1000) + 1000) % 1000);
        try {
          const r = await playAndMeasure(page, cam, untilPhase);
          keyframeAt ??= r.clickWall + r.keyframeWaitMs;
          figures[kind].push(r.firstFrameMs);
          log(
            `# cold ${kind === 'gb' ? 'gb28181' : 'rtsp   '} run ${k + 1}: ${r.firstFrameMs.toFixed(0)} ms (pane transport ` +
              `'${r.transport}'; first frame captured ${r.keyframeWaitMs} ms after the click, shown ${r.firstLatencyMs} ms after its capture)`,
          );
        } finally {
          await closePage(page);
        }
      }
    }
    for (const [kind, xs] of Object.entries(figures))
      log(`# ${kind}: ${xs.map((x) => x.toFixed(0)).join(' ')}; spread ${spread(xs)}`);
    const g = median(figures.gb);
    const r = median(figures.rtsp);
    log(`bench gb_first_frame_ms ${g.toFixed(0)} ms`);
    log(`bench rtsp_first_frame_same_source_ms ${r.toFixed(0)} ms`);
    log(`bench gb_first_frame_ratio ${(g / r).toFixed(3)} x`);
  } finally {
    await nvr?.close();
    await rig.close();
  }
}

/** 0 … n−1 in random order. */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
