// The GB/T 28181 captures of test/fixtures/gb28181 by quality class (SOURCES.md), and the documented repairs of the non-wire ones.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/gb28181');

export type GbClass = 'wire' | 'transcript' | 'log';

/** The class of a fixture, from its source prefix as SOURCES.md records it. */
export function classOf(file: string): GbClass {
  if (file.startsWith('gbsolution-')) return 'wire';
  if (file.startsWith('thinkgos-')) return 'transcript';
  if (file.startsWith('gbtsipserver-')) return 'log';
  throw new Error(`no class for fixture ${file}`);
}

export const sipFixtures = (): string[] =>
  readdirSync(GB_DIR)
    .filter((f) => f.endsWith('.sip'))
    .sort();

export const readGb = (file: string): Buffer => readFileSync(path.join(GB_DIR, file));

/**
 * What went over the wire, as SOURCES.md says each class differs from it: transcripts had CRLF line
 * ends; the log printed request lines swapped (`METHOD SIP/2.0 uri`) and dropped the blank line before
 * a body (and after a body-less message). Wire captures are returned as they are.
 */
export function wireBytes(file: string): Buffer {
  const raw = readGb(file);
  const cls = classOf(file);
  if (cls === 'wire') return raw;
  let text = raw.toString('utf8').replace(/\r?\n/g, '\r\n');
  if (cls === 'log') {
    text = text.replace(/^([A-Z]+) SIP\/2\.0 (\S+)\r\n/, '$1 $2 SIP/2.0\r\n');
    text = text.replace(/([^\n])\r\n(?=<|v=0\r\n)/, '$1\r\n\r\n');
  }
  if (!text.includes('\r\n\r\n')) text += text.endsWith('\r\n') ? '\r\n' : '\r\n\r\n';
  return Buffer.from(text, 'utf8');
}

/** Log captures that lost trailing line ends, so their Content-Length runs past the printed body by this many bytes. */
export const SHORT_BODY: Record<string, number> = { 'gbtsipserver-invite-udp.sip': 1, 'gbtsipserver-keepalive.sip': 3 };

/** The wire bytes with the line ends a log capture lost put back (CRLF pairs, as many bytes as are missing). */
export function completeWireBytes(file: string): Buffer {
  const short = SHORT_BODY[file] ?? 0;
  return Buffer.concat([wireBytes(file), Buffer.from('\r\n\r\n').subarray(0, short)]);
}
