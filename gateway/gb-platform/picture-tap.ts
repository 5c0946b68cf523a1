// A lossless tap on a camera's fMP4 that hands on its pictures as H.264 or H.265 access units (NAL units, 90 kHz PTS),
// the init's parameter sets before each keyframe, from the first keyframe on: what a GB/T 28181 superior gets as PS
// from the one shared pull (or from recorded footage).
import { Fmp4Units } from '../../transcoder/fmp4/units';
import type { Fragment, InitSegment, Tap } from '../../transcoder/index';
import type { VideoAccessUnit } from '../gb28181/index';

export class PictureTap implements Tap {
  private readonly units = new Fmp4Units();
  private ready = false;
  private sentKey = false;
  private failed = false;

  constructor(
    private readonly onPicture: (au: VideoAccessUnit) => void,
    private readonly onEnd: (why: string) => void,
  ) {}

  init(init: InitSegment): void {
    this.ready = false;
    this.attempt(() => {
      this.units.init(init.data);
      this.ready = true;
    });
  }

  fragment(f: Fragment): void {
    if (!this.ready) return;
    this.attempt(() => {
      for (const au of this.units.fragment(f.data)) {
        if (!this.sentKey && !au.keyframe) continue;
        this.sentKey = true;
        this.onPicture({ codec: au.codec, nals: au.nals, pts: au.timestamp + au.cts, keyframe: au.keyframe });
      }
    });
  }

  end(reason: string): void {
    this.onEnd(reason);
  }

  /** A stream it cannot unpack ends the tap once, with why. */
  private attempt(step: () => void): void {
    if (this.failed) return;
    try {
      step();
    } catch (err) {
      this.failed = true;
      this.ready = false;
      this.onEnd(`its pictures cannot be read: ${(err as Error).message}`);
    }
  }
}
