// The GB/T 28181 platform side (SIP server): REGISTER with digest, expiry, keepalive tracking, MESSAGE dispatch, queries, PTZ and INVITE.
import { EventEmitter } from 'node:events';
import { QueryTracker } from './query-tracker';
import { Registrar, fromId, type GbDevice } from './registrar';
import { invite, type GbDialog, type MediaTarget } from './dialog';
import { GbDeviceError, SipStatusError, SipTimeoutError } from './errors';
import { CatalogCollector, readCatalog, type CatalogItem } from './manscdp-catalog';
import { buildPtzControl, buildQuery, buildRecordInfoQuery } from './manscdp-build';
import {
  parseManscdp,
  readAlarm,
  readDeviceInfo,
  readDeviceStatus,
  readKeepalive,
  type DeviceInfo,
  type DeviceStatus,
  type ManscdpDoc,
  type RecordItem,
} from './manscdp';
import { collectRecordItems } from './manscdp-record';
import { encodePtzCmd, type PtzCommand } from './ptz';
import { header, type SipResponse } from './sip-message';
import type { RecordedRange } from './sdp';
import { SipEndpoint, type IncomingRequest, type SipEndpointOptions, type SipPeer } from './sip-endpoint';
import { MANSCDP, buildRequest, newCallId, newTag } from './sip-request';

export type { GbDevice } from './registrar';

export interface GbServerOptions extends SipEndpointOptions {
  /** The platform's 20-digit SIP id. */
  id: string;
  /** SIP domain / digest realm (the 10-digit domain code, usually the id's first 10 digits). */
  realm: string;
  /** Password of a device: one per-domain string, or a lookup per device id (undefined = unknown device, refused). */
  password: string | ((deviceId: string) => string | undefined);
  /** Seconds between a device's keepalives (its configuration). Default 60. */
  keepaliveIntervalS?: number;
  /** Keepalives missed in a row before the device is offline. Default 3. */
  keepaliveMisses?: number;
  /** Longest registration granted, seconds. Default 3600. */
  maxExpiresS?: number;
  /** REGISTER per second per source address, and the burst allowed. Default 5 and 20. */
  registerRate?: { ratePerSecond: number; burst: number };
  /** Most devices registered at once; more get 503. Default 100000. */
  maxDevices?: number;
  /** How long a query waits for the device's answer(s), ms. Default 10000. */
  queryTimeoutMs?: number;
  /** How often registration expiry and keepalive misses are checked, ms. Default 1000. */
  sweepMs?: number;
  now?: () => number;
}

/**
 * Events: 'registered' (device, { moved }), 'unregistered' (device, 'unregister' | 'expired'), 'online' (device),
 * 'offline' (device), 'keepalive' (device), 'alarm' (AlarmNotify, device), 'catalog-notify' (CatalogPage, device), 'notify' (ManscdpDoc, device),
 * 'auth-failed' ({ deviceId, address, verdict }), 'dropped' ({ peer, reason }) for refused input, 'bye' (GbDialog).
 */
export class Gb28181Server extends EventEmitter {
  readonly endpoint: SipEndpoint;
  private readonly registrar: Registrar;
  private readonly table: Map<string, GbDevice>;
  private readonly queries: QueryTracker;
  private readonly dialogs = new Map<string, GbDialog>();
  private readonly now: () => number;
  private sweep: NodeJS.Timeout | null = null;
  private sn = 1;
  private ssrcSeq = 0;

  constructor(readonly opts: GbServerOptions) {
    super();
    this.now = opts.now ?? Date.now;
    this.endpoint = new SipEndpoint(opts);
    this.queries = new QueryTracker(opts.queryTimeoutMs ?? 10_000);
    this.registrar = new Registrar({ ...opts, now: this.now }, (event, ...args) => this.emit(event, ...args));
    this.table = this.registrar.table;
    this.endpoint.on('request', (r: IncomingRequest) => this.onRequest(r));
    this.endpoint.on('dropped', (d) => this.emit('dropped', d));
    this.endpoint.on('tcp-closed', (peer: SipPeer) => this.onTcpClosed(peer));
    this.endpoint.on('stray-2xx', (res: SipResponse) => this.dialogs.get(header(res, 'Call-ID') ?? '')?.ack());
  }

  async start(): Promise<void> {
    await this.endpoint.start();
    this.sweep = setInterval(() => this.check(), this.opts.sweepMs ?? 1000);
    this.sweep.unref();
  }

  devices(): GbDevice[] {
    return [...this.table.values()];
  }

  device(id: string): GbDevice | undefined {
    return this.table.get(id);
  }

