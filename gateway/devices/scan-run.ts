// A discovery scan of one network: a multicast probe on its interface, then a unicast sweep of its address ranges and hosts.
import { probeMulticast, sweepUnicast, type DiscoveredDevice } from '../onvif/index';
import type { NetworkRecord } from '../db/org-repo';
import type { FoundDevice, ScanInfo } from '../contract';
import type { DeviceOptions, ScanEvents } from './device-service';

/**
 * Runs a scan, keeping `info` (its progress and end state) current and telling progress; the devices found go into
 * `found` (keyed by network and device address) before the last progress is told, a failed or cancelled scan's too.
 */
export async function runScan(
  net: NetworkRecord,
  info: ScanInfo,
  signal: AbortSignal,
  opts: DeviceOptions,
  events: ScanEvents,
  found: Map<string, FoundDevice>,
): Promise<void> {
  const seen = new Map<string, DiscoveredDevice>();
  const progress = (): void =>
    events.progress(net.departmentId, {
      scanId: info.id,
      probed: info.probed,
      total: info.total,
      found: info.found,
      done: info.state !== 'running',
      ...(info.error ? { error: info.error } : {}),
    });
  try {
    if (net.interface) {
      const m = await probeMulticast({
        interfaceAddress: net.interface,
        repeats: opts.probeRepeats,
        waitMs: opts.probeWaitMs,
        signal,
      });
      for (const d of m.devices) seen.set(d.endpoint, d);
      info.found = seen.size;
      progress();
    }
    const targets = [...net.cidrs, ...net.hosts];
    if (targets.length && !signal.aborted) {
      const r = await sweepUnicast({
        hosts: targets,
        concurrency: opts.sweepConcurrency,
        timeoutMs: opts.requestTimeoutMs,
        maxResponseBytes: opts.maxResponseBytes,
        maxSweepPrefix: opts.maxSweepPrefix,
        ...(opts.sweepPorts ? { ports: opts.sweepPorts } : {}),
        signal,
        onProgress: (pr) => {
          info.probed = pr.probed;
          info.total = pr.total;
          info.found = seen.size + pr.found;
          progress();
        },
      });
      for (const d of r.devices) if (!seen.has(d.endpoint)) seen.set(d.endpoint, d);
    }
    info.state = signal.aborted ? 'cancelled' : 'done';
  } catch (err) {
    info.state = signal.aborted ? 'cancelled' : 'failed';
    info.error = err instanceof Error ? err.message : String(err);
  }
  const now = new Date().toISOString();
  for (const d of seen.values()) {
    const xaddr = d.xaddrs[0];
    if (xaddr)
      found.set(`${net.id}|${xaddr}`, {
        networkId: net.id,
        endpoint: d.endpoint,
        xaddr,
        name: d.name ?? null,
        hardware: d.hardware ?? null,
        via: d.via,
        lastSeen: now,
      });
  }
  info.found = seen.size;
  info.finishedAt = now;
  progress();
}
