// Unicast discovery sweep across routed networks: WS-Discovery Probe datagrams and/or HTTP GetSystemDateAndTime.
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { OnvifError, OnvifHttpError } from './errors';
import { parseSystemDateAndTime } from './parse-device';
import { envelope } from './soap';
import { parseTargets, type SweepTarget } from './targets';
import { soapExchange } from './transport';
import {
  buildProbe,
  newStats,
  normId,
  screenDatagram,
  withHints,
  WSD_PORT,
  type DatagramStats,
  type DiscoveredDevice,
} from './ws-discovery';

/** Progress after each host: hosts done out of total, devices found so far. */
export interface SweepProgress {
  probed: number;
  total: number;
  found: number;
}

/** Options of sweepUnicast. */
export interface SweepOptions {
  /** Hosts, host:port entries or CIDRs (one string is split on commas/whitespace). */
  hosts: string[] | string;
  /** 'ws-discovery': a unicast Probe to host:wsdPort; 'http': GetSystemDateAndTime on each HTTP port. Default both. */
  methods?: Array<'ws-discovery' | 'http'>;
  /** HTTP ports tried for entries without a port. Default [80]. */
  ports?: number[];
  /** Device service path for the HTTP probe. Default "/onvif/device_service". */
  path?: string;
  /** UDP port of the unicast Probe. Default 3702. */
  wsdPort?: number;
  /** Hosts probed at once. Default 64. */
  concurrency?: number;
  /** Per-probe limit in ms (HTTP call; UDP answers are awaited this long after the last send). Default 1500. */
  timeoutMs?: number;
  /** Largest HTTP answer accepted, bytes. Default 256 kB. */
  maxResponseBytes?: number;
  /** Widest CIDR accepted. Default 16. */
  maxSweepPrefix?: number;
  onProgress?: (p: SweepProgress) => void;
  signal?: AbortSignal;
}

/** A target whose HTTP probe failed with something other than "nobody there". */
export interface SweepFailure {
  target: string;
  error: OnvifError;
}

export interface SweepResult {
  devices: DiscoveredDevice[];
  /** Named errors per target (bad XML, faults, timeouts, too large…); refused/unreachable are only counted. */
  failures: SweepFailure[];
  stats: DatagramStats & SweepProgress & { unreachable: number; aborted: boolean };
}

/**
 * Sweeps hosts that multicast cannot reach (other routed department networks). Both methods run by
 * default: the UDP Probe finds devices on any port and returns their EndpointReference; the HTTP probe
 * finds devices whose WS-Discovery is disabled. Results are merged by XAddr. Cancelling via `signal`
 * stops launching probes and returns what was found (stats.aborted = true).
 */
export async function sweepUnicast(opts: SweepOptions): Promise<SweepResult> {
  const targets = parseTargets(opts.hosts, opts.maxSweepPrefix ?? 16);
  const methods = new Set(opts.methods ?? ['ws-discovery', 'http']);
  const timeoutMs = opts.timeoutMs ?? 1500;
  const byHost = new Map<string, SweepTarget[]>();
  for (const t of targets) byHost.set(t.host, [...(byHost.get(t.host) ?? []), t]);
  const hosts = [...byHost.keys()];
  const stats = { ...newStats(), probed: 0, total: hosts.length, found: 0, unreachable: 0, aborted: false };
  const wsd = new Map<string, DiscoveredDevice>();
  const http = new Map<string, DiscoveredDevice>();
  const failures: SweepFailure[] = [];
  const ours = new Map<string, string>();
  let sock: dgram.Socket | undefined;
  let lastSend = 0;
  const count = (): number =>
    wsd.size + [...http.keys()].filter((x) => ![...wsd.values()].some((d) => d.xaddrs.includes(x))).length;

  if (methods.has('ws-discovery')) {
    const s = dgram.createSocket('udp4');
    sock = s;
    s.on('message', (msg, rinfo) => {
      const hit = screenDatagram(msg, ours, stats);
      if (!hit) return;
      for (const m of hit.matches) {
        const prev = wsd.get(m.endpoint);
        if (prev) prev.xaddrs = [...new Set([...prev.xaddrs, ...m.xaddrs])];
        else wsd.set(m.endpoint, withHints(m, `${rinfo.address}:${rinfo.port}`, 'unicast'));
      }
    });
    s.on('error', () => undefined);
    await new Promise<void>((r) => s.bind(0, r));
  }

  const probeHttp = async (host: string, port: number): Promise<void> => {
    const xaddr = `http://${host}:${port}${opts.path ?? '/onvif/device_service'}`;
    try {
      const { doc } = await soapExchange({
        url: xaddr,
        action: 'http://www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime',
        body: envelope('<tds:GetSystemDateAndTime/>'),
        timeoutMs,
        maxResponseBytes: opts.maxResponseBytes ?? 256 * 1024,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      parseSystemDateAndTime(doc);
      const href = new URL(xaddr).href;
      http.set(href, { endpoint: href, types: [], scopes: [], xaddrs: [href], from: `${host}:${port}`, via: 'http' });
    } catch (e) {
      if (opts.signal?.aborted) return;
      if (e instanceof OnvifHttpError && e.status === undefined) stats.unreachable++;
      else if (e instanceof OnvifError) failures.push({ target: `${host}:${port}`, error: e });
      else stats.unreachable++;
    }
  };

  const probeHost = async (host: string): Promise<void> => {
    if (sock && !/:/.test(host)) {
      const id = `uuid:${randomUUID()}`;
      ours.set(normId(id), host);
      const payload = Buffer.from(buildProbe(id));
      lastSend = Date.now();
      await new Promise<void>((r) => sock!.send(payload, opts.wsdPort ?? WSD_PORT, host, () => r()));
    }
    if (methods.has('http')) {
      const ports = byHost
        .get(host)!
        .map((t) => t.port)
        .filter((p): p is number => p !== undefined);
      await Promise.all((ports.length ? ports : (opts.ports ?? [80])).map((p) => probeHttp(host, p)));
    }
    stats.probed++;
    stats.found = count();
    opts.onProgress?.({ probed: stats.probed, total: stats.total, found: stats.found });
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hosts.length && !opts.signal?.aborted) await probeHost(hosts[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 64, hosts.length) }, worker));
    if (sock && !opts.signal?.aborted) {
      const left = lastSend + timeoutMs - Date.now();
      if (left > 0)
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          opts.signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              r();
            },
            { once: true },
          );
        });
    }
  } finally {
    if (sock) await new Promise<void>((r) => sock!.close(() => r()));
  }
  stats.aborted = opts.signal?.aborted ?? false;
  const devices = [...wsd.values()];
  for (const [x, d] of http) if (!devices.some((w) => w.xaddrs.includes(x))) devices.push(d);
  stats.found = devices.length;
  opts.onProgress?.({ probed: stats.probed, total: stats.total, found: stats.found });
  return { devices, failures, stats };
}
