// Joins recorded segment files into one MP4 without re-encoding: ffmpeg's concat demuxer, -c copy, from an argument array.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TranscoderError, TranscoderInputError } from '../errors';

/** A segment file to join and its media duration (seconds): where the next one starts on the joined timeline. */
export interface RemuxInput {
  file: string;
  durationS: number;
}

/** The lines of an ffconcat list naming `file` (absolute; quotes escaped as the format says) and its duration. */
function concatLines(i: RemuxInput): string {
  if (!path.isAbsolute(i.file) || /[\n\r\0]/.test(i.file))
    throw new TranscoderInputError(`transcoder: record: remux input ${JSON.stringify(i.file)} rejected`);
  if (!(i.durationS > 0 && i.durationS < 86_400))
    throw new TranscoderInputError(`transcoder: record: remux duration ${i.durationS} of ${i.file} rejected`);
  // an explicit duration: a segment's own (fragmented) duration counts from its run's start, not its first sample
  return `file '${i.file.replace(/'/g, "'\\''")}'\nduration ${i.durationS.toFixed(6)}`;
}

/** The ffmpeg arguments of a remux of the list `list` into `out` (MP4, moov at the front, no re-encoding). */
export function remuxArgs(list: string, out: string): string[] {
  return [
    '-nostdin',
    '-v',
    'error',
    '-protocol_whitelist',
    'file',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-map',
    '0',
    '-c',
    'copy',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    out,
  ];
}

/**
 * Remuxes `files` (segment files, in order) into the MP4 `out`: a concat list written to a temporary directory (removed
 * after), ffmpeg run from an argument array (no shell), killed after `timeoutMs`. The timestamps of each file follow
 * the previous one's end, so the result plays continuously (gaps between segments are not in the file). Throws
 * TranscoderError with ffmpeg's last error lines when it fails.
 */
export async function remuxSegments(files: readonly RemuxInput[], out: string, timeoutMs = 600_000): Promise<void> {
  if (!files.length) throw new TranscoderInputError('transcoder: record: nothing to remux');
  const dir = await mkdtemp(path.join(tmpdir(), 'ce-remux-'));
  try {
    const list = path.join(dir, 'list.ffconcat');
    await writeFile(list, `ffconcat version 1.0\n${files.map(concatLines).join('\n')}\n`);
    await new Promise<void>((resolve, reject) => {
      const p = spawn('ffmpeg', remuxArgs(list, out), { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err = (err + d.toString('utf8')).slice(-2000)));
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.once('error', (e) => {
        clearTimeout(timer);
        reject(new TranscoderError(`transcoder: record: ffmpeg could not start: ${e.message}`));
      });
      p.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else
          reject(new TranscoderError(`transcoder: record: remux failed (${signal ?? `exit ${code}`}): ${err.trim()}`));
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
