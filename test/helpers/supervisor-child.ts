// Runs a transcoder Supervisor in a node child process (via tsx), as a gateway would, to SIGKILL it in tests.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A running child: its pid, the pid of the ffmpeg it started, and a SIGKILL for it. */
export interface SupervisorChild {
  childPid: number;
  ffmpegPid: number;
  kill: () => void;
}

/**
 * Writes `dir/name.mts` — an import of the Supervisor, `sup = new Supervisor(options)`, `await sup.start()`,
 * then `body` (which must print `FFMPEG <pid>` once an ffmpeg runs) — and runs it. Resolves once the
 * child printed that line; rejects if it exits first or prints nothing within 20 s.
 */
export async function startSupervisorChild(
  dir: string,
  name: string,
  options: Record<string, unknown>,
  body: string[],
): Promise<SupervisorChild> {
  const script = path.join(dir, `${name}.mts`);
  writeFileSync(
    script,
    [
      `import { Supervisor } from ${JSON.stringify(path.join(REPO, 'transcoder/index.ts'))};`,
      `const sup = new Supervisor(${JSON.stringify(options)});`,
      'await sup.start();',
      ...body,
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const ffmpegPid = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`child printed no FFMPEG line: ${out}`)), 20000);
    child.stdout.on('data', () => {
      const m = /FFMPEG (\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (c) => reject(new Error(`child exited ${c}: ${out}`)));
  });
  return { childPid: child.pid ?? -1, ffmpegPid, kill: () => child.kill('SIGKILL') };
}
