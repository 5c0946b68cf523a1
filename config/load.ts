// Config loader: default.yaml → optional override file → CLOUDEYE_* env → validated Config.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import YAML from 'yaml';
import { configSchema, type Config } from './schema';

export type { Config, BaseLayerConfig } from './schema';

/** Path of the shipped, commented default configuration. */
export const DEFAULT_CONFIG_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'default.yaml');

/** Raised for any unreadable or invalid configuration; the message names the key and the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isTree(b) && isTree(v) ? merge(b, v) : v;
  }
  return out;
}

function readYaml(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`config: ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc == null) return {};
  if (!isTree(doc)) throw new ConfigError(`config: ${file} must hold a mapping at the top level`);
  return doc;
}

const camel = (s: string): string => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Parses an env value as YAML so numbers, booleans and lists come typed ("[1,2]", "true", "8080"). */
function envValue(raw: string): unknown {
  try {
    return YAML.parse(raw) ?? '';
  } catch {
    return raw;
  }
}

/** Turns CLOUDEYE_SECTION__KEY=value variables (and DATABASE_URL) into an override tree. */
export function envOverrides(env: NodeJS.ProcessEnv): Tree {
  const out: Tree = {};
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith('CLOUDEYE_') || name === 'CLOUDEYE_CONFIG') continue;
    const keys = name.slice('CLOUDEYE_'.length).split('__').map(camel);
    let node = out;
    keys.slice(0, -1).forEach((k) => {
      const next = isTree(node[k]) ? (node[k] as Tree) : {};
      node[k] = next;
      node = next;
    });
    const leaf = keys[keys.length - 1];
    // a string-typed key keeps the raw text ("0123" must not become 123)
    if (leaf)
      node[leaf] = /(url|path|dir|file|host|key|issuer|name|token|password|realm|department)$|^id$/i.test(leaf)
        ? raw
        : envValue(raw);
  }
  if (env.DATABASE_URL && !(isTree(out.database) && 'url' in out.database)) {
    out.database = { ...(isTree(out.database) ? out.database : {}), url: env.DATABASE_URL };
  }
  return out;
}

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? 'undefined' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(tree: unknown, keys: PropertyKey[]): unknown {
  let node = tree;
  for (const k of keys) node = isTree(node) || Array.isArray(node) ? (node as Tree)[String(k)] : undefined;
  return node;
}

/** Validates a raw tree; throws ConfigError naming the first bad key and its value. */
export function validateConfig(raw: Tree): Config {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keys = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const key = [...keys, issue.keys[0] ?? '?'].join('.');
    throw new ConfigError(`config: unknown key ${key}`);
  }
  const key = keys.join('.') || '(root)';
  throw new ConfigError(`config: ${key} = ${describe(valueAt(raw, keys))}: ${issue.message}`);
}

export interface LoadOptions {
  /** Extra YAML file layered over the defaults (also CLOUDEYE_CONFIG). */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Programmatic overrides applied last (tests, CLI flags). */
  overrides?: Tree;
}

/** Loads and validates the configuration. Throws ConfigError on any problem. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  let tree = readYaml(DEFAULT_CONFIG_FILE);
  const file = opts.file ?? env.CLOUDEYE_CONFIG;
  if (file) tree = merge(tree, readYaml(file));
  tree = merge(tree, envOverrides(env));
  if (opts.overrides) tree = merge(tree, opts.overrides);
  return validateConfig(tree);
}
