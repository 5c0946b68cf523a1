// Source scanner for the error-mapping test: every error class the product code declares or throws.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listSources, stripComments } from './imports';

/** JavaScript's own error classes. */
export const BUILTIN_ERRORS: ReadonlySet<string> = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'URIError',
  'SyntaxError',
  'EvalError',
  'ReferenceError',
  'AggregateError',
]);

export interface ErrorClassRef {
  name: string;
  /** Project-relative file and line of the declaration (or of the first `new` of a built-in). */
  where: string;
}

const CLASS_RE = /\bclass\s+([A-Za-z_$][\w$]*)\s+extends\s+([A-Za-z_$][\w$.]*)/g;
const NEW_RE = /\bnew\s+([A-Za-z_$][\w$]*)\s*\(/g;

/**
 * The error classes of the source folders: every class whose chain of `extends` reaches a built-in
 * error, plus each built-in error the code constructs itself (`new TypeError(...)`).
 */
export function errorClassesIn(texts: ReadonlyArray<{ file: string; text: string }>): ErrorClassRef[] {
  const decls: Array<{ name: string; base: string; where: string }> = [];
  const builtinUses = new Map<string, string>();
  for (const { file, text } of texts) {
    const code = stripComments(text);
    const lineOf = (i: number): number => code.slice(0, i).split('\n').length;
    for (const m of code.matchAll(CLASS_RE))
      decls.push({ name: m[1]!, base: m[2]!, where: `${file}:${lineOf(m.index)}` });
    for (const m of code.matchAll(NEW_RE))
      if (BUILTIN_ERRORS.has(m[1]!) && !builtinUses.has(m[1]!)) builtinUses.set(m[1]!, `${file}:${lineOf(m.index)}`);
  }
  const family = new Set(BUILTIN_ERRORS);
  const out = new Map<string, ErrorClassRef>();
  for (let grew = true; grew;) {
    grew = false;
    for (const d of decls)
      if (!out.has(d.name) && family.has(d.base)) {
        family.add(d.name);
        out.set(d.name, { name: d.name, where: d.where });
        grew = true;
      }
  }
  for (const [name, where] of builtinUses) if (!out.has(name)) out.set(name, { name, where });
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** errorClassesIn over every source file below `folders` of `root`. */
export function scanErrorClasses(root: string, folders: string[]): ErrorClassRef[] {
  return errorClassesIn(
    listSources(root, folders).map((file) => ({ file, text: readFileSync(path.join(root, file), 'utf8') })),
  );
}

/** Places where code recognises an error by its name string (`e.name === 'XError'`) instead of its class. */
export function nameStringMatches(root: string, folders: string[]): string[] {
  const out: string[] = [];
  for (const file of listSources(root, folders)) {
    const code = stripComments(readFileSync(path.join(root, file), 'utf8'));
    // `e.name === 'XError'`, `name === 'XError'` (destructured), `'XError' === e.name`, `/^Onvif\w*Error$/.test(e.name)`
    const patterns =
      /\bname\s*[!=]==?\s*['"`](\w*Error)['"`]|['"`](\w*Error)['"`]\s*[!=]==?\s*[\w.?]*\bname\b|Error\$?\/\.test\([\w.?]*\bname\)/g;
    for (const m of code.matchAll(patterns)) out.push(`${file}:${code.slice(0, m.index).split('\n').length} ${m[0]}`);
  }
  return out;
}
