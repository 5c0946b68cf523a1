// ffmpeg's view of GB/T 28181 media in tests: the framemd5 of each decoded picture of an H.264/H.265 elementary stream or a program stream.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Decodes `data` as `format` (h264, hevc or mpeg) and returns each frame's MD5 and ffmpeg's error output. */
export function frameMd5s(data: Buffer, format: 'h264' | 'hevc' | 'mpeg'): { md5s: string[]; errors: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'gb-decode-'));
  try {
    const file = path.join(dir, `in.${format}`);
    writeFileSync(file, data);
    const r = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-f', format, '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'framemd5', '-'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (r.status !== 0) throw new Error(`ffmpeg could not decode ${format}: ${r.stderr}`);
    const md5s = r.stdout
      .split('\n')
      .filter((l) => /^\d+,/.test(l))
      .map((l) => l.split(',').pop()?.trim() ?? '');
    return { md5s, errors: r.stderr.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
