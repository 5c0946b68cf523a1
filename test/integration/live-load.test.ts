// 500 WebSocket viewers of 10 cameras for 60 s beside HLS and snapshots: nobody > 2 s behind, one RTSP session per camera.
// @serial: it asserts how far behind 500 viewers fall, which another test file beside it would distort (scripts/test.mjs runs it alone).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const CAMERAS = 10;
const VIEWERS = 500;
const HOLD_MS = 60_000;
const BEHIND_MAX_MS = 2000;

/** ESTABLISHED TCP connections whose local port is `port` (the server side of each RTSP session). */
function establishedTo(port: number): number {
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      const localPort = parseInt(f[1]!.split(':')[1] ?? '', 16);
      if (localPort === port && f[3] === '01') n++;
    }
  }
  return n;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? NaN;
};

describe('live WebSocket under load', function () {
  this.timeout(180000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let admin: string;
  const ids: string[] = [];

  before(async () => {
    rtsp = new RtspProcess({ count: CAMERAS, codec: 'h264', port: 0 });
    await rtsp.start();
    t = await startTestGateway({ transcoder: { maxWorkers: 40 } });
    await t.addUser('padm', 'admin', 'police');
    admin = await t.login('padm');
    for (let i = 0; i < CAMERAS; i++) {
      // main only: snapshots then come from the running main stream, not from a second pull
      const r = await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: {
          name: `load ${i}`,
          mainUri: rtsp.url(i, 'main'),
          lng: 111.6 + i / 100,
          lat: 29,
          streams: { main: { codec: 'h264' } },
        },
      });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  it(`${VIEWERS} viewers of ${CAMERAS} cameras for 60 s: none more than 2 s behind, one RTSP session per camera`, async () => {
    const wsBase = t.base.replace(/^http/, 'ws');
    // the gateway's own record of each fragment: when it left ffmpeg, and the stream's edge at any time
    const leftFfmpeg = new Map<string, Map<string, number>>();
    /** Per stream, in arrival order: when each fragment left ffmpeg and where the edge (decode time) then was. */
    const timeline = new Map<string, Array<{ at: number; endS: number; generation: number }>>();
    const hls: Array<{ url: string }> = [];
    for (const id of ids) {
      const r = await t.api('POST', `/api/v1/cameras/${id}/streams`, { token: admin, body: { profile: 'main' } });
      assert.equal(r.status, 201, r.text);
      hls.push({ url: r.body.url });
      const key = `${id}.main`;
      const seen = new Map<string, number>();
      const line: Array<{ at: number; endS: number; generation: number }> = [];
      leftFfmpeg.set(key, seen);
      timeline.set(key, line);
      t.gw.services.supervisor.hub(key)!.addTap({
        init: () => undefined,
        fragment: (f) => {
          seen.set(`${f.generation}:${f.startS}`, f.receivedAt);
          line.push({ at: f.receivedAt, endS: f.startS + f.durationS, generation: f.generation });
        },
        end: () => undefined,
      });
    }
    // every viewer has its own stream call (session), as in the console
    const clients: Array<{ c: LiveClient; key: string }> = [];
    const t0 = Date.now();
    for (let b = 0; b < VIEWERS; b += 50)
      clients.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, VIEWERS - b) }, async (_x, i) => {
            const id = ids[(b + i) % CAMERAS]!;
            const r = await t.api('POST', `/api/v1/cameras/${id}/streams`, { token: admin, body: { profile: 'main' } });
            assert.equal(r.status, 201, r.text);
            return { c: await LiveClient.open(wsBase + r.body.live), key: `${id}.main` };
          }),
        )),
      );
    await Promise.all(clients.map(({ c }) => c.until(() => c.fragments.length > 0, 20000, 'a first fragment')));
    console.log(`      ${VIEWERS} viewers joined in ${Date.now() - t0} ms`);
    const holdStart = Date.now();

    // beside them: HLS players and snapshot calls, and the RTSP sessions counted all along
    const sessions: number[] = [];
    let hlsOk = 0;
    let snapOk = 0;
    let stop = false;
    const hlsLoop = (async () => {
      while (!stop) {
        await Promise.all(
          hls.map(async ({ url }) => {
            const pl = await fetch(t.base + url);
            const text = await pl.text();
            const uri = /URI="(part[^"]+)"/.exec(text)?.[1] ?? text.split('\n').find((l) => /^seg\d+\.m4s$/.test(l));
            if (pl.status === 200 && uri && (await fetch(t.base + url.replace('index.m3u8', uri))).status === 200)
              hlsOk++;
          }),
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const snapLoop = (async () => {
      while (!stop) {
        for (const id of ids) {
          const r = await fetch(`${t.base}/api/v1/cameras/${id}/snapshot`, {
            headers: { authorization: `Bearer ${admin}` },
          });
          await r.arrayBuffer();
          if (r.status === 200) snapOk++;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const counter = setInterval(() => sessions.push(establishedTo(rtsp.port)), 1000);
    await new Promise((r) => setTimeout(r, HOLD_MS));
    stop = true;
    clearInterval(counter);
    await Promise.all([hlsLoop, snapLoop]);

    /** The stream's edge (decode time) at wall time `at`: the end of the newest fragment out of ffmpeg by then. */
    const edgeAt = (key: string, at: number, generation: number): number | undefined => {
      const line = timeline.get(key)!;
      let lo = 0;
      let hi = line.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (line[mid]!.at <= at) lo = mid;
        else hi = mid - 1;
      }
      const e = line[lo];
      return e && e.at <= at && e.generation === generation ? e.endS : undefined;
    };
    // behind: when a fragment reached the viewer versus when it left ffmpeg, and the stream's edge then
    const byViewer: number[] = [];
    const byDecode: number[] = [];
    let counted = 0;
    for (const { c, key } of clients) {
      let worstMs = 0;
      let worstS = 0;
      for (const f of c.fragments) {
        // the first seconds after joining hold the GOP from the cache, older by design
        if (f.at < holdStart + 2000) continue;
        const left = leftFfmpeg.get(key)!.get(`${f.generation}:${f.startS}`);
        if (left !== undefined) {
          worstMs = Math.max(worstMs, f.at - left);
          counted++;
        }
        const edge = edgeAt(key, f.at, f.generation);
        if (edge !== undefined) worstS = Math.max(worstS, edge - (f.startS + f.durationS));
      }
      byViewer.push(worstMs);
      byDecode.push(worstS);
      assert.equal(c.closed, null, 'no viewer was closed');
      assert.ok(c.fragments.filter((f) => f.at >= holdStart).length > 10 * (HOLD_MS / 1000), 'it kept receiving');
    }
    console.log(
      `      worst per viewer, fragment left ffmpeg → received: p50 ${pct(byViewer, 50)} ms, p99 ${pct(byViewer, 99)} ms, ` +
        `max ${Math.max(...byViewer)} ms (${counted} fragments)`,
    );
    console.log(
      `      decode-time distance to the edge on arrival: max ${Math.max(...byDecode).toFixed(2)} s; ` +
        `RTSP sessions seen ${[...new Set(sessions)].join(',')}; HLS fetches ${hlsOk}, snapshots ${snapOk}`,
    );
    assert.ok(counted > VIEWERS * 100, `matched ${counted} fragments`);
    for (const ms of byViewer) assert.ok(ms <= BEHIND_MAX_MS, `a viewer was ${ms} ms behind`);
    assert.ok(Math.max(...byDecode) <= BEHIND_MAX_MS / 1000);
    assert.deepEqual([...new Set(sessions)], [CAMERAS], 'exactly one RTSP session per camera all along');
    assert.ok(hlsOk > 10 * CAMERAS, `HLS fetches ${hlsOk}`);
    assert.ok(snapOk >= CAMERAS, `snapshots ${snapOk}`);
    await Promise.all(clients.map(({ c }) => c.close()));
  });
});
