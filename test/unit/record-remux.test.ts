// Remux of recorded segments into one MP4: the exact ffmpeg command line, quoting in the concat list, real files, failures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TranscoderError, TranscoderInputError } from '../../transcoder/errors';
import { remuxArgs, remuxSegments } from '../../transcoder/record/remux';
import { writeSegments } from '../helpers/footage';

describe('record remux', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-remux-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs ffmpeg with exactly these arguments (concat demuxer, file protocol only, stream copy, moov first)', () => {
    assert.deepEqual(remuxArgs('/tmp/l.ffconcat', '/v/exports/1/camera-7.mp4'), [
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
      '/tmp/l.ffconcat',
      '-map',
      '0',
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      '-y',
      '/v/exports/1/camera-7.mp4',
    ]);
  });

  it('joins real segments from a directory whose name has a quote and spaces into one MP4 of their summed duration', async () => {
    const root = path.join(dir, "it's a volume");
    mkdirSync(root);
    const segs = await writeSegments(root, '7', Date.UTC(2026, 11, 1, 8), 3, 2);
    const out = path.join(dir, 'joined.mp4');
    await remuxSegments(
      segs.map((s) => ({ file: s.path, durationS: (s.endTime - s.startTime) / 1000 })),
      out,
    );
    const fmt = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', out], {
        encoding: 'utf8',
      }),
    ).format;
    const want = (segs.at(-1)!.endTime - segs[0]!.startTime) / 1000;
    assert.ok(Math.abs(Number(fmt.duration) - want) < 0.1, `${fmt.duration} s, want ${want}`);
  });

  it('refuses what it cannot list safely, and reports a failing ffmpeg with its reason', async () => {
    const out = path.join(dir, 'x.mp4');
    await assert.rejects(remuxSegments([], out), TranscoderInputError);
    await assert.rejects(remuxSegments([{ file: 'relative.mp4', durationS: 1 }], out), TranscoderInputError);
    await assert.rejects(remuxSegments([{ file: '/a\nfile /etc/passwd', durationS: 1 }], out), TranscoderInputError);
    await assert.rejects(remuxSegments([{ file: '/a.mp4', durationS: 0 }], out), TranscoderInputError);
    const junk = path.join(dir, 'junk.mp4');
    writeFileSync(junk, 'not a video');
    await assert.rejects(remuxSegments([{ file: junk, durationS: 1 }], out), (e: Error) => {
      assert.ok(e instanceof TranscoderError);
      assert.match(e.message, /remux failed/);
      return true;
    });
  });
});
