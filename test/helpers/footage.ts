// Real recorded footage for tests: ffmpeg's fMP4 through a SegmentWriter into a volume as if recorded at a wall time, indexed.
import assert from 'node:assert/strict';
import type { RecordingsRepo, SegmentRecord } from '../../gateway/db/recordings-repo';
import { StreamHub } from '../../transcoder/fanout/stream-hub';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { SegmentWriter, type ClosedSegment } from '../../transcoder/record/segment-writer';
import { ffmpegFmp4 } from './fmp4-ffmpeg';

/** `count` real segments of `seconds` each (1 s GOPs, 25 fps, 160x120) of camera `cam`, recorded from `t0` (ms). */
export async function writeSegments(
  root: string,
  cam: string,
  t0: number,
  count: number,
  seconds = 1,
  audio = false,
  /** Picture size (default 160x120), run number (default 0: a reconfigured camera's pull starts a new run), bulk encoding. */
  o: { size?: string; generation?: number; fast?: boolean } = {},
): Promise<ClosedSegment[]> {
  let init: InitSegment | null = null;
  const frags: Array<Omit<Fragment, 'seq'>> = [];
  new FragmentReader({
    generation: o.generation ?? 0,
    sliceCodec: 'h264',
    onInit: (i) => (init = i),
    onFragment: (f) => frags.push({ ...f, receivedAt: t0 + (f.startS + f.durationS) * 1000 }),
    onError: (e) => assert.fail(e),
  }).push(
    ffmpegFmp4({ codec: 'h264', seconds: count * seconds, gop: 25, size: o.size ?? '160x120', audio, fast: o.fast }),
  );
  const out: ClosedSegment[] = [];
  const w = new SegmentWriter({
    root,
    cameraId: cam,
    profile: 'main',
    segmentSeconds: seconds,
    onSegment: (s) => out.push(s),
    onError: (e) => assert.fail(e.message),
  });
  const hub = new StreamHub(`${cam}.main`);
  hub.addTap(w);
  hub.publishInit(init!);
  for (const f of frags) hub.publishFragment(f);
  hub.endRun('done');
  await w.close();
  return out;
}

/** Writes and indexes `count` segments of camera `cam` (department `departmentId`) recorded from `t0`. */
export async function recordFootage(
  repo: RecordingsRepo,
  volume: string,
  cam: string,
  departmentId: number | null,
  t0: number,
  count: number,
  seconds = 1,
  o: { size?: string; generation?: number; fast?: boolean } = {},
): Promise<SegmentRecord[]> {
  const rows: SegmentRecord[] = [];
  for (const s of await writeSegments(volume, cam, t0, count, seconds, false, o))
    rows.push(
      await repo.insert({
        cameraId: cam,
        departmentId,
        profile: 'main',
        startMs: s.startTime,
        endMs: s.endTime,
        bytes: s.bytes,
        volume,
        path: s.relPath,
        kind: 'continuous',
        eventIds: [],
        generation: s.generation,
      }),
    );
  return rows;
}
