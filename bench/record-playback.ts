// The record bench's playback phase: 24 h of footage of one camera (real segments, indexed over the day), first frame in Chromium.
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { StreamHub } from '../transcoder/fanout/stream-hub';
import { FragmentReader } from '../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../transcoder/fmp4/types';
import { SegmentWriter, type ClosedSegment } from '../transcoder/record/segment-writer';
import { segmentRelPath } from '../transcoder/record/segment-names';
import { startRig, type Rig } from './live-rig';
import { median, spread } from './live-stats';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/**
 * `count` real segments of `seconds` each, as the recorder writes them: ffmpeg's fMP4 of a test pattern shaped as
 * the simulated cameras send (640x360, 15 fps, a keyframe a second) through a SegmentWriter under `root`.
 */
async function realSegments(root: string, cam: string, count: number, seconds: number): Promise<ClosedSegment[]> {
  const fps = 15;
  const mp4 = execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=${fps}`, '-t', String(count * seconds)],
      ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(fps), '-bf', '0'],
      ...['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'],
    ],
    { maxBuffer: 512 * 1024 * 1024 },
  );
  const t0 = Date.now() - 86_400_000 * 2;
  let init: InitSegment | null = null;
  const frags: Array<Omit<Fragment, 'seq'>> = [];
  new FragmentReader({
    generation: 0,
    sliceCodec: 'h264',
    onInit: (i) => (init = i),
    onFragment: (f) => frags.push({ ...f, receivedAt: t0 + (f.startS + f.durationS) * 1000 }),
    onError: (e) => {
      throw e;
    },
  }).push(mp4);
  const out: ClosedSegment[] = [];
  const w = new SegmentWriter({
    root,
    cameraId: cam,
    profile: 'main',
    segmentSeconds: seconds,
    onSegment: (s) => out.push(s),
    onError: (e) => {
      throw new Error(e.message);
    },
  });
  const hub = new StreamHub(`${cam}.main`);
  hub.addTap(w);
  if (!init) throw new Error('bench record: ffmpeg wrote no init segment');
  hub.publishInit(init);
  for (const f of frags) hub.publishFragment(f);
  hub.endRun('done');
  await w.close();
  return out;
}

/**
 * `hours` of footage of camera `cam` ending a minute ago: every `seconds` slot is a hard link to one of `distinct`
 * real segments under the slot's own name, indexed by batched INSERTs (with each row's gap to the previous).
 */
export async function synthesizeFootage(
  rig: Rig,
  volume: string,
  cam: string,
  o: { seconds: number; distinct: number; hours: number },
): Promise<number> {
  const { seconds, distinct } = o;
  const staging = path.join(volume, 'staging');
  const real = await realSegments(staging, cam, distinct, seconds);
  if (real.length < 1) throw new Error('bench record: no real segment was written');
  const slotMs = seconds * 1000;
  const spanMs = o.hours * 3_600_000;
  const dayStart = Math.floor((Date.now() - 60_000 - spanMs) / slotMs) * slotMs;
  const slots = Math.floor(spanMs / slotMs);
  const dept = (await rig.gw.repos.org.departments())[0]!.id;
  const knex = rig.gw.db.knex;
  let rows: Record<string, unknown>[] = [];
  let prevEnd: number | null = null;
  for (let i = 0; i < slots; i++) {
    const r = real[i % real.length]!;
    const startMs = dayStart + i * slotMs;
    const endMs = startMs + (r.endTime - r.startTime);
    const rel = segmentRelPath(cam, 'main', startMs);
    mkdirSync(path.join(volume, path.dirname(rel)), { recursive: true });
    linkSync(path.join(staging, r.relPath), path.join(volume, rel));
    rows.push({
      camera_id: cam,
      department_id: dept,
      profile: 'main',
      start_at: new Date(startMs),
      end_at: new Date(endMs),
      bytes: r.bytes,
      volume,
      path: rel,
      kind: 'continuous',
      generation: 0,
      prev_gap_ms: prevEnd === null ? null : startMs - prevEnd,
    });
    prevEnd = endMs;
    if (rows.length === 1000 || i === slots - 1) {
      await knex('recording_segments').insert(rows);
      rows = [];
    }
  }
  return dayStart;
}

/** playback_first_frame_ms: a random time of the footage asked → the first frame decoded and presented by a <video>. */
export async function measurePlayback(
  log: (l: string) => void,
  o: { runs: number; segmentS: number; hours: number; distinct: number },
): Promise<void> {
  const volume = mkdtempSync(path.join(tmpdir(), 'ce-bench-playback-'));
  const rig = await startRig([], {}, { config: { recording: { volumes: [{ path: volume, quotaBytes: 0 }] } } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    // a camera that is not reachable now: its footage is all there is
    const c = await rig.api('POST', '/api/v1/cameras', {
      name: 'brec-playback',
      mainUri: 'rtsp://127.0.0.1:9/main',
      streams: { main: { codec: 'h264' } },
      lng: 111.69,
      lat: 29.03,
    });
    if (c.status !== 201) throw new Error(`bench record: registering the camera failed: ${c.status} ${c.text}`);
    const cam = { id: c.body.id as string };
    const t = Date.now();
    const dayStart = await synthesizeFootage(rig, volume, cam.id, {
      seconds: o.segmentS,
      distinct: o.distinct,
      hours: o.hours,
    });
    log(
      `# playback: ${o.hours} h of ${o.segmentS} s segments (${o.distinct} real ones) indexed for one camera in` +
        ` ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
    const xs: number[] = [];
    for (let k = 0; k < o.runs; k++) {
      const at = dayStart + Math.floor(Math.random() * o.hours * 3_600_000);
      const context = await browser.newContext({ baseURL: rig.base });
      try {
        const page = await context.newPage();
        await page.addInitScript({ content: 'window.__name = (f) => f;' });
        await page.goto('/');
        const r = await page.evaluate(
          async ({ camId, token, start }) => {
            const t0 = performance.now();
            const res = await fetch(`/api/v1/cameras/${camId}/playback`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ start }),
            });
            const session = (await res.json()) as { stream?: string; firstSegmentStart?: string; message?: string };
            if (!session.stream) return { error: `${res.status} ${JSON.stringify(session)}` };
            const openedMs = performance.now() - t0;
            const v = document.createElement('video');
            v.muted = true;
            v.playsInline = true;
            document.body.append(v);
            const shown = new Promise<number>((resolve, reject) => {
              v.requestVideoFrameCallback(() => resolve(performance.now()));
              v.onerror = () => reject(new Error(`video error ${v.error?.code} ${v.error?.message}`));
              setTimeout(() => reject(new Error('no frame in 30 s')), 30_000);
            });
            v.src = session.stream;
            await v.play();
            const at = await shown;
            return { ms: at - t0, openedMs, first: session.firstSegmentStart, width: v.videoWidth };
          },
          { camId: cam.id, token: rig.token, start: new Date(at).toISOString() },
        );
        if ('error' in r) throw new Error(`bench record: playback at ${new Date(at).toISOString()}: ${r.error}`);
        if (!(r.width! > 0)) throw new Error('bench record: the first frame has no picture size');
        xs.push(r.ms!);
        log(
          `# playback run ${k + 1}: ${r.ms!.toFixed(0)} ms from ${new Date(at).toISOString()} (session opened in` +
            ` ${r.openedMs!.toFixed(0)} ms, first segment ${r.first}, ${r.width} px wide)`,
        );
      } finally {
        await context.close();
      }
    }
    log(`# playback: spread ${spread(xs)}`);
    log(`bench playback_first_frame_ms ${median(xs).toFixed(0)} ms`);
  } finally {
    await browser.close();
    await rig.close();
    rmSync(volume, { recursive: true, force: true });
  }
}
