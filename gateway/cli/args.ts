// Flag parser for cloudeye commands: each command declares its flags; --help prints its usage, an unknown flag is an error.

/** A command line the command cannot run: exit 2 with the message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--help` (or `-h`) was given: print `text` to stdout and exit 0. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  constructor(readonly text: string) {
    super('help requested');
  }
}

/** What a command accepts. */
export interface CommandSpec {
  /** The command as typed, e.g. "cloudeye serve". */
  name: string;
  /** The synopsis line after the name, e.g. "[--port N] [--config FILE]". */
  synopsis: string;
  /** Every flag, without the dashes: 'value' takes a value (`--k v` or `--k=v`, shown as `arg`), 'switch' does not. */
  flags: Record<string, { kind: 'value'; arg: string; about: string } | { kind: 'switch'; about: string }>;
  /** How many positional arguments are allowed (default 0). */
  maxPositional?: number;
}

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positional: string[];
}

/** The usage text of a command (what --help prints). */
export function usageOf(spec: CommandSpec): string {
  const rows = Object.entries(spec.flags).map(
    ([k, f]) => `  --${(f.kind === 'value' ? `${k} ${f.arg}` : k).padEnd(18)}${f.about}`,
  );
  return `usage: ${spec.name} ${spec.synopsis}\n\n${[...rows, `  --${'help'.padEnd(18)}this text`].join('\n')}\n`;
}

/**
 * Parses `argv` against `spec`. Throws HelpRequested for --help/-h anywhere before `--`, UsageError
 * naming the flag for an unknown flag, a value flag without a value or a switch given a value, and
 * for more positional arguments than the command takes. `--` ends the flags.
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  const see = `(see ${spec.name} --help)`;
  if (argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).some((a) => a === '--help' || a === '-h'))
    throw new HelpRequested(usageOf(spec));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') ? a.slice(2, eq > 0 ? eq : undefined) : a;
    const def = a.startsWith('--') ? spec.flags[name] : undefined;
    if (!def || !name) throw new UsageError(`${spec.name}: unknown flag ${eq > 0 ? a.slice(0, eq) : a} ${see}`);
    if (def.kind === 'switch') {
      if (eq > 0) throw new UsageError(`${spec.name}: --${name} takes no value ${see}`);
      flags[name] = true;
    } else if (eq > 0) flags[name] = a.slice(eq + 1);
    else if (i + 1 < argv.length) flags[name] = argv[++i]!;
    else throw new UsageError(`${spec.name}: --${name} needs a value ${see}`);
  }
  const max = spec.maxPositional ?? 0;
  if (positional.length > max) throw new UsageError(`${spec.name}: unexpected argument '${positional[max]}' ${see}`);
  return { flags, positional };
}

/** Reads an integer flag; throws UsageError naming the flag when it is not one. */
export function intFlag(p: ParsedArgs, name: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = p.flags[name];
  if (v === undefined) return def;
  const n = Number(v);
  if (v === true || v === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`cloudeye: --${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return n;
}

export function strFlag(p: ParsedArgs, name: string, def?: string): string | undefined {
  const v = p.flags[name];
  if (v === true) throw new UsageError(`cloudeye: --${name} needs a value`);
  return v ?? def;
}

/** The --config flag every command that reads the configuration takes. */
export const CONFIG_FLAG = {
  config: {
    kind: 'value',
    arg: 'FILE',
    about: 'YAML file layered over config/default.yaml (CLOUDEYE_* variables still apply)',
  },
} as const;
