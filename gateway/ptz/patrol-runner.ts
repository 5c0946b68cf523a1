// Runs patrols on the server: each running patrol goes from preset to preset, staying each step's dwell time.
import type { Patrol } from '../db/ptz-repo';

/** What a running patrol does at each step (ONVIF GotoPreset on its camera). */
export type PatrolGoto = (cameraId: string, preset: string) => Promise<void>;

/** One patrol per camera at a time; `close()` stops them all (their rows stay marked running, resumed at start). */
export class PatrolRunner {
  private readonly runs = new Map<string, { patrol: Patrol; timer: NodeJS.Timeout | null; step: number }>();
  private closed = false;

  constructor(
    private readonly goto: PatrolGoto,
    private readonly log: (level: 'warn', msg: string) => void,
  ) {}

  /** The patrol running on the camera, or null. */
  running(cameraId: string): Patrol | null {
    return this.runs.get(cameraId)?.patrol ?? null;
  }

  /** Starts `patrol` on its camera (replacing one running there) at its first step. */
  start(patrol: Patrol): void {
    if (this.closed) return;
    this.stop(patrol.cameraId);
    const run = { patrol, timer: null as NodeJS.Timeout | null, step: 0 };
    this.runs.set(patrol.cameraId, run);
    void this.next(run);
  }

  /** Stops the camera's patrol; returns the one stopped, or null. */
  stop(cameraId: string): Patrol | null {
    const run = this.runs.get(cameraId);
    if (!run) return null;
    if (run.timer) clearTimeout(run.timer);
    this.runs.delete(cameraId);
    return run.patrol;
  }

  private async next(run: { patrol: Patrol; timer: NodeJS.Timeout | null; step: number }): Promise<void> {
    const { patrol } = run;
    const step = patrol.steps[run.step % patrol.steps.length]!;
    run.step++;
    try {
      await this.goto(patrol.cameraId, step.preset);
    } catch (err) {
      // a camera that fails a step is tried again at the next one: a patrol is not given up on one error
      this.log('warn', `ptz: patrol ${patrol.id} "${patrol.name}" step ${step.preset}: ${String(err)}`);
    }
    if (this.runs.get(patrol.cameraId) !== run) return;
    run.timer = setTimeout(() => void this.next(run), step.dwellS * 1000);
    run.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.runs.keys()]) this.stop(id);
  }
}
