// The node's limits on outputs: maxWorkers ffmpeg workers, maxTranscodes of them encoding; 503 + Retry-After beyond.
import { TranscoderCapacityError } from '../errors';
import type { TranscoderOptions } from '../options';
import type { SupervisedOutput } from './output';

type Limits = Pick<Required<TranscoderOptions>, 'maxWorkers' | 'maxTranscodes' | 'idleTimeoutS' | 'killGraceMs'>;

/** Throws TranscoderCapacityError when one more worker (a transcoding one when `transcode`) would exceed a limit. */
export function checkCapacity(outputs: SupervisedOutput[], transcode: boolean, o: Limits): void {
  if (outputs.length >= o.maxWorkers)
    throw new TranscoderCapacityError(`transcoder: worker limit ${o.maxWorkers} reached`, retryAfterS(outputs, o));
  const tx = outputs.filter((x) => x.transcode);
  if (transcode && tx.length >= o.maxTranscodes)
    throw new TranscoderCapacityError(`transcoder: transcode limit ${o.maxTranscodes} reached`, retryAfterS(tx, o));
}

/** Seconds until the first of `outputs` could free its slot (idle timeout or ongoing stop), ≥ 1. */
function retryAfterS(outputs: SupervisedOutput[], o: Limits): number {
  const now = performance.now();
  let best = Infinity;
  for (const x of outputs) {
    const ms = x.isClosing ? o.killGraceMs : x.lastTouch + o.idleTimeoutS * 1000 - now;
    best = Math.min(best, ms);
  }
  return Math.max(1, Math.ceil((Number.isFinite(best) ? best : o.idleTimeoutS * 1000) / 1000));
}
