// The record bench's retention phase: cameras fill a volume with a small quota; how far the files on disk ever go over it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { parseSegmentRelPath } from '../transcoder/record/segment-names';
import { startRig, type Rig } from './live-rig';
import { sleep } from './transcoder-proc';

export interface RecordRetentionOptions {
  cameras: number;
  /** Segment length, seconds. */
  segmentS: number;
  /** Segments per camera the quota holds. */
  keep: number;
  /** How long the filled volume keeps recording (retention at work), seconds. */
  fillS: number;
}

interface OnDisk {
  cameraId: string;
  startMs: number;
  bytes: number;
}

/** The closed segments under `root` (names parsed, sizes read once: a segment file never changes). */
function segmentsOnDisk(root: string, sizes: Map<string, number>): OnDisk[] {
  const out: OnDisk[] = [];
  for (const rel of readdirSync(root, { recursive: true }) as string[]) {
    const name = parseSegmentRelPath(rel.split(path.sep).join('/'));
    if (!name) continue;
    let bytes = sizes.get(rel);
    if (bytes === undefined) {
      try {
        bytes = statSync(path.join(root, rel)).size;
      } catch {
        continue; // deleted since the listing
      }
      sizes.set(rel, bytes);
    }
    out.push({ cameraId: name.cameraId, startMs: name.startMs, bytes });
  }
  return out;
}

/** Per camera, how many of the newest segments on disk are over `quota` (removing them brings the total under it). */
export function overQuota(segs: OnDisk[], quota: number): Map<string, number> {
  const over = new Map<string, number>();
  let total = segs.reduce((a, s) => a + s.bytes, 0);
  for (const s of [...segs].sort((a, b) => b.startMs - a.startMs)) {
    if (total <= quota) break;
    total -= s.bytes;
    over.set(s.cameraId, (over.get(s.cameraId) ?? 0) + 1);
  }
  return over;
}

async function recordingRig(
  sim: RtspProcess,
  cameras: number,
  volume: string,
  segmentS: number,
  quotaBytes: number,
): Promise<Rig> {
  const rig = await startRig(
    [],
    { idleTimeoutS: 30 },
    {
      config: {
        recording: {
          volumes: [{ path: volume, quotaBytes }],
          reserveBytes: 64 * 1024 * 1024,
          segmentSeconds: segmentS,
          planIntervalS: 1,
          defaultPlan: { mode: 'continuous', profile: 'main', preRollS: 1, postRollS: 1 },
        },
      },
    },
  );
  await rig.register('ret', sim, cameras);
  rig.gw.services.recordings.invalidate();
  return rig;
}

export async function measureRetention(log: (l: string) => void, o: RecordRetentionOptions): Promise<void> {
  const sim = await RtspProcess.start({ count: o.cameras, codec: 'h264', gopS: 1 });
  const probeDir = mkdtempSync(path.join(tmpdir(), 'ce-bench-retention-probe-'));
  const volume = mkdtempSync(path.join(tmpdir(), 'ce-bench-retention-'));
  let rig: Rig | null = null;
  try {
    // the size of a segment of these cameras: ffmpeg copies one camera's stream for two segments' time
    const probeS = o.segmentS * 2;
    const probe = execFileSync(
      'ffmpeg',
      [
        ...['-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', sim.url(0, 'main'), '-map', '0:v'],
        ...['-c', 'copy', '-t', String(probeS), '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov', 'pipe:1'],
      ],
      { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
    );
    const segBytes = (probe.length / probeS) * o.segmentS;
    const quota = Math.round(segBytes * o.keep * o.cameras);
    log(
      `# retention: segments of ${o.segmentS} s are ${(segBytes / 1000).toFixed(0)} kB; quota ${quota} bytes (${o.keep} a camera)`,
    );

    // the fill-up: recording into the quota, then on with retention deleting, the disk sampled every 100 ms
    rig = await recordingRig(sim, o.cameras, volume, o.segmentS, quota);
    const sizes = new Map<string, number>();
    // from the first segment on disk: the quota filled, then fillS on with retention deleting; at least one
    // deletion a camera before it stops (a loaded machine starts its recorders late), within two minutes more
    const fillMs = ((o.keep + 2) * o.segmentS + o.fillS) * 1000;
    const giveUpAt = Date.now() + 60_000 + fillMs + 120_000;
    let firstAt = Infinity;
    let worst = 0;
    let worstAt = '';
    let samples = 0;
    let peakBytes = 0;
    let files = 0;
    let deleted = 0;
    while (Date.now() < giveUpAt && (Date.now() < firstAt + fillMs || deleted < o.cameras)) {
      const segs = segmentsOnDisk(volume, sizes);
      if (segs.length && firstAt === Infinity) firstAt = Date.now();
      deleted = sizes.size - segs.length;
      samples++;
      files = Math.max(files, segs.length);
      peakBytes = Math.max(
        peakBytes,
        segs.reduce((a, s) => a + s.bytes, 0),
      );
      for (const [cam, n] of overQuota(segs, quota))
        if (n > worst) {
          worst = n;
          worstAt = `camera ${cam} at ${new Date().toISOString()}`;
        }
      await sleep(100);
    }
    log(
      `# retention: ${o.cameras} cameras, ${samples} samples of the disk; peak ${peakBytes} bytes of ${quota} (` +
        `${((peakBytes / quota - 1) * 100).toFixed(1)} % over), at most ${files} segments at once, ${deleted} deleted;` +
        ` worst ${worst} over${worst ? ` (${worstAt})` : ''}`,
    );
    if (deleted === 0) throw new Error('bench record: retention deleted nothing: the run never filled its quota');
    log(`bench retention_overshoot_segments ${worst} segments`);
  } finally {
    await rig?.close();
    await sim.close();
    rmSync(volume, { recursive: true, force: true });
  }
}
