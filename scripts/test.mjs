#!/usr/bin/env node
// The one test command: install what is missing, type-check and format-check, build the console, run every mocha test.
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const extra = process.argv.slice(2);
if (!process.env.CE_SKIP_SETUP) run('bash', ['scripts/setup.sh']);
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (spawnSync('npx', ['prettier', '--check', '.'], { stdio: 'inherit' }).status !== 0) {
  console.error('Formatting differs from Prettier: run npm run format');
  process.exit(1);
}
run('node', ['scripts/build-web.mjs']);
const specs = extra.length
  ? extra
  : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'];
run('npx', ['mocha', '--reporter', './test/helpers/reporter.cjs', ...specs]);
