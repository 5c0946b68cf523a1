// HLS VOD of a playback session for integrators: a playlist of the segment files (index rows only), their inits and fragments.
import { readFile } from 'node:fs/promises';
import { parseSegmentMedia, splitInit } from '../../transcoder/record/segment-media';
import { retime } from '../../transcoder/fmp4/retime';
import { NotFoundError } from '../errors';
import type { SegmentRecord } from '../db/recordings-repo';
import type { PlaybackGrant } from './playback-access';
import type { PlaybackService } from './playback-service';

/** Two segments closer than this (ms) and of the same run continue each other's timeline; otherwise a discontinuity. */
const CONTIGUOUS_MS = 250;
const FILE = /^(init|seg)-(\d{1,18})\.(mp4|m4s)$/;
/** Media time of the session's first segment, seconds: room for audio that starts before the first video sample. */
const HLS_START_S = 10;

/**
 * The playlist of a session's window from the index: EXT-X-MAP (the segment file's own init) at the start and after
 * every discontinuity, EXT-X-DISCONTINUITY where footage was missing (or a new recording run began),
 * EXT-X-PROGRAM-DATE-TIME on every segment, and EXT-X-ENDLIST once the window is over (footage still being recorded
 * inside the window is listed as it comes: playlist type EVENT until then).
 */
export async function hlsPlaylist(pb: PlaybackService, g: PlaybackGrant, nowMs = Date.now()): Promise<string> {
  const { cam, prof, start, end } = g.claims;
  // footage played elsewhere (a camera's device, a lower platform) has no files here
  if (prof !== 'main' && prof !== 'sub')
    throw new NotFoundError(`playback: ${prof} footage is served as stream.mp4 only`);
  const segs = await pb.present(cam, prof, start, end);
  if (!segs.length) throw new NotFoundError('playback: the footage of this session is no longer there');
  const closed = end <= nowMs;
  const target = Math.max(1, ...segs.map((s) => Math.ceil((s.endMs - s.startMs) / 1000)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-DISCONTINUITY-SEQUENCE:0',
    `#EXT-X-PLAYLIST-TYPE:${closed ? 'VOD' : 'EVENT'}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let prev: SegmentRecord | null = null;
  for (const s of segs) {
    const joined = prev && prev.generation === s.generation && Math.abs(s.startMs - prev.endMs) <= CONTIGUOUS_MS;
    if (prev && !joined) lines.push('#EXT-X-DISCONTINUITY');
    if (!joined) lines.push(`#EXT-X-MAP:URI="init-${s.id}.mp4"`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startMs).toISOString()}`);
    lines.push(`#EXTINF:${((s.endMs - s.startMs) / 1000).toFixed(3)},`);
    lines.push(`seg-${s.id}.m4s`);
    prev = s;
  }
  if (closed) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** True for the names a session's HLS serves besides its playlist: init-<segment id>.mp4, seg-<segment id>.m4s. */
export function isHlsFileName(name: string): boolean {
  return FILE.test(name);
}

/**
 * The bytes of `init-<id>.mp4` (the segment file's ftyp + moov) or `seg-<id>.m4s` (its fragments): the segment must
 * be an index row of the session's camera and profile overlapping its window, and present. 404 otherwise.
 * Fragments are re-timed onto the playlist's timeline (HLS_START_S + the EXTINF durations before the segment), so
 * decode times never go back at a discontinuity, whatever the player does with the tag.
 */
export async function hlsFile(
  pb: PlaybackService,
  g: PlaybackGrant,
  name: string,
  repo: SegmentLookup,
): Promise<Buffer> {
  const m = FILE.exec(name);
  if (!m || (m[1] === 'init') !== (m[3] === 'mp4'))
    throw new NotFoundError(`playback: no file ${JSON.stringify(name)}`);
  const { cam, prof, start, end } = g.claims;
  const seg = await repo.segment(m[2]!);
  if (!seg || seg.missing || seg.cameraId !== cam || seg.profile !== prof || seg.endMs <= start || seg.startMs >= end)
    throw new NotFoundError(`playback: segment ${m[2]} is not part of this session`);
  const data = await readFile(pb.fileOf(seg)).catch(() => {
    throw new NotFoundError(`playback: segment ${m[2]} is no longer there`);
  });
  if (m[1] === 'init') return splitInit(data).init;
  const list = await pb.present(cam, prof as 'main' | 'sub', start, end);
  const at = list.findIndex((s) => s.id === seg.id);
  if (at < 0) throw new NotFoundError(`playback: segment ${m[2]} is not part of this session`);
  const offsetMs = list.slice(0, at).reduce((sum, s) => sum + (s.endMs - s.startMs), 0);
  const media = parseSegmentMedia(data, `segment ${seg.id}`);
  const v0 = media.fragments.find((f) => f.video)!;
  const shiftS = HLS_START_S + offsetMs / 1000 - v0.startS;
  const deltas = new Map([...media.info.tracks].map(([id, t]) => [id, Math.round(shiftS * t.timescale)]));
  return Buffer.concat(media.fragments.map((f) => retime(f.data, deltas)));
}

/** The index lookup hlsFile needs (RecordingsRepo provides it). */
export interface SegmentLookup {
  segment(id: string): Promise<SegmentRecord | null>;
}
