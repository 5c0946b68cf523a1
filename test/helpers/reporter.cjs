// Mocha reporter: the spec reporter, then the slowest test files, then one closing line "tests: N passed, N failed, N skipped".
// CE_TEST_TIMINGS=<path> also writes every file's seconds as JSON; CE_TEST_STATS=<path> the counts (scripts/test.mjs adds up its phases).
const Mocha = require('mocha');
const fs = require('node:fs');
const path = require('node:path');

class Reporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const perFile = new Map();
    const add = (file, ms) => file && perFile.set(file, (perFile.get(file) ?? 0) + ms);
    // a file's time: its tests plus its hooks (gateways, cameras and browsers start in hooks)
    runner.on('test end', (t) => add(t.file, t.duration ?? 0));
    runner.on('hook end', (h) => add(h.file ?? h.parent?.file, h.duration ?? 0));
    runner.once('end', () => {
      const s = this.stats;
      const rows = [...perFile]
        .map(([f, ms]) => [path.relative(process.cwd(), f), ms / 1000])
        .sort((a, b) => b[1] - a[1]);
      if (rows.length > 1) {
        process.stdout.write('\nslowest test files (s):\n');
        for (const [f, sec] of rows.slice(0, 12)) process.stdout.write(`  ${sec.toFixed(1).padStart(7)}  ${f}\n`);
      }
      if (process.env.CE_TEST_TIMINGS)
        fs.writeFileSync(process.env.CE_TEST_TIMINGS, JSON.stringify(Object.fromEntries(rows), null, 1));
      if (process.env.CE_TEST_STATS)
        fs.writeFileSync(
          process.env.CE_TEST_STATS,
          JSON.stringify({ passes: s.passes, failures: s.failures, pending: s.pending }),
        );
      process.stdout.write(`\ntests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}
module.exports = Reporter;
