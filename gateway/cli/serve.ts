// cloudeye serve: load config, start the gateway, print the console URL, stop cleanly on a signal.
import { loadConfig } from '../../config/load';
import { CONFIG_FLAG, intFlag, parseArgs, strFlag, type CommandSpec } from './args';
import { waitForStop } from './stop-signals';

export const SERVE: CommandSpec = {
  name: 'cloudeye serve',
  synopsis: '[--port N] [--node NAME] [--advertise URL] [--config FILE]',
  flags: {
    port: { kind: 'value', arg: 'N', about: 'HTTP port (default: server.port, 8080; 0 = any free port)' },
    node: { kind: 'value', arg: 'NAME', about: 'name of this node (server.nodeName; a live node’s name is refused)' },
    advertise: {
      kind: 'value',
      arg: 'URL',
      about: 'join the cluster, reachable by other nodes at URL (cluster.enabled, cluster.advertisedAddress)',
    },
    ...CONFIG_FLAG,
  },
};

/** The configuration overrides serve's flags make (validated with the rest of the configuration). */
export function serveOverrides(argv: string[]): { file?: string; overrides: Record<string, Record<string, unknown>> } {
  const args = parseArgs(argv, SERVE);
  const port = intFlag(args, 'port', -1, 0, 65535);
  const node = strFlag(args, 'node');
  const advertise = strFlag(args, 'advertise');
  const file = strFlag(args, 'config');
  const server = { ...(port >= 0 ? { port } : {}), ...(node !== undefined ? { nodeName: node } : {}) };
  const overrides: Record<string, Record<string, unknown>> = {};
  if (Object.keys(server).length > 0) overrides.server = server;
  if (advertise !== undefined) overrides.cluster = { enabled: true, advertisedAddress: advertise };
  return { ...(file ? { file } : {}), overrides };
}

export async function serveCommand(argv: string[]): Promise<number> {
  const config = loadConfig(serveOverrides(argv));
  const stop = waitForStop();
  try {
    const { startGateway } = await import('../main');
    const gw = await startGateway(config);
    process.stdout.write(`Cloud Eye console: ${gw.url}\n`);
    // a terminal's Ctrl-C reaches both this process and the cloudeye launcher, which passes it on:
    // that is one request to stop (see stop-signals.ts)
    await stop.requested;
    // not ready from now on: a load balancer stops sending new requests while the open ones finish
    gw.drain();
    if (config.probes.drainS > 0) await new Promise((r) => setTimeout(r, config.probes.drainS * 1000));
    await gw.close();
    return 0;
  } finally {
    stop.done();
  }
}