  private onRequest(r: IncomingRequest): void {
    const m = r.req.method;
    if (m === 'REGISTER') return this.registrar.handle(r);
    if (m === 'MESSAGE' || m === 'NOTIFY') return this.onMessage(r);
    if (m === 'BYE') {
      const d = this.dialogs.get(header(r.req, 'Call-ID') ?? '');
      if (!d) return r.reply(481, 'Call/Transaction Does Not Exist');
      r.reply(200, 'OK');
      this.dialogs.delete(d.callId);
      d.remoteBye();
      this.emit('bye', d);
      return;
    }
    if (m === 'ACK') return;
    if (m === 'OPTIONS') return r.reply(200, 'OK');
    r.reply(405, 'Method Not Allowed', [{ name: 'Allow', value: 'REGISTER, MESSAGE, NOTIFY, BYE, ACK, OPTIONS' }]);
  }

  private onMessage(r: IncomingRequest): void {
    const id = fromId(r);
    const dev = this.table.get(id);
    if (!dev) {
      this.emit('dropped', {
        peer: r.peer,
        reason: `gb28181: ${r.req.method} from unregistered device ${JSON.stringify(id.slice(0, 40))}`,
      });
      return r.reply(403, 'Forbidden');
    }
    let doc: ManscdpDoc;
    try {
      doc = parseManscdp(r.req.body);
    } catch (e) {
      this.emit('dropped', { peer: r.peer, reason: (e as Error).message });
      return r.reply(400, 'Bad Request');
    }
    r.reply(200, 'OK');
    dev.lastSeen = this.now();
    if (doc.cmdType === 'Keepalive' && doc.root === 'Notify') {
      readKeepalive(doc);
      const wasOnline = dev.online;
      dev.online = true;
      this.emit('keepalive', dev);
      if (!wasOnline) this.emit('online', dev);
      return;
    }
    if (doc.root === 'Response') return this.onResponse(dev, doc);
    if (doc.cmdType === 'Alarm') return void this.emit('alarm', readAlarm(doc), dev);
    if (doc.cmdType === 'Catalog' && doc.root === 'Notify')
      return void this.emit('catalog-notify', readCatalog(doc), dev);
    this.emit('notify', doc, dev);
  }

  private onResponse(dev: GbDevice, doc: ManscdpDoc): void {
    if (!this.queries.offer(dev.id, doc)) this.emit('notify', doc, dev);
  }

  private requireDevice(id: string): GbDevice {
    const d = this.table.get(id);
    if (!d) throw new GbDeviceError(id, 'not registered');
    return d;
  }

  /** Sends a MESSAGE to a registered device; resolves once it answers 200. */
  async sendMessage(deviceId: string, targetId: string, body: Buffer): Promise<void> {
    const dev = this.requireDevice(deviceId);
    const req = buildRequest({
      method: 'MESSAGE',
      uri: `sip:${targetId}@${dev.peer.address}:${dev.peer.port}`,
      from: `<sip:${this.opts.id}@${this.opts.realm}>;tag=${newTag()}`,
      to: `<sip:${targetId}@${this.opts.realm}>`,
      callId: newCallId(this.opts.host),
      cseq: 1,
      body,
      contentType: MANSCDP,
    });
    const res = await this.endpoint.request(dev.peer, req);
    if (res.status >= 300) throw new SipStatusError(`MESSAGE to ${targetId}`, res.status, res.reason);
  }

  private async query(deviceId: string, cmdType: string, body: (sn: number) => Buffer): Promise<ManscdpDoc[]> {
    this.requireDevice(deviceId);
    const sn = this.sn++;
    const done = this.queries.expect(deviceId, cmdType, sn);
    try {
      await this.sendMessage(deviceId, deviceId, body(sn));
    } catch (e) {
      this.queries.fail(deviceId, cmdType, sn, e as Error);
    }
    return done;
  }

  /** The device's whole catalog, its pages put together (by SumNum). */
  async queryCatalog(deviceId: string): Promise<CatalogItem[]> {
    const docs = await this.query(deviceId, 'Catalog', (sn) => buildQuery('Catalog', sn, deviceId));
    const c = new CatalogCollector();
    for (const d of docs) c.add(readCatalog(d));
    return c.list();
  }

  async queryDeviceInfo(deviceId: string): Promise<DeviceInfo> {
    const [doc] = await this.query(deviceId, 'DeviceInfo', (sn) => buildQuery('DeviceInfo', sn, deviceId));
    return readDeviceInfo(doc as ManscdpDoc);
  }

  async queryDeviceStatus(deviceId: string): Promise<DeviceStatus> {
    const [doc] = await this.query(deviceId, 'DeviceStatus', (sn) => buildQuery('DeviceStatus', sn, deviceId));
    return readDeviceStatus(doc as ManscdpDoc);
  }

