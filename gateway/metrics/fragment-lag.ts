// A hub tap measuring how late each fragment of a pull arrives compared with the least delayed one of its run.
import type { Tap } from '../../transcoder/fanout/types';
import type { Fragment } from '../../transcoder/fmp4/types';

/**
 * Fragment lag: `receivedAt − (startS + durationS)` estimates when the run's time 0 was on the gateway's clock;
 * its smallest value over the run (the least delayed fragment, as the recorder's wall clock takes it) is the
 * baseline, and each fragment's lag is its own estimate minus that baseline, in seconds: network jitter, a camera
 * or encoder holding frames back, a pull falling behind. A new run starts a new baseline. Fragments that came
 * before the tap was added (the hub seeds a new tap with its cached GOP) are not measured.
 */
export class FragmentLagTap implements Tap {
  private baseline = Infinity;
  private readonly since = Date.now();

  constructor(private readonly observe: (seconds: number) => void) {}

  init(): void {
    this.baseline = Infinity;
  }

  fragment(f: Fragment): void {
    if (f.receivedAt < this.since) return;
    const zero = f.receivedAt - (f.startS + f.durationS) * 1000;
    if (zero < this.baseline) this.baseline = zero;
    this.observe((zero - this.baseline) / 1000);
  }

  end(): void {
    this.baseline = Infinity;
  }
}
