// Where the gateway may connect for a camera: inside its network's CIDRs, never its own service ports, unless excepted.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { AddressPolicyError } from '../errors';

/** A camera network as the reach check needs it. */
export interface ReachNetwork {
  id: number;
  departmentId: number;
  name: string;
  /** IPv4 CIDRs ("10.1.0.0/24"). */
  cidrs: string[];
}

/** The addresses of a camera that the gateway connects to. */
export interface ReachCamera {
  departmentId: number;
  networkId?: number | null | undefined;
  mainUri?: string | null | undefined;
  subUri?: string | null | undefined;
  snapshotUri?: string | null | undefined;
  xaddr?: string | null | undefined;
}

/** A service of the gateway itself (its HTTP port, its database): never a camera address. */
export interface ServiceEndpoint {
  service: string;
  port: number;
  /** Addresses it is reached at; '*' = any address of this host (loopback included). */
  hosts: string[] | '*';
}

/** What CameraReach needs; declared here, provided by the wiring. */
export interface ReachOptions {
  /** The networks of a department (all of them; the camera's own is picked by id). */
  networks: (departmentId: number) => Promise<ReachNetwork[]>;
  /** The gateway's own service endpoints, read at each check (the HTTP port is known after listen). */
  services: () => ServiceEndpoint[];
  /** Admin exceptions: "a.b.c.d/nn", "a.b.c.d" or "host:port", reachable whatever the rules say. Default []. */
  exceptions?: string[];
  /** Name resolution (default: every address of dns.lookup). */
  resolve?: (host: string) => Promise<string[]>;
}

/** One refused address: the field ("mainUri", …) and why. */
export interface ReachProblem {
  field: 'mainUri' | 'subUri' | 'snapshotUri' | 'xaddr';
  message: string;
}

const FIELDS = ['mainUri', 'subUri', 'snapshotUri', 'xaddr'] as const;
const DEFAULT_PORT: Record<string, number> = { 'rtsp:': 554, 'rtsps:': 322, 'http:': 80, 'https:': 443 };

/** The IPv4 address as an unsigned 32-bit number, or null. */
function ipv4(a: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** True when the IPv4 address lies inside the IPv4 CIDR (false for IPv6 or malformed input). */
export function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const a = ipv4(address);
  const b = ipv4(base ?? '');
  const n = bits === undefined ? 32 : Number(bits);
  if (a === null || b === null || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

const normHost = (h: string): string => h.toLowerCase().replace(/^\[(.*)\]$/, '$1');

/** True for an address of this host: loopback, unspecified, or one of its interfaces. */
function isLocal(address: string): boolean {
  if (
    inCidr(address, '127.0.0.0/8') ||
    address === '0.0.0.0' ||
    address === '::1' ||
    address === '::' ||
    address === '::ffff:127.0.0.1'
  )
    return true;
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => normHost(i.address) === address));
}

/**
 * Decides whether the gateway may connect to a camera's addresses (stream, snapshot, ONVIF). An
 * address is allowed when an admin exception covers it; otherwise it must not be one of the
 * gateway's own service endpoints and must lie inside a CIDR of the camera's network — its
 * network when it names one, else any network of its department. Host names are resolved and
 * every address they resolve to must pass. Checked at registration, import, update, play and
 * each health check, so a network whose CIDRs shrink stops the gateway from connecting.
 */
export class CameraReach {
  private readonly resolve: (host: string) => Promise<string[]>;
  /** The last read of each department's networks (for callers that accept a recent one). */
  private readonly recent = new Map<number, { at: number; nets: Promise<ReachNetwork[]> }>();

  constructor(private readonly opts: ReachOptions) {
    this.resolve =
      opts.resolve ?? (async (host) => (await lookup(host, { all: true, verbatim: true })).map((r) => r.address));
  }

