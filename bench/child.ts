// A bench phase in a node process of its own, with the V8 flags a gateway runs with (cloudeye serve relaunches node with
// them), so the bench's own clients and earlier rigs are not counted in what the phase measures.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from '../gateway/cli/launch';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Runs `script` (of bench/) with `options` (JSON, its first argument); its output lines go to `log`. */
export async function inChild(
  bench: string,
  script: string,
  options: unknown,
  log: (l: string) => void,
): Promise<void> {
  const args = [...GATEWAY_NODE_FLAGS, '--import', 'tsx', path.join(HERE, script), JSON.stringify(options)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    buf += c;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      log(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bench ${bench}: ${script} exited with code ${code}`);
}
