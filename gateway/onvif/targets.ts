// Sweep targets: CIDR blocks, single hosts and host:port entries expanded into a bounded list.
import { OnvifTargetError } from './errors';

/** One sweep target: a host and, when given as host:port, the HTTP port to probe. */
export interface SweepTarget {
  host: string;
  port?: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const toInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const toIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/**
 * Expands "a.b.c.d/n" into host addresses (network and broadcast left out for n ≤ 30).
 * Refuses prefixes shorter than `maxSweepPrefix` (default 16, i.e. at most 65 534 hosts).
 */
export function expandCidr(cidr: string, maxSweepPrefix = 16): string[] {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr.trim());
  if (!m || !IPV4.test(m[1]!)) throw new OnvifTargetError(cidr, 'not an IPv4 CIDR like 10.1.0.0/24');
  const prefix = Number(m[2]);
  if (prefix > 32) throw new OnvifTargetError(cidr, `prefix /${prefix} is larger than /32`);
  if (prefix < maxSweepPrefix)
    throw new OnvifTargetError(cidr, `prefix /${prefix} is wider than the limit /${maxSweepPrefix}`);
  const size = 2 ** (32 - prefix);
  const base = (toInt(m[1]!) & (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0)) >>> 0;
  if (toInt(m[1]!) >>> 0 !== base)
    throw new OnvifTargetError(cidr, `host bits set (network is ${toIp(base)}/${prefix})`);
  const out: string[] = [];
  const [from, to] = size <= 2 ? [0, size - 1] : [1, size - 2];
  for (let i = from; i <= to; i++) out.push(toIp(base + i));
  return out;
}

/** Parses "host", "host:port" or a CIDR, validating hosts (IPv4 or DNS name) and ports (1-65535). */
export function parseTargets(input: string | string[], maxSweepPrefix = 16): SweepTarget[] {
  const list = Array.isArray(input) ? input : input.split(/[\s,]+/).filter(Boolean);
  const out: SweepTarget[] = [];
  for (const raw of list) {
    const t = raw.trim();
    if (t.includes('/')) {
      for (const host of expandCidr(t, maxSweepPrefix)) out.push({ host });
      continue;
    }
    const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(t);
    if (!m || !(IPV4.test(m[1]!) || (HOSTNAME.test(m[1]!) && !/^[\d.]+$/.test(m[1]!))))
      throw new OnvifTargetError(raw, 'not an IPv4 address, host name, host:port or CIDR');
    const port = m[2] !== undefined ? Number(m[2]) : undefined;
    if (port !== undefined && (port < 1 || port > 65535)) throw new OnvifTargetError(raw, `port ${port} out of range`);
    out.push({ host: m[1]!, ...(port !== undefined ? { port } : {}) });
  }
  if (out.length > 2 ** (32 - maxSweepPrefix))
    throw new OnvifTargetError(String(list.length), `more than ${2 ** (32 - maxSweepPrefix)} targets`);
  return out;
}
