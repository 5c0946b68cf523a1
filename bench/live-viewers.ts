// Child process of the live bench: plain WebSocket viewers of /live/<token>/<key>, held a while, each checked to stay within maxBehindS of live.
// stdin: JSON { urls, holdS, maxBehindS }. stdout: "OPEN <n>" once every viewer had a fragment (or gave up), then one JSON result line.
import { WebSocket } from 'ws';
import { fragmentStartS, initTimescale } from './live-fmp4-time';

interface Viewer {
  ws: WebSocket;
  timescale: number;
  expectInit: boolean;
  generation: number;
  newestStartS: number | null;
  lastFragmentAt: number;
  fragments: number;
  bytes: number;
  worstBehindS: number;
  failed: string | null;
}

let cfg: { urls: string[]; holdS: number; maxBehindS: number } = { urls: [], holdS: 0, maxBehindS: 2 };
const viewers: Viewer[] = [];
let holding = false;

function open(url: string): Viewer {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const v: Viewer = {
    ws,
    timescale: 0,
    expectInit: false,
    generation: -1,
    newestStartS: null,
    lastFragmentAt: 0,
    fragments: 0,
    bytes: 0,
    worstBehindS: 0,
    failed: null,
  };
  const fail = (why: string): void => {
    if (v.failed === null) v.failed = why;
  };
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (!binary) {
      const msg = JSON.parse(data.toString()) as { type: string; generation?: number; edgeS?: number | null };
      if (msg.type === 'init') {
        v.expectInit = true;
        v.generation = msg.generation ?? v.generation;
        v.newestStartS = null;
      } else if (msg.type === 'clock' && holding && msg.edgeS != null && v.newestStartS !== null) {
        if (msg.generation === undefined || msg.generation === v.generation) {
          const behind = msg.edgeS - v.newestStartS;
          v.worstBehindS = Math.max(v.worstBehindS, behind);
          if (behind > cfg.maxBehindS) fail(`behind ${behind.toFixed(2)} s`);
        }
      }
      return;
    }
    if (v.expectInit) {
      v.timescale = initTimescale(data) ?? 0;
      v.expectInit = false;
      return;
    }
    v.fragments++;
    v.bytes += data.length;
    v.lastFragmentAt = Date.now();
    const s = fragmentStartS(data, v.timescale);
    if (s !== null) v.newestStartS = s;
  });
  ws.on('close', (code) => holding && fail(`closed ${code}`));
  ws.on('error', (e) => fail(`error ${e.message}`));
  return v;
}

async function main(): Promise<void> {
  let input = '';
  for await (const c of process.stdin) input += String(c);
  cfg = JSON.parse(input) as typeof cfg;
  for (const url of cfg.urls) viewers.push(open(url));
  const t0 = Date.now();
  while (viewers.some((v) => v.fragments === 0 && v.failed === null) && Date.now() - t0 < 30_000)
    await new Promise((r) => setTimeout(r, 100));
  for (const v of viewers) if (v.fragments === 0) v.failed ??= 'no fragment within 30 s';
  process.stdout.write(`OPEN ${viewers.filter((v) => v.fragments > 0).length}\n`);
  holding = true;
  const end = Date.now() + cfg.holdS * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    const now = Date.now();
    for (const v of viewers)
      if (v.failed === null && now - v.lastFragmentAt > cfg.maxBehindS * 1000)
        v.failed = `no fragment for ${((now - v.lastFragmentAt) / 1000).toFixed(1)} s`;
  }
  holding = false;
  const reasons: Record<string, number> = {};
  for (const v of viewers) {
    if (!v.failed) continue;
    const k = v.failed.replace(/[\d.]+/g, 'N');
    reasons[k] = (reasons[k] ?? 0) + 1;
  }
  const worst = Math.max(0, ...viewers.map((v) => v.worstBehindS));
  const bytes = viewers.reduce((a, v) => a + v.bytes, 0);
  process.stdout.write(
    `${JSON.stringify({ viewers: viewers.length, held: viewers.filter((v) => !v.failed).length, reasons, worstBehindS: worst, bytes })}\n`,
  );
  for (const v of viewers) v.ws.terminate();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
