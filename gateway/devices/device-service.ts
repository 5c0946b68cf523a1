// Device layer: discovery scans per network (multicast + unicast sweep), found devices, ONVIF registration, re-sync (PTZ: gateway/ptz/).
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { OnvifAuthError, OnvifFaultError, OnvifUriError } from '../onvif/index';
import type { OrgRepo, NetworkRecord } from '../db/org-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { AccessControl } from '../auth/access';
import type { CredentialBox } from '../auth/secrets';
import type { Principal } from '../auth/policy';
import type { Camera, FoundDevice, ScanInfo } from '../contract';
import { CameraReach } from '../cameras/camera-reach';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { CameraService } from '../cameras/camera-service';
import { deviceCapabilities, deviceFailure, inspectDevice, type InspectedDevice } from './inspect-device';
import { runScan } from './scan-run';

export type { FoundDevice, ScanInfo } from '../contract';

export interface DeviceOptions {
  probeRepeats: number;
  probeWaitMs: number;
  sweepConcurrency: number;
  maxSweepPrefix: number;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  /** HTTP ports the unicast sweep tries on hosts given without a port. */
  sweepPorts?: number[];
}

export interface ScanEvents {
  progress(
    departmentId: number,
    m: { scanId: string; probed: number; total: number; found: number; done: boolean; error?: string },
  ): void;
}

export interface RegisterInput {
  xaddr: string;
  networkId: number;
  name: string;
  lng: number;
  lat: number;
  bearing?: number | null | undefined;
  fov?: number | null | undefined;
  rangeM?: number | null | undefined;
  address?: string | undefined;
  tags?: string[] | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

const actor = (p: Principal, ip: string) => ({
  actorType: p.kind,
  actorId: p.id,
  actorName: p.name,
  departmentId: p.departmentId,
  ip,
});

export class DeviceService {
  private readonly scans = new Map<string, { info: ScanInfo; abort: AbortController; done: Promise<void> }>();
  private readonly found = new Map<string, FoundDevice>();

  constructor(
    private readonly org: OrgRepo,
    private readonly cameras: CameraService,
    private readonly audit: AuditRepo,
    private readonly access: AccessControl,
    private readonly box: CredentialBox,
    private readonly events: ScanEvents,
    private readonly opts: DeviceOptions,
  ) {}

  private async network(p: Principal, id: number): Promise<NetworkRecord> {
    const n = await this.org.network(id);
    if (!n || !this.access.inDepartment(p, 'discover', n.departmentId))
      throw new NotFoundError(`network ${id} not found`);
    return n;
  }

  /** Starts a scan of one network; a second scan of the same network while one runs is refused (409). */
  async startScan(p: Principal, networkId: number, ip: string): Promise<ScanInfo> {
    this.access.assertDo(p, 'discover');
    const net = await this.network(p, networkId);
    for (const s of this.scans.values())
      if (s.info.networkId === networkId && s.info.state === 'running')
        throw new ConflictError(`discovery: network ${net.name} is being scanned (scan ${s.info.id})`);
    const info: ScanInfo = {
      id: randomUUID(),
      networkId,
      departmentId: net.departmentId,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      state: 'running',
      probed: 0,
      total: 0,
      found: 0,
      error: null,
    };
    const abort = new AbortController();
    // every probe in flight (sweepConcurrency of them) listens for cancellation
    setMaxListeners(this.opts.sweepConcurrency + 16, abort.signal);
    const done = runScan(net, info, abort.signal, this.opts, this.events, this.found);
    this.scans.set(info.id, { info, abort, done });
    await this.audit.append({
      ...actor(p, ip),
      action: 'discovery.scan',
      targetType: 'network',
      targetId: networkId,
      detail: { scan: info.id },
    });
    return { ...info };
  }

  async cancelScan(p: Principal, id: string): Promise<ScanInfo> {
    const s = this.scans.get(id);
    if (!s || !this.access.inDepartment(p, 'discover', s.info.departmentId))
      throw new NotFoundError(`scan ${id} not found`);
    s.abort.abort();
    await s.done;
    return { ...s.info };
  }

  listScans(p: Principal): ScanInfo[] {
    this.access.assertDo(p, 'discover');
    return [...this.scans.values()]
      .map((s) => ({ ...s.info }))
      .filter((s) => this.access.inDepartment(p, 'discover', s.departmentId));
  }

  /** Waits for a scan to end (tests, CLI). */
  async waitScan(id: string): Promise<ScanInfo> {
    const s = this.scans.get(id);
    if (!s) throw new NotFoundError(`scan ${id} not found`);
    await s.done;
    return { ...s.info };
  }

