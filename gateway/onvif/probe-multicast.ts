// WS-Discovery multicast Probe on one interface: repeated sends, answers matched by RelatesTo, de-duplicated.
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import {
  buildProbe,
  newStats,
  normId,
  screenDatagram,
  withHints,
  WSD_GROUP,
  WSD_PORT,
  type DatagramStats,
  type DiscoveredDevice,
} from './ws-discovery';

/** Options of probeMulticast. */
export interface MulticastProbeOptions {
  /** IPv4 address of the local interface to send from (the department network's leg). */
  interfaceAddress: string;
  /** How many times the same Probe is sent (UDP loses packets). Default 3, 150 ms apart. */
  repeats?: number;
  /** How long to collect answers after the first send, in ms. Default 3000. */
  waitMs?: number;
  /** Probe Types. Default "dn:NetworkVideoTransmitter"; '' probes for everything. */
  types?: string;
  /** Multicast TTL. Default 1: discovery stays inside the department's segment. */
  ttl?: number;
  /** Destination group/port, overridable for tests. Defaults 239.255.255.250:3702. */
  group?: string;
  port?: number;
  signal?: AbortSignal;
}

/** Result: devices keyed by EndpointReference (first answer wins, XAddrs merged) and datagram counters. */
export interface MulticastProbeResult {
  devices: DiscoveredDevice[];
  stats: DatagramStats;
}

/** Sends a multicast Probe from `interfaceAddress` and collects ProbeMatches for `waitMs`. */
export async function probeMulticast(opts: MulticastProbeOptions): Promise<MulticastProbeResult> {
  const repeats = Math.max(1, opts.repeats ?? 3);
  const waitMs = opts.waitMs ?? 3000;
  const messageId = `uuid:${randomUUID()}`;
  const payload = Buffer.from(buildProbe(messageId, opts.types ?? 'dn:NetworkVideoTransmitter'));
  const stats = newStats();
  const found = new Map<string, DiscoveredDevice>();
  const ours = new Map([[normId(messageId), true]]);
  const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const timers: NodeJS.Timeout[] = [];
  try {
    sock.on('message', (msg, rinfo) => {
      const hit = screenDatagram(msg, ours, stats);
      if (!hit) return;
      for (const m of hit.matches) {
        const prev = found.get(m.endpoint);
        if (prev) prev.xaddrs = [...new Set([...prev.xaddrs, ...m.xaddrs])];
        else found.set(m.endpoint, withHints(m, `${rinfo.address}:${rinfo.port}`, 'multicast'));
      }
    });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address: opts.interfaceAddress, port: 0 }, () => {
        sock.off('error', reject);
        resolve();
      });
    });
    sock.on('error', () => undefined); // e.g. ICMP errors on send: keep listening
    sock.setMulticastInterface(opts.interfaceAddress);
    sock.setMulticastTTL(opts.ttl ?? 1);
    const send = (): void => sock.send(payload, opts.port ?? WSD_PORT, opts.group ?? WSD_GROUP, () => undefined);
    for (let i = 0; i < repeats; i++) timers.push(setTimeout(send, i * 150));
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, waitMs);
      timers.push(t);
      opts.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    for (const t of timers) clearTimeout(t);
    await new Promise<void>((r) => sock.close(() => r()));
  }
  return { devices: [...found.values()], stats };
}
