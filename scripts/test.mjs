#!/usr/bin/env node
// The one test command: install what is missing, type-check and format-check, build the console, run every mocha test.
// Every test file runs in one of two phases: most files two at a time (mocha --parallel, a worker process each: they spend
// much of their time waiting on cameras, ffmpeg and browsers), then, one at a time, the files whose assertions measure time,
// throughput or CPU under load; such a file says `@serial` in its first lines. Files named on the command line run in order.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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

const REPORTER = ['--reporter', './test/helpers/reporter.cjs'];
if (extra.length) run('npx', ['mocha', ...REPORTER, ...extra]);
else {
  const files = (dir) =>
    readdirSync(dir, { recursive: true })
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => path.join(dir, f))
      .sort();
  // the slow kinds first, so the two workers finish together
  const all = ['test/e2e', 'test/integration', 'test/unit'].flatMap(files);
  const isSerial = (f) => readFileSync(f, 'utf8').split('\n', 8).join('\n').includes('@serial');
  const serial = all.filter(isSerial);
  const parallel = all.filter((f) => !isSerial(f));
  const jobs = process.env.CE_TEST_JOBS ?? '2';
  const out = mkdtempSync(path.join(tmpdir(), 'cloudeye-tests-'));
  const phase = (name, args) => {
    const stats = path.join(out, `${name}.json`);
    const r = spawnSync('npx', ['mocha', ...REPORTER, ...args], {
      stdio: 'inherit',
      env: {
        ...process.env,
        CE_TEST_STATS: stats,
        ...(process.env.CE_TEST_TIMINGS ? { CE_TEST_TIMINGS: `${process.env.CE_TEST_TIMINGS}.${name}.json` } : {}),
      },
    });
    const s = existsSync(stats) ? JSON.parse(readFileSync(stats, 'utf8')) : { passes: 0, failures: 1, pending: 0 };
    return { ...s, status: r.status };
  };
  const started = Date.now();
  const a = phase('parallel', ['--parallel', '--jobs', jobs, ...parallel]);
  const b = serial.length ? phase('serial', serial) : { passes: 0, failures: 0, pending: 0, status: 0 };
  const min = ((Date.now() - started) / 60000).toFixed(1);
  const [p, f, k] = ['passes', 'failures', 'pending'].map((key) => a[key] + b[key]);
  console.log(
    `\nall tests (${parallel.length} files in parallel, ${serial.length} serial, ${min} min): ${p} passed, ${f} failed, ${k} skipped`,
  );
  if (a.status !== 0 || b.status !== 0) process.exit(1);
}
