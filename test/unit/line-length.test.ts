// Fails naming file:line for any line over 160 characters in a tracked source file (fixtures and generated data aside).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Longest line allowed, in characters (code points, so a CJK character counts once). */
const MAX_LINE = 160;
const SOURCE = /\.(ts|mjs|cjs|js|css|html|py|sh|ya?ml)$/;
const EXCLUDED = [/^test\/fixtures\//, /^web\/static\/map\//, /^web\/dist\//, /^data\//];

/** Every line of `text` longer than `max` characters, as `file:line (n chars)`. */
function longLines(file: string, text: string, max: number): string[] {
  const found: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const length = [...line].length;
    if (length > max) found.push(`${file}:${i + 1} (${length} chars)`);
  });
  return found;
}

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  return listed.split('\0').filter((f) => SOURCE.test(f) && !EXCLUDED.some((re) => re.test(f)));
}

describe('line length', () => {
  it(`no tracked source line is over ${MAX_LINE} characters`, () => {
    const files = sourceFiles();
    assert.ok(files.length > 100, `git ls-files found only ${files.length} source files`);
    const found = files.flatMap((f) => longLines(f, readFileSync(path.join(ROOT, f), 'utf8'), MAX_LINE));
    assert.deepEqual(found, [], `lines over ${MAX_LINE} characters:\n${found.join('\n')}`);
  });

  it('names the file and line of a long line and counts characters, not bytes', () => {
    const text = ['short', 'x'.repeat(161), '云'.repeat(160), 'y'.repeat(160)].join('\n');
    assert.deepEqual(longLines('a/b.ts', text, MAX_LINE), ['a/b.ts:2 (161 chars)']);
  });

  it('lists the sources of every kind and leaves fixtures out', () => {
    const files = sourceFiles();
    for (const f of ['gateway/main.ts', 'scripts/test.mjs', 'web/static/app.css', 'config/default.yaml']) {
      assert.ok(files.includes(f), `${f} is not checked`);
    }
    assert.deepEqual(
      files.filter((f) => f.startsWith('test/fixtures/')),
      [],
    );
  });
});
