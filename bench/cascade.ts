// Cascade benchmark (cloudeye bench cascade): a township gateway linked to a city gateway on this machine; the first
// frame of a township camera for the city's operator (through the link) against the township's own operator's first
// frame of another camera of the same simulator, same run, both cold (no pull running anywhere before the call).
import { rmSync } from 'node:fs';
import { WebSocket } from 'ws';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { FragmentReader } from '../transcoder/fmp4/fragment-reader';
import { BENCH_USER, startRig, type Rig } from './live-rig';
import { cascadeServerConfig, cascadeUpstreamConfig, makeCascadeCerts } from './cascade-certs';
import { median, spread } from './live-stats';

const TOKEN = 'bench-cascade-token-0123456789';

export interface CascadeBenchOptions {
  log: (line: string) => void;
  /** Two calls each: a smoke test, not a measurement. */
  quick?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Milliseconds from the stream call to the first keyframe fragment received on the live WebSocket. */
async function firstFrame(rig: Rig, cameraId: string): Promise<number> {
  const t0 = performance.now();
  const r = await rig.api('POST', `/api/v1/cameras/${cameraId}/streams`, { profile: 'main', reason: 'bench' });
  if (r.status !== 201) throw new Error(`bench cascade: stream call of ${cameraId}: ${r.status} ${r.text}`);
  const ws = new WebSocket(`ws://127.0.0.1:${rig.gw.port}${r.body.live as string}`, { perMessageDeflate: false });
  try {
    return await new Promise<number>((resolve, reject) => {
      let expectInit = false;
      const reader = new FragmentReader({
        generation: 0,
        sliceCodec: null,
        onInit: () => undefined,
        onFragment: (f) => {
          if (f.keyframe) resolve(performance.now() - t0);
        },
        onError: (e) => reject(e),
      });
      const timer = setTimeout(() => reject(new Error(`bench cascade: no keyframe of ${cameraId} in 20 s`)), 20_000);
      ws.on('message', (data: Buffer, binary: boolean) => {
        if (!binary) {
          expectInit = (JSON.parse(data.toString()) as { type?: string }).type === 'init';
          return;
        }
        if (expectInit) expectInit = false;
        reader.push(data);
      });
      ws.once('close', () => clearTimeout(timer));
      ws.once('error', reject);
    });
  } finally {
    ws.terminate();
  }
}

export async function run(opts: CascadeBenchOptions): Promise<void> {
  const { log } = opts;
  // a cold first frame waits for the camera's next keyframe (0–1 s with a 1 s GOP): ten calls a side per run
  const calls = opts.quick ? 2 : 10;
  const certs = makeCascadeCerts();
  const sim = await RtspProcess.start({ count: 2 * calls, codec: 'h264', clock: true, gopS: 1 });
  const city = await startRig(
    [],
    {},
    {
      config: {
        cascade: cascadeServerConfig(certs, [
          { name: 'town-a', token: TOKEN, department: 'police', commonName: 'town-a' },
        ]),
      },
    },
  );
  let town: Rig | null = null;
  try {
    const port = city.gw.services.cascade.upper!.server.port;
    town = await startRig(
      [sim],
      {},
      {
        config: {
          cascade: cascadeUpstreamConfig(certs, { port, name: 'town-a', token: TOKEN, actAs: BENCH_USER }),
        },
      },
    );
    const own = await town.register('own', sim, calls, 0);
    const up = await town.register('up', sim, calls, calls);
    const catalog = city.gw.services.cascade.upper!;
    const mapped = new Map<string, string>();
    const missing = (): boolean => up.some((c) => !mapped.has(c.id));
    for (const end = Date.now() + 20_000; missing() && Date.now() < end; await sleep(100))
      for (const c of await city.gw.repos.cameras.cascadeCameras('town-a')) mapped.set(c.cascadeCameraId!, c.id);
    if (missing())
      throw new Error(
        `bench cascade: the city holds ${mapped.size} cameras, not the ${calls} measured (link: ${catalog.links.size})`,
      );
    const township: number[] = [];
    const cityFigures: number[] = [];
    for (let k = 0; k < calls; k++) {
      // the simulator's cameras share one clock: a call made right after another one's first frame would always start
      // just after a keyframe and wait a whole GOP; call k of each side starts at the same point of the GOP instead,
      // spread over it from call to call (as the wall benchmark clicks at a random point of its GOP)
      const phaseMs = Math.round(((k * 0.618) % 1) * 1000);
      const call = async (rig: Rig, id: string): Promise<number> => {
        await sleep(phaseMs);
        return firstFrame(rig, id);
      };
      // alternately first, so neither side always runs right after the other
      if (k % 2) cityFigures.push(await call(city, mapped.get(up[k]!.id)!));
      township.push(await call(town, own[k]!.id));
      if (k % 2 === 0) cityFigures.push(await call(city, mapped.get(up[k]!.id)!));
      log(
        `# call ${k + 1} (after ${phaseMs} ms): township ${township[k]!.toFixed(0)} ms, city ${cityFigures[k]!.toFixed(0)} ms`,
      );
    }
    const t = median(township);
    const c = median(cityFigures);
    log(`# township first frame ${spread(township)} ms; city first frame ${spread(cityFigures)} ms`);
    log(`bench cascade_township_first_frame_ms ${t.toFixed(0)} ms`);
    log(`bench cascade_city_first_frame_ms ${c.toFixed(0)} ms`);
    log(`bench cascade_first_frame_ratio ${(c / t).toFixed(2)} x`);
  } finally {
    await town?.close();
    await city.close();
    rmSync(certs.dir, { recursive: true, force: true });
  }
}
