// Publishes ffmpeg's playlist as the served index.m3u8 once every segment it lists has been checked and repaired.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FFMPEG_PLAYLIST_NAME, PLAYLIST_NAME } from './ffmpeg-args';
import { mergeSplitPictures, type SliceCodec } from './fmp4/access-units';
import { parsePlaylist } from './hls-files';

/**
 * One per run of a stream. ffmpeg writes `ffmpeg.m3u8`; `sync()` repairs the segments it lists
 * that were not seen yet (split pictures rejoined when `codec` is set: copied video; null for
 * ffmpeg's own encoder output) and then renames a copy of it into `index.m3u8`, so a viewer
 * never sees a segment before its repair. `merged` counts the rejoined pictures of the run.
 */
export class SegmentPublisher {
  /** Pictures rejoined so far (samples folded into the one before them). */
  merged = 0;
  private done = new Set<string>();
  private published = '';
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly dir: string,
    private readonly codec: SliceCodec | null,
    private readonly onMerged: (segment: string, count: number) => void = () => undefined,
  ) {}

  /** Brings index.m3u8 up to date with ffmpeg's playlist; concurrent calls coalesce. Never rejects. */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.once();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async once(): Promise<void> {
    let text: string;
    try {
      text = await readFile(path.join(this.dir, FFMPEG_PLAYLIST_NAME), 'utf8');
    } catch {
      return;
    }
    if (text === this.published) return;
    const listed = parsePlaylist(text).segments.filter((s) => !s.includes('/'));
    for (const name of listed) {
      if (this.done.has(name)) continue;
      if (this.codec) await this.repair(name, this.codec);
      this.done.add(name);
    }
    for (const name of this.done) if (!listed.includes(name)) this.done.delete(name);
    const tmp = path.join(this.dir, `.${FFMPEG_PLAYLIST_NAME}.pub`);
    try {
      await writeFile(tmp, text);
      await rename(tmp, path.join(this.dir, PLAYLIST_NAME));
      this.published = text;
    } catch {
      // the directory went away: the stream is stopping
    }
  }

  private async repair(name: string, codec: SliceCodec): Promise<void> {
    const file = path.join(this.dir, name);
    try {
      const r = mergeSplitPictures(await readFile(file), codec);
      if (r.merged === 0) return;
      const tmp = path.join(this.dir, `.${name}.fix`);
      await writeFile(tmp, r.segment);
      await rename(tmp, file);
      this.merged += r.merged;
      this.onMerged(name, r.merged);
    } catch {
      // deleted under us (ffmpeg's list moved on, or the stream stopped): nothing to serve
    }
  }
}
