// A load or compaction of the camera index in progress, run a slice at a time.
import type { Packed } from './camera-store';
import type { CameraId } from './types';

/**
 * A load or compaction in progress, run a slice at a time: each `step()` does at most SLICE
 * (32,768) cameras' worth of one phase, a few milliseconds, so a server can yield to its requests
 * between steps. The new content lands, with the changes made meanwhile replayed onto it, in the
 * step that returns true. A newer build on the same index abandons this one (step returns true
 * with nothing landed).
 */
export class IndexBuild {
  /** Ids upserted or removed since the build began. */
  readonly changed = new Set<CameraId>();
  private state: 'running' | 'landed' | 'abandoned' | 'failed' = 'running';
  /** Steps taken so far. */
  steps = 0;

  constructor(
    private readonly gen: Generator<void, Packed>,
    private readonly onLand: (p: Packed) => void,
  ) {}

  /** 'running' until the last step; 'landed', 'abandoned' (a newer build took over) or 'failed' (threw) after. */
  get status(): 'running' | 'landed' | 'abandoned' | 'failed' {
    return this.state;
  }

  /** Notes a change made while the build runs, to replay when it lands. */
  record(id: CameraId): void {
    if (this.state === 'running') this.changed.add(id);
  }

  /** Runs one slice; true once the build has landed or been abandoned. Throws what the build threw. */
  step(): boolean {
    if (this.state !== 'running') return true;
    this.steps++;
    let r: IteratorResult<void, Packed>;
    try {
      r = this.gen.next();
    } catch (err) {
      this.state = 'failed';
      this.changed.clear();
      throw err;
    }
    if (!r.done) return false;
    this.onLand(r.value);
    this.state = 'landed';
    return true;
  }

  /** Runs the remaining slices now. */
  finish(): void {
    while (!this.step());
  }

  /** Stops the build; nothing of it lands. */
  abandon(): void {
    if (this.state === 'running') this.state = 'abandoned';
    this.changed.clear();
    this.gen.return(undefined as unknown as Packed);
  }
}