  /** Recordings of a channel between two local times (YYYY-MM-DDTHH:mm:ss). */
  async queryRecordInfo(deviceId: string, channelId: string, start: string, end: string): Promise<RecordItem[]> {
    const docs = await this.query(deviceId, 'RecordInfo', (sn) => buildRecordInfoQuery(sn, channelId, start, end));
    return collectRecordItems(docs);
  }

  /**
   * Subscribes to a device's catalog changes (SUBSCRIBE, Event: Catalog, GB/T 28181 §9.11); the device's
   * NOTIFYs arrive as 'catalog-notify' (CatalogPage with each item's Event: ADD, DEL, UPDATE, ON, OFF…).
   */
  async subscribeCatalog(deviceId: string, expiresS = 3600): Promise<void> {
    const dev = this.requireDevice(deviceId);
    const sn = this.sn++;
    const req = buildRequest({
      method: 'SUBSCRIBE',
      uri: `sip:${deviceId}@${dev.peer.address}:${dev.peer.port}`,
      from: `<sip:${this.opts.id}@${this.opts.realm}>;tag=${newTag()}`,
      to: `<sip:${deviceId}@${this.opts.realm}>`,
      callId: newCallId(this.opts.host),
      cseq: 1,
      contact: `<sip:${this.opts.id}@${this.endpoint.hostPort(dev.peer.transport)}>`,
      extra: [
        { name: 'Event', value: `Catalog;id=${sn}` },
        { name: 'Expires', value: String(expiresS) },
      ],
      body: buildQuery('Catalog', sn, deviceId),
      contentType: MANSCDP,
    });
    const res = await this.endpoint.request(dev.peer, req);
    if (res.status >= 300) throw new SipStatusError(`SUBSCRIBE Catalog of ${deviceId}`, res.status, res.reason);
  }

  /** Sends a PTZCmd DeviceControl to a channel; resolves when the device accepts the MESSAGE. */
  async ptz(deviceId: string, channelId: string, cmd: PtzCommand): Promise<void> {
    await this.sendMessage(deviceId, channelId, buildPtzControl(this.sn++, channelId, encodePtzCmd(cmd)));
  }

  /** A y= SSRC: 0 (live) or 1 (playback, download), digits 4–8 of the domain, a 4-digit sequence (GB/T 28181 annex F). */
  newSsrc(recorded = false): string {
    this.ssrcSeq = (this.ssrcSeq % 9999) + 1;
    return `${recorded ? 1 : 0}${this.opts.realm.slice(3, 8).padEnd(5, '0')}${String(this.ssrcSeq).padStart(4, '0')}`;
  }

  /**
   * INVITEs a channel of a registered device to send its live stream (or, with `recorded`, its footage: Playback or
   * Download) to `media`; resolves with the ACKed dialog.
   */
  async invite(
    deviceId: string,
    channelId: string,
    media: Omit<MediaTarget, 'ssrc'> & { ssrc?: string },
    recorded?: RecordedRange,
  ): Promise<GbDialog> {
    const dev = this.requireDevice(deviceId);
    const d = await invite({
      endpoint: this.endpoint,
      peer: dev.peer,
      localId: this.opts.id,
      realm: this.opts.realm,
      channelId,
      media: { ...media, ssrc: media.ssrc ?? this.newSsrc(!!recorded) },
      contactHostPort: this.endpoint.hostPort(dev.peer.transport),
      ...(recorded ? { recorded } : {}),
    });
    this.dialogs.set(d.callId, d);
    d.once('ended', () => this.dialogs.delete(d.callId));
    return d;
  }

  /** A device registered over TCP whose connection ends is offline until it reconnects and registers again. */
  private onTcpClosed(peer: SipPeer): void {
    for (const dev of this.table.values())
      if (dev.peer.socket && dev.peer.socket === peer.socket && dev.online) {
        dev.online = false;
        this.emit('offline', dev);
      }
  }

  private check(): void {
    const now = this.now();
    const limit = (this.opts.keepaliveIntervalS ?? 60) * (this.opts.keepaliveMisses ?? 3) * 1000;
    for (const dev of [...this.table.values()]) {
      if (now >= dev.expiresAt) {
        this.table.delete(dev.id);
        this.emit('unregistered', dev, 'expired');
      } else if (dev.online && now - dev.lastSeen > limit) {
        dev.online = false;
        this.emit('offline', dev);
      }
    }
  }

  async close(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
    this.queries.close(new SipTimeoutError('server closed', 0));
    await Promise.all([...this.dialogs.values()].map((d) => d.bye()));
    await this.endpoint.close();
  }
}