  /** Devices found and not yet registered (by xaddr). */
  async devices(p: Principal, registeredXaddrs: Set<string>): Promise<FoundDevice[]> {
    this.access.assertDo(p, 'discover');
    const scope = this.access.departmentScope(p, 'discover');
    const nets = new Set(
      (scope === null ? [] : await this.org.networks(scope === 'all' ? undefined : scope)).map((n) => n.id),
    );
    return [...this.found.values()].filter((d) => nets.has(d.networkId) && !registeredXaddrs.has(d.xaddr));
  }

  /** Reads the device; its URIs may name another host than the device's inside `cidrs` (its network's). */
  private inspect(
    xaddr: string,
    creds: { username: string; password: string } | null,
    cidrs: readonly string[],
  ): Promise<InspectedDevice> {
    const allowHost = (host: string): boolean => CameraReach.hostInCidrs(host, cidrs);
    const opts = { timeoutMs: this.opts.requestTimeoutMs, maxResponseBytes: this.opts.maxResponseBytes, allowHost };
    return inspectDevice(xaddr, creds, opts).catch((err: unknown) => {
      // which field of the request was wrong is this service's to say; any other device failure is a DeviceError
      if (err instanceof OnvifUriError)
        throw new ValidationError(`registration: the device returned an unacceptable URI: ${err.message}`, [
          { path: 'body.xaddr', message: err.message },
        ]);
      if (err instanceof OnvifAuthError || err instanceof OnvifFaultError)
        throw new ValidationError(`registration: ${err.message}`, [{ path: 'body.password', message: err.message }]);
      throw deviceFailure('registration', xaddr, err);
    });
  }

  /** Registers a discovered (or named) ONVIF device in one step: profiles, codecs, PTZ, identity read from it. */
  async register(p: Principal, r: RegisterInput, ip: string): Promise<Camera> {
    this.access.assertDo(p, 'camera-register');
    const net = await this.network(p, r.networkId);
    const creds =
      r.username !== undefined
        ? { username: r.username, password: r.password ?? '' }
        : this.box.openCredentials(net.defaultCredentialsEnc);
    // the device is contacted only at an address the gateway may reach for this network
    await this.cameras.assertAddresses({ departmentId: net.departmentId, networkId: net.id, xaddr: r.xaddr }, 'body');
    const d = await this.inspect(r.xaddr, creds, net.cidrs);
    const cam = await this.cameras.create(
      p,
      {
        name: r.name,
        departmentId: net.departmentId,
        networkId: net.id,
        source: 'onvif',
        xaddr: r.xaddr,
        mainUri: d.mainUri,
        subUri: d.subUri,
        snapshotUri: d.snapshotUri,
        ...(creds ? { username: creds.username, password: creds.password } : {}),
        streams: d.streams,
        lng: r.lng,
        lat: r.lat,
        bearing: r.bearing ?? null,
        fov: r.fov ?? null,
        rangeM: r.rangeM ?? null,
        address: r.address ?? '',
        tags: r.tags ?? [],
        capabilities: deviceCapabilities(d),
      },
      ip,
    );
    for (const [k, v] of this.found) if (v.xaddr === r.xaddr) this.found.delete(k);
    await this.audit.append({
      ...actor(p, ip),
      action: 'camera.register',
      targetType: 'camera',
      targetId: cam.id,
      detail: { xaddr: r.xaddr, vendor: d.vendor, model: d.model },
    });
    return cam;
  }

  /** Re-reads profiles and URIs of a registered ONVIF camera. */
  async resync(p: Principal, id: string, ip: string): Promise<Camera> {
    const rec = await this.cameras.record(p, id, 'resync');
    if (rec.source !== 'onvif' || !rec.xaddr)
      throw new ValidationError(`camera ${id} is a plain RTSP camera: nothing to re-sync`, [
        { path: 'params.id', message: 'not an ONVIF camera' },
      ]);
    await this.cameras.assertReach(rec);
    const d = await this.inspect(rec.xaddr, this.cameras.credentials(rec), (await this.cameras.reachCidrs(rec)).list);
    // what the device reports now must be reachable like what it reported at registration
    await this.cameras.assertAddresses(
      { ...rec, mainUri: d.mainUri, subUri: d.subUri, snapshotUri: d.snapshotUri },
      'device',
    );
    const cam = await this.cameras.systemUpdate(id, {
      mainUri: d.mainUri,
      subUri: d.subUri,
      snapshotUri: d.snapshotUri,
      streams: d.streams,
      capabilities: { ...rec.capabilities, ...deviceCapabilities(d) },
    });
    if (!cam) throw new NotFoundError(`camera ${id} not found`);
    await this.audit.append({
      ...actor(p, ip),
      action: 'camera.resync',
      targetType: 'camera',
      targetId: id,
      detail: { vendor: d.vendor, model: d.model },
    });
    const { credentialsEnc: _c, ...pub } = cam;
    return pub;
  }

  async close(): Promise<void> {
    for (const s of this.scans.values()) s.abort.abort();
    await Promise.all([...this.scans.values()].map((s) => s.done));
  }
}
