// cloudeye serve: load config, start the gateway, print the console URL, stop cleanly on a signal.
import { loadConfig } from '../../config/load';
import { intFlag, parseArgs, strFlag } from './args';

export async function serveCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const port = intFlag(args, 'port', -1, 0, 65535);
  const file = strFlag(args, 'config');
  const config = loadConfig({ ...(file ? { file } : {}), ...(port >= 0 ? { overrides: { server: { port } } } : {}) });
  const { startGateway } = await import('../main');
  const gw = await startGateway(config);
  process.stdout.write(`Cloud Eye console: ${gw.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await gw.close();
  return 0;
}