  /**
   * Every refused address of the camera (empty: all allowed). `maxAgeMs` lets a periodic caller
   * (the health checker, once per camera per cycle) reuse the department's networks read that
   * recently; 0 (default) reads them now.
   */
  async problems(cam: ReachCamera, maxAgeMs = 0): Promise<ReachProblem[]> {
    const fields = FIELDS.filter((f) => cam[f]);
    if (!fields.length) return [];
    const cidrs = await this.cidrsOf(cam, maxAgeMs);
    // every URI's host resolved at once (DNS lookups in parallel), reported in field order
    const whys = await Promise.all(fields.map((f) => this.refusal(cam[f]!, cidrs)));
    return fields.flatMap((field, i) => (whys[i] ? [{ field, message: whys[i] }] : []));
  }

  /** Throws AddressPolicyError naming the first refused address of camera `label`. */
  async assert(cam: ReachCamera, label: string): Promise<void> {
    const [p] = await this.problems(cam);
    if (p) throw new AddressPolicyError(`reach: camera ${label}: ${p.field} ${p.message}`, p.field);
  }

  /**
   * A synchronous test of an IP-literal host against the camera network's CIDRs (for URIs a
   * device reports during registration; the full check runs on the registered camera after).
   */
  static hostInCidrs(host: string, cidrs: readonly string[]): boolean {
    const h = normHost(host);
    return isIP(h) === 4 && cidrs.some((c) => inCidr(h, c));
  }

  /** The CIDRs the camera may reach: its network's, or every network's of its department. */
  async cidrsOf(
    cam: Pick<ReachCamera, 'departmentId' | 'networkId'>,
    maxAgeMs = 0,
  ): Promise<{ names: string; list: string[] }> {
    const nets = (await this.networksOf(cam.departmentId, maxAgeMs)).filter(
      (n) => cam.networkId == null || n.id === cam.networkId,
    );
    return { names: nets.map((n) => n.name).join(', '), list: nets.flatMap((n) => n.cidrs) };
  }

  private networksOf(departmentId: number, maxAgeMs: number): Promise<ReachNetwork[]> {
    const hit = this.recent.get(departmentId);
    if (hit && maxAgeMs > 0 && Date.now() - hit.at <= maxAgeMs) return hit.nets;
    const nets = this.opts.networks(departmentId);
    this.recent.set(departmentId, { at: Date.now(), nets });
    nets.catch(() => this.recent.delete(departmentId));
    return nets;
  }

  private excepted(address: string, host: string, port: number): boolean {
    return (this.opts.exceptions ?? []).some((e) => {
      if (e.includes('/')) return inCidr(address, e);
      const m = /^(.*):(\d{1,5})$/.exec(e);
      if (m && !e.includes('::'))
        return (normHost(m[1]!) === address || normHost(m[1]!) === host) && Number(m[2]) === port;
      return normHost(e) === address || normHost(e) === host;
    });
  }

  private async refusal(uri: string, cidrs: { names: string; list: string[] }): Promise<string | null> {
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      return `${JSON.stringify(uri.slice(0, 200))} is not a URL`;
    }
    const host = normHost(u.hostname);
    const port = u.port ? Number(u.port) : DEFAULT_PORT[u.protocol];
    if (!host || port === undefined)
      return `${u.protocol}//${host} has no host or a scheme the gateway does not connect to`;
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.resolve(host);
    } catch {
      return `host ${host} does not resolve`;
    }
    if (addresses.length === 0) return `host ${host} does not resolve`;
    for (const raw of addresses) {
      const address = normHost(raw).replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
      if (this.excepted(address, host, port)) continue;
      for (const s of this.opts.services()) {
        if (s.port !== port) continue;
        const hosts = s.hosts;
        if (hosts === '*' ? isLocal(address) : hosts.some((h) => normHost(h) === address || normHost(h) === host))
          return `${host}:${port} is the gateway's own ${s.service} port`;
      }
      if (!cidrs.list.some((c) => inCidr(address, c))) {
        const where = cidrs.list.length
          ? `the CIDRs of network ${cidrs.names} (${cidrs.list.join(', ')})`
          : 'any camera network of the department (none has CIDRs)';
        return `${host}${host !== address ? ` (${address})` : ''} lies outside ${where}`;
      }
    }
    return null;
  }
}
