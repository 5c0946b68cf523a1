#!/usr/bin/env node
// cloudeye: the one command-line entry. Registers the TypeScript loader, then runs the CLI; serve,
// demo and bench run in a child node started with the gateway's V8 flags (launch.ts).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const argv = process.argv.slice(2);
const { relaunchArgs, runRelaunched, watchLauncher } = await import('./launch.ts');
const nodeArgs = relaunchArgs(argv, process.execArgv, process.env);
if (nodeArgs) {
  process.exitCode = await runRelaunched(nodeArgs, fileURLToPath(import.meta.url), argv);
} else {
  watchLauncher();
  const { runCli } = await import('./cli.ts');
  process.exitCode = await runCli(argv);
}
