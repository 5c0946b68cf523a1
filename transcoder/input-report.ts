// Reads the codec a camera really sends from ffmpeg's own input report (no probe of our own on the click path).

/** Codec names as registrations spell them: ffmpeg's 'hevc' is 'h265'; others as ffmpeg names them. */
export function normalizeCodec(codec: string): string {
  const c = codec.toLowerCase();
  return c === 'hevc' ? 'h265' : c;
}

const VIDEO_STREAM = /^Stream #\d+:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: Video: ([a-z0-9_]+)/;

/**
 * Fed ffmpeg's report lines (level prefix removed) one by one; `push` returns the first video
 * stream's codec of `Input #0` once (normalized), null otherwise. Lines after `Output #` are
 * never read as input (the output stream line names the codec after a transcode).
 */
export class InputReportReader {
  private inInput = false;
  private done = false;

  /** The codec when `line` is the input report's first video stream, else null. */
  push(line: string): string | null {
    if (this.done) return null;
    const t = line.trim();
    if (t.startsWith('Input #0')) this.inInput = true;
    else if (t.startsWith('Output #') || t.startsWith('Stream mapping')) {
      this.done = this.inInput;
      this.inInput = false;
    } else if (this.inInput) {
      const m = VIDEO_STREAM.exec(t);
      if (m) {
        this.done = true;
        return normalizeCodec(m[1]!);
      }
    }
    return null;
  }
}
