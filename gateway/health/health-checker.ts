// Camera health checker: periodic ONVIF/RTSP liveness checks with jitter and bounded concurrency, batched change reports.
import {
  OnvifAuthError,
  OnvifDevice,
  OnvifFaultError,
  OnvifHttpError,
  OnvifTimeoutError,
  OnvifXmlError,
  OnvifTooLargeError,
  OnvifResponseError,
} from '../onvif/index';
import { probeRtsp } from './rtsp-probe';

/** A camera as the checker needs it. */
export interface HealthTarget {
  id: string;
  kind: 'onvif' | 'rtsp';
  /** ONVIF device service URL (kind onvif). */
  xaddr?: string;
  /** RTSP URL: the stream of an RTSP camera, or (optional) the main stream of an ONVIF camera. */
  rtspUrl?: string;
  username?: string;
  password?: string;
  /** Asked before each check: a reason not to contact the camera at all (its address is refused), or null. */
  guard?: () => Promise<string | null>;
}

export type HealthState = 'online' | 'offline' | 'unauthorized' | 'degraded';

/** One state change. `lastSeen` is the last time the camera answered at all (null: never). */
export interface HealthChange {
  id: string;
  state: HealthState;
  reason: string;
  lastSeen: Date | null;
}

/** What the checker depends on (declared here, implemented by the camera registry). */
export interface HealthSource {
  list(): Iterable<HealthTarget>;
  report(changes: HealthChange[]): void;
}

/** Options; all durations in ms. */
export interface HealthCheckerOptions {
  /** Period of a full check cycle. Default 30000. */
  intervalMs?: number;
  /** Each cycle's period is intervalMs × (1 ± jitter/2) so many gateways do not beat in step. Default 0.2. */
  jitter?: number;
  /** Checks in flight at once. Default 64. */
  concurrency?: number;
  /** Per-call limit. Default 3000. */
  timeoutMs?: number;
  /** An answer slower than this makes the camera degraded. Default 2000. */
  slowMs?: number;
  /** Changes are reported at most this often. Default 500. */
  flushMs?: number;
  /** For ONVIF cameras with an rtspUrl, also DESCRIBE the stream (ONVIF up + RTSP down = degraded). Default true. */
  checkRtspOfOnvif?: boolean;
}

interface Known {
  state: HealthState;
  reason: string;
  lastSeen: Date | null;
  key: string;
  device?: OnvifDevice;
}

/** Result of one check. */
interface Verdict {
  state: HealthState;
  reason: string;
  seen: boolean;
}

/**
 * Checks every listed camera once per interval. `start()` runs the first cycle at once; `close()`
 * (idempotent) stops the timers, waits for the running cycle and flushes pending changes.
 */
