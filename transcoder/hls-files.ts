// HLS output files of a stream: the name whitelist, safe path resolution, playlist reading, cleanup.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isStreamKey } from './stream-spec';

/** The only names served from a stream directory: the playlist, init and media segments. */
export const FILE_NAME_WHITELIST = /^(?:index\.m3u8|init\d{1,9}\.mp4|seg\d{1,12}\.m4s)$/;

/**
 * Absolute path of `name` inside stream `key`'s directory under `hlsDir`, or null unless `key` is
 * a stream key and `name` matches FILE_NAME_WHITELIST exactly ('..', '%2e', slashes, NULs → null).
 * Does not check that the file exists.
 */
export function resolveStreamFile(hlsDir: string, key: string, name: string): string | null {
  if (typeof key !== 'string' || typeof name !== 'string') return null;
  if (!isStreamKey(key) || !FILE_NAME_WHITELIST.test(name)) return null;
  const dir = path.resolve(hlsDir, key);
  const file = path.join(dir, name);
  return path.dirname(file) === dir ? file : null;
}

/** What a live playlist says. */
export interface PlaylistInfo {
  /** EXT-X-MEDIA-SEQUENCE (0 when absent). */
  mediaSequence: number;
  /** Segment URIs listed, oldest first. */
  segments: string[];
  /** URI of EXT-X-MAP, or null. */
  initUri: string | null;
}

/** Parses an HLS media playlist (only what the supervisor needs). */
export function parsePlaylist(text: string): PlaylistInfo {
  let mediaSequence = 0;
  let initUri: string | null = null;
  const segments: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number.parseInt(line.slice(22), 10) || 0;
    else if (line.startsWith('#EXT-X-MAP:')) initUri = /URI="([^"]*)"/.exec(line)?.[1] ?? null;
    else if (!line.startsWith('#')) segments.push(line);
  }
  return { mediaSequence, segments, initUri };
}

/**
 * Reads `dir/<name>` (default the served index.m3u8); null when it is missing or lists no segment
 * yet. ffmpeg renames its playlist into place only after the segments it lists are closed, and the
 * publisher renames index.m3u8 only after checking them, so a listed segment is playable.
 */
export async function readPlaylist(dir: string, name = 'index.m3u8'): Promise<PlaylistInfo | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, name), 'utf8');
  } catch {
    return null;
  }
  const info = parsePlaylist(text);
  return info.segments.length > 0 && info.initUri !== null ? info : null;
}

/** Number of a segment file name `seg<n>.m4s`, or null. */
export function segmentNumber(name: string): number | null {
  const m = /^seg(\d{1,12})\.m4s$/.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Deletes files of earlier runs in `dir`: init files other than `keepInit` and segments numbered
 * below `firstOfRun`. Missing files and a missing directory are ignored.
 */
export async function removeOldRunFiles(dir: string, keepInit: string, firstOfRun: number): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const old = names.filter((n) => {
    const seg = segmentNumber(n);
    if (seg !== null) return seg < firstOfRun;
    return /^init\d+\.mp4$/.test(n) && n !== keepInit;
  });
  await Promise.all(old.map((n) => rm(path.join(dir, n), { force: true })));
}

/** Removes every stream directory (names shaped like stream keys) left in hlsDir; returns their names. */
export async function removeStaleStreamDirs(hlsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(hlsDir);
  } catch {
    return [];
  }
  const stale = names.filter(isStreamKey);
  await Promise.all(stale.map((n) => rm(path.join(hlsDir, n), { recursive: true, force: true })));
  return stale;
}
