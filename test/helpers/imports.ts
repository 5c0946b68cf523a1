// Import scanner for the dependency-rule test: lists every import of every project source file.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ImportRef {
  /** Project-relative path of the importing file, e.g. "gis/index.ts". */
  file: string;
  /** The specifier as written. */
  spec: string;
  /** Project-relative target for relative specifiers, or the package / node: name. */
  target: string;
  typeOnly: boolean;
  line: number;
}

const IMPORT_RE =
  /(?:^|[\s;])(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Blanks out comments (keeping newlines, so line numbers stay right); strings are left alone. */
export function stripComments(text: string): string {
  return text.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)/g,
    (m, str: string | undefined) => (str ? m : m.replace(/[^\n]/g, ' ')),
  );
}

/** Extracts imports from one file's text. `file` is project-relative. */
export function scanText(file: string, source: string): ImportRef[] {
  const out: ImportRef[] = [];
  const text = stripComments(source);
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3] ?? m[4] ?? m[5];
    if (!spec) continue;
    const line = text.slice(0, m.index).split('\n').length;
    const typeOnly = Boolean(m[2]);
    const target = spec.startsWith('.')
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))
      : packageName(spec);
    out.push({ file, spec, target, typeOnly, line });
  }
  return out;
}

function packageName(spec: string): string {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const SKIP = new Set(['node_modules', 'data', 'dist', '.git']);

/** Every .ts/.tsx/.mjs file below the given top-level folders. */
export function listSources(root: string, folders: string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    let entries: string[];
    try {
      entries = readdirSync(abs);
    } catch {
      return;
    }
    for (const name of entries) {
      if (SKIP.has(name)) continue;
      const r = path.posix.join(rel, name);
      if (statSync(path.join(root, r)).isDirectory()) walk(r);
      else if (/\.(ts|tsx|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(r);
    }
  };
  folders.forEach(walk);
  return out;
}

export function scanTree(root: string, folders: string[]): ImportRef[] {
  return listSources(root, folders).flatMap((f) => scanText(f, readFileSync(path.join(root, f), 'utf8')));
}