export class HealthChecker {
  private readonly o: Required<HealthCheckerOptions>;
  private readonly known = new Map<string, Known>();
  private pending = new Map<string, HealthChange>();
  private cycleTimer?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private closed?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly source: HealthSource,
    opts: HealthCheckerOptions = {},
  ) {
    this.o = {
      intervalMs: 30_000,
      jitter: 0.2,
      concurrency: 64,
      timeoutMs: 3000,
      slowMs: 2000,
      flushMs: 500,
      checkRtspOfOnvif: true,
      ...opts,
    };
  }

  start(): void {
    if (this.cycleTimer || this.stopping) return;
    const loop = (): void => {
      if (this.stopping) return;
      if (!this.running) this.running = this.checkAll().finally(() => (this.running = undefined)); // never overlap cycles
      const period = this.o.intervalMs * (1 + (Math.random() - 0.5) * this.o.jitter);
      this.cycleTimer = setTimeout(loop, period);
    };
    loop();
    this.flushTimer = setInterval(() => this.flush(), this.o.flushMs);
  }

  /** Current state of a camera, if checked. */
  state(id: string): HealthChange | undefined {
    const k = this.known.get(id);
    return k && { id, state: k.state, reason: k.reason, lastSeen: k.lastSeen };
  }

  /** One full cycle over source.list(); resolves with how many were checked and how long it took. */
  async checkAll(): Promise<{ checked: number; ms: number }> {
    const t0 = Date.now();
    const targets = [...this.source.list()];
    const ids = new Set(targets.map((t) => t.id));
    for (const id of this.known.keys()) if (!ids.has(id)) this.known.delete(id);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < targets.length && !this.stopping) {
        const t = targets[next++]!;
        await this.checkOne(t);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, targets.length) }, worker));
    return { checked: next, ms: Date.now() - t0 };
  }

  private async checkOne(t: HealthTarget): Promise<void> {
    const key = `${t.kind}|${t.xaddr ?? ''}|${t.rtspUrl ?? ''}|${t.username ?? ''}|${t.password ?? ''}`;
    let k = this.known.get(t.id);
    if (!k || k.key !== key) {
      k = { state: 'offline', reason: 'not checked yet', lastSeen: k?.lastSeen ?? null, key };
      this.known.set(t.id, k);
      k.reason = '\u0000'; // force the first verdict to be reported
    }
    let v: Verdict;
    try {
      const refused = t.guard ? await t.guard() : null;
      if (refused) v = { state: 'offline', reason: `health: not contacted: ${refused}`, seen: false };
      else v = t.kind === 'onvif' ? await this.checkOnvif(t, k) : await this.checkRtsp(t);
    } catch (e) {
      v = { state: 'degraded', reason: `health: check failed: ${(e as Error).message}`, seen: false };
    }
    if (v.seen) k.lastSeen = new Date();
    if (v.state !== k.state || k.reason === '\u0000') {
      k.state = v.state;
      k.reason = v.reason;
      this.pending.set(t.id, { id: t.id, state: v.state, reason: v.reason, lastSeen: k.lastSeen });
    } else k.reason = v.reason;
  }

  private async checkOnvif(t: HealthTarget, k: Known): Promise<Verdict> {
    if (!t.xaddr) return { state: 'offline', reason: 'health: onvif camera without xaddr', seen: false };
    k.device ??= new OnvifDevice({
      xaddr: t.xaddr,
      ...(t.username !== undefined ? { username: t.username, password: t.password ?? '' } : {}),
      timeoutMs: this.o.timeoutMs,
      maxResponseBytes: 64 * 1024,
    });
    const t0 = Date.now();
    try {
      // With credentials, an authenticated call so a wrong password shows as unauthorized.
      if (t.username !== undefined) await k.device.getDeviceInformation();
      else await k.device.getSystemDateAndTime();
    } catch (e) {
      if (e instanceof OnvifAuthError) return { state: 'unauthorized', reason: e.message, seen: true };
      if (e instanceof OnvifTimeoutError || (e instanceof OnvifHttpError && e.status === undefined))
        return { state: 'offline', reason: e.message, seen: false };
      if (
        e instanceof OnvifFaultError ||
        e instanceof OnvifXmlError ||
        e instanceof OnvifTooLargeError ||
        e instanceof OnvifResponseError ||
        e instanceof OnvifHttpError
      )
        return { state: 'degraded', reason: e.message, seen: true };
      throw e;
    }
    const ms = Date.now() - t0;
    if (t.rtspUrl && this.o.checkRtspOfOnvif) {
      const r = await probeRtsp(t.rtspUrl, {
        ...(t.username !== undefined ? { username: t.username, password: t.password ?? '' } : {}),
        timeoutMs: this.o.timeoutMs,
      });
      if (r.outcome !== 'ok')
        return { state: 'degraded', reason: `health: ONVIF answers but RTSP does not: ${r.detail}`, seen: true };
    }
    if (ms > this.o.slowMs)
      return { state: 'degraded', reason: `health: ONVIF answered in ${ms} ms (> ${this.o.slowMs} ms)`, seen: true };
    return { state: 'online', reason: `ONVIF answered in ${ms} ms`, seen: true };
  }

  private async checkRtsp(t: HealthTarget): Promise<Verdict> {
    if (!t.rtspUrl) return { state: 'offline', reason: 'health: rtsp camera without rtspUrl', seen: false };
    const r = await probeRtsp(t.rtspUrl, {
      ...(t.username !== undefined ? { username: t.username, password: t.password ?? '' } : {}),
      timeoutMs: this.o.timeoutMs,
    });
    switch (r.outcome) {
      case 'ok':
        return r.ms > this.o.slowMs
          ? { state: 'degraded', reason: `health: RTSP answered in ${r.ms} ms`, seen: true }
          : { state: 'online', reason: `RTSP DESCRIBE in ${r.ms} ms`, seen: true };
      case 'unauthorized':
        return { state: 'unauthorized', reason: r.detail, seen: true };
      case 'not-found':
        return { state: 'offline', reason: r.detail, seen: true };
      case 'protocol-error':
        return { state: 'degraded', reason: r.detail, seen: true };
      default:
        return { state: 'offline', reason: r.detail, seen: false };
    }
  }

  /** Reports pending changes now (also done every flushMs). */
  flush(): void {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.source.report(batch);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopping = true;
      clearTimeout(this.cycleTimer);
      clearInterval(this.flushTimer);
      await this.running;
      this.flush();
    })();
    return this.closed;
  }
}
