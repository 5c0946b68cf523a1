// The gateway's log sink: one JSON object per line (time, level, msg, node, fields) or "[level] msg" text, filtered by level.
import { hostname } from 'node:os';
import type { Log, LogFields } from '../wiring/lifecycle';

export type LogFormat = 'auto' | 'json' | 'text';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogSinkOptions {
  /** Lowest level written; debug writes what info does (the gateway logs nothing below info). */
  level: LogLevel;
  /** 'auto': text when `isTerminal`, else json. */
  format: LogFormat;
  /** The node's name in JSON lines; empty = the machine's host name. */
  node: string;
  /** Where lines go; default stderr. */
  write?: (line: string) => void;
  /** Whether the output is a terminal (decides 'auto'); default: whether stderr is one. */
  isTerminal?: boolean;
  /** Clock of the lines (tests); default Date.now. */
  now?: () => number;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
/** Keys of a JSON line that fields may not replace. */
const RESERVED = new Set(['time', 'level', 'msg', 'node']);

/** The format `auto` resolves to for an output that is (or is not) a terminal. */
export function resolveFormat(format: LogFormat, isTerminal: boolean): 'json' | 'text' {
  return format === 'auto' ? (isTerminal ? 'text' : 'json') : format;
}

/** One JSON line (no newline): time (ISO 8601, UTC), level, msg, node, then the fields (reserved keys prefixed "field."). */
export function jsonLine(at: number, level: string, msg: string, node: string, fields?: LogFields): string {
  const o: Record<string, unknown> = { time: new Date(at).toISOString(), level, msg, node };
  if (fields) for (const [k, v] of Object.entries(fields)) o[RESERVED.has(k) ? `field.${k}` : k] = v;
  return JSON.stringify(o);
}

/** One text line (no newline): "[level] msg", then " key=value" per field (values with spaces JSON-quoted). */
export function textLine(level: string, msg: string, fields?: LogFields): string {
  let s = `[${level}] ${msg}`;
  if (fields)
    for (const [k, v] of Object.entries(fields)) {
      const t = String(v);
      s += ` ${k}=${/^[^\s"=]*$/.test(t) && t !== '' ? t : JSON.stringify(t)}`;
    }
  return s;
}

/** A Log writing one line per call (a message's own newlines are kept inside its JSON string, or as they are in text). */
export function createLogSink(o: LogSinkOptions): Log {
  const write = o.write ?? ((line: string) => void process.stderr.write(line));
  const format = resolveFormat(o.format, o.isTerminal ?? process.stderr.isTTY === true);
  const node = o.node || hostname();
  const min = RANK[o.level];
  const now = o.now ?? Date.now;
  return (level, msg, fields?: LogFields) => {
    if (RANK[level] < min) return;
    write(`${format === 'json' ? jsonLine(now(), level, msg, node, fields) : textLine(level, msg, fields)}\n`);
  };
}
