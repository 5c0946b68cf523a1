// Tiny flag parser for cloudeye commands: --key value, --key=value, --flag; positional args.

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positional: string[];
}

export function parseArgs(argv: string[]): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags[a.slice(2)] = argv[++i]!;
    else flags[a.slice(2)] = true;
  }
  return { flags, positional };
}

/** Reads an integer flag; throws UsageError naming the flag when it is not one. */
export function intFlag(p: ParsedArgs, name: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = p.flags[name];
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`cloudeye: --${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  return n;
}

export function strFlag(p: ParsedArgs, name: string, def?: string): string | undefined {
  const v = p.flags[name];
  if (v === true) throw new UsageError(`cloudeye: --${name} needs a value`);
  return v ?? def;
}
