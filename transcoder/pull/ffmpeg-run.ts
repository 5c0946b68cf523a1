// A run that is one ffmpeg writing fMP4 to its stdout, read by a FragmentReader into a RunSink.
import type { SliceCodec } from '../fmp4/access-units';
import { FragmentReader } from '../fmp4/fragment-reader';
import { FfmpegWorker } from '../worker';
import type { OutputRun, RunSink } from './run';

/** What a run spawns: the executable and arguments (setpriv applied), the source script, a stdin pipe or not. */
export interface RunCommand {
  file: string;
  args: string[];
  sourceScript?: string;
  stdin?: 'ignore' | 'pipe';
}

/** How the run's fMP4 is read (see FragmentReaderOptions). */
export interface FfmpegReadOptions {
  generation: number;
  sliceCodec: SliceCodec | null;
  assumeSplitPictures: boolean;
  holdFirstFragment: boolean;
}

/** An ffmpeg run: its stdout through a FragmentReader into `sink`, its error lines to sink.log. */
export class FfmpegRun implements OutputRun {
  readonly worker: FfmpegWorker;
  readonly exited: Promise<string>;

  constructor(cmd: RunCommand, read: FfmpegReadOptions, sink: RunSink) {
    const w = new FfmpegWorker(cmd.file, cmd.args, cmd.sourceScript, { stdin: cmd.stdin ?? 'ignore' });
    this.worker = w;
    const reader = new FragmentReader({
      ...read,
      onInit: (init) => sink.init(init),
      onFragment: (f) => sink.fragment(f, reader.splitPictures),
      onError: (err) => sink.fail(err.message),
    });
    w.on('data', (chunk) => reader.push(chunk));
    w.on('stderr', (line) => sink.log(line));
    this.exited = w.exited.then((exit) => {
      reader.end();
      return exit.reason;
    });
  }

  get pid(): number | null {
    return this.worker.pid ?? null;
  }

  async kill(): Promise<void> {
    await this.worker.kill();
  }

  async stop(graceMs: number): Promise<void> {
    await this.worker.stop(graceMs);
  }
}
