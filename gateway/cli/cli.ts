// cloudeye command line: parses the verb and hands over to its command module.
import { ConfigError } from '../../config/load';
import { HelpRequested, UsageError } from './args';

export type Command = (args: string[]) => Promise<number>;

/** Loaded lazily so `cloudeye simcam` does not pay for the gateway's imports. */
const COMMANDS: Record<string, { about: string; load: () => Promise<Command> }> = {
  demo: {
    about: 'gateway + demo city + simulated cameras (--port N --cameras N --rtsp-port P --onvif-port P)',
    load: async () => (await import('./demo')).demoCommand,
  },
  serve: { about: 'run the gateway (--port N)', load: async () => (await import('./serve')).serveCommand },
  migrate: {
    about: 'run database migrations (up | down | status)',
    load: async () => (await import('./migrate')).migrateCommand,
  },
  seed: {
    about: 'seed demo [--cameras N] | bench --cameras N',
    load: async () => (await import('./seed')).seedCommand,
  },
  simcam: {
    about: 'simulated cameras (--count N --codec h264|h265)',
    load: async () => (await import('./simcam')).simcamCommand,
  },
  discover: {
    about: 'scan a network (--network NAME | --cidr CIDR) with a progress bar',
    load: async () => (await import('./discover')).discoverCommand,
  },
  bench: {
    about: 'run a benchmark: health | transcoder | gis | console | live | all',
    load: async () => (await import('./bench')).benchCommand,
  },
  user: {
    about: 'user add --name N --password P --role R [--department CODE]',
    load: async () => (await import('./user')).userCommand,
  },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(10)}${v.about}`);
  return `usage: cloudeye <command> [options]\n\n${rows.join('\n')}\n\ncloudeye <command> --help shows the options of one command.\n`;
}

/** Runs one CLI invocation; returns the process exit code. Errors print one line, no stack. */
export async function runCli(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(usage());
    return verb ? 0 : 2;
  }
  const entry = COMMANDS[verb];
  if (!entry) {
    process.stderr.write(`cloudeye: unknown command '${verb}'\n${usage()}`);
    return 2;
  }
  try {
    return await (
      await entry.load()
    )(rest);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(err.text);
      return 0;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    process.stderr.write(`cloudeye ${verb}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.CLOUDEYE_DEBUG) console.error(err);
    return 1;
  }
}
