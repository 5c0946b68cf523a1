// OnvifClient: the device and media part of the project's narrow ONVIF client for one camera (SOAP, clock, services,
// profiles, URIs); OnvifDevice (device.ts) adds PTZ and events.
import { OnvifAuthError, OnvifError, OnvifFaultError, OnvifHttpError, OnvifResponseError } from './errors';
import {
  parseCapabilities,
  parseDeviceInformation,
  parseServices,
  parseSystemDateAndTime,
  type DeviceClock,
  type DeviceInformation,
  type ServiceAddresses,
} from './parse-device';
import { parseMediaUri, parseProfiles, type MediaProfile } from './parse-media';
import { esc, envelope, usernameToken } from './soap';
import { soapExchange, type DigestState, type SoapResponse } from './transport';
import { pinServiceUrl, validateSnapshotUri, validateStreamUri, type UriPolicy } from './uri';

/** Construction options. */
export interface OnvifDeviceOptions {
  /** Device service URL, e.g. "http://10.0.0.5/onvif/device_service". */
  xaddr: string;
  username?: string;
  password?: string;
  /** Per-call limit in ms, connect to last byte. Default 5000. */
  timeoutMs?: number;
  /** Largest accepted response body in bytes. Default 1 MiB (Hikvision's 255 presets are ~60 kB). */
  maxResponseBytes?: number;
  /** Hosts other than the device's that stream/snapshot URIs may name. Default []. */
  allowHosts?: string[];
  /** Further hosts they may name, decided by the caller (e.g. inside the camera network's CIDRs). */
  allowHost?: (host: string) => boolean;
}

/** SOAP action namespaces by service. */
export const A = {
  device: 'http://www.onvif.org/ver10/device/wsdl',
  media: 'http://www.onvif.org/ver10/media/wsdl',
  media2: 'http://www.onvif.org/ver20/media/wsdl',
  ptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  events: 'http://www.onvif.org/ver10/events/wsdl',
};

/**
 * One ONVIF device's device and media services. Stateless apart from the measured clock skew, the pinned service URLs
 * and the remembered HTTP Digest challenge; no background work, so there is nothing to close.
 */
export class OnvifClient {
  readonly xaddr: string;
  /** Host part of the xaddr (no port): every URI the device returns must name it. */
  readonly host: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Device clock minus our clock, in ms; applied to every UsernameToken Created. */
  clockSkewMs = 0;
  private clockKnown = false;
  /** Service URLs, already pinned to the device's host. Filled by getServices/getCapabilities. */
  services: ServiceAddresses = {};
  private readonly digest: DigestState = { nc: 0 };

  constructor(protected readonly opts: OnvifDeviceOptions) {
    const u = new URL(opts.xaddr);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new OnvifError(`onvif: xaddr must be http(s): ${opts.xaddr}`);
    this.xaddr = u.href;
    this.host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 1 << 20;
  }

  /**
   * Sends one SOAP body to `url` with WS-UsernameToken (when credentials are set) and any extra
   * header XML. A NotAuthorized answer before the clock was read triggers one clock sync and retry.
   */
  async request(
    url: string,
    action: string,
    body: string,
    opts: { header?: string; auth?: boolean; extraTimeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<SoapResponse> {
    const send = (): Promise<SoapResponse> => {
      const auth =
        opts.auth !== false && this.opts.username !== undefined
          ? usernameToken(this.opts.username, this.opts.password ?? '', Date.now() + this.clockSkewMs)
          : '';
      return soapExchange({
        url,
        action,
        body: envelope(body, auth + (opts.header ?? '')),
        timeoutMs: this.timeoutMs + (opts.extraTimeoutMs ?? 0),
        maxResponseBytes: this.maxResponseBytes,
        ...(this.opts.username !== undefined
          ? { username: this.opts.username, password: this.opts.password ?? '' }
          : {}),
        digest: this.digest,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    };
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof OnvifAuthError) || this.clockKnown || opts.auth === false || this.opts.username === undefined)
        throw e;
      await this.getSystemDateAndTime(opts.signal);
      return send();
    }
  }

  /** Reads the device clock (unauthenticated) and stores the skew used for UsernameToken. */
  async getSystemDateAndTime(signal?: AbortSignal): Promise<DeviceClock & { skewMs: number }> {
    const t0 = Date.now();
    const { doc } = await this.request(this.xaddr, `${A.device}/GetSystemDateAndTime`, '<tds:GetSystemDateAndTime/>', {
      auth: false,
      ...(signal ? { signal } : {}),
    });
    const clock = parseSystemDateAndTime(doc);
    if (clock.utcMs !== undefined) {
      this.clockSkewMs = clock.utcMs - Math.round((t0 + Date.now()) / 2);
      this.clockKnown = true;
    }
    return { ...clock, skewMs: this.clockSkewMs };
  }

  async getDeviceInformation(signal?: AbortSignal): Promise<DeviceInformation> {
    const { doc } = await this.request(
      this.xaddr,
      `${A.device}/GetDeviceInformation`,
      '<tds:GetDeviceInformation/>',
      signal ? { signal } : {},
    );
    return parseDeviceInformation(doc);
  }

  private pin(s: ServiceAddresses): ServiceAddresses {
    const out: ServiceAddresses = {};
    for (const [k, v] of Object.entries(s) as Array<[keyof ServiceAddresses, string]>)
      out[k] = pinServiceUrl(this.xaddr, v);
    return out;
  }

  /** GetServices (preferred: lists Media2), stored pinned to the device's host. */
  async getServices(): Promise<ServiceAddresses> {
    const { doc } = await this.request(
      this.xaddr,
      `${A.device}/GetServices`,
      '<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>',
    );
    this.services = { ...this.services, ...this.pin(parseServices(doc)) };
    return this.services;
  }

  /** GetCapabilities (older devices), stored pinned to the device's host. */
  async getCapabilities(): Promise<ServiceAddresses> {
    const { doc } = await this.request(
      this.xaddr,
      `${A.device}/GetCapabilities`,
      '<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>',
    );
    this.services = { ...this.pin(parseCapabilities(doc)), ...this.services };
    return this.services;
  }

  /** Clock sync, then GetServices falling back to GetCapabilities. Returns the pinned services. */
  async connect(): Promise<ServiceAddresses> {
    await this.getSystemDateAndTime().catch((e: unknown) => {
      // Some devices fault here: carry on unsynced. A device that does not answer at all fails fast.
      if (!(
        e instanceof OnvifFaultError ||
        e instanceof OnvifResponseError ||
        (e instanceof OnvifHttpError && e.status !== undefined)
      ))
        throw e;
    });
    try {
      await this.getServices();
    } catch (e) {
      if (e instanceof OnvifAuthError) throw e;
      await this.getCapabilities();
    }
    if (!this.services.media && !this.services.media2) await this.getCapabilities().catch(() => undefined);
    return this.services;
  }

  private mediaUrl(service: 1 | 2): string {
    const u = service === 2 ? this.services.media2 : this.services.media;
    if (!u)
      throw new OnvifResponseError(
        service === 2 ? 'Media2' : 'Media',
        'the device lists no such service (call connect() first)',
      );
    return u;
  }

  /** Media profiles; `service` defaults to 2 when the device has Media2, else 1. */
  async getProfiles(service?: 1 | 2): Promise<MediaProfile[]> {
    const s = service ?? (this.services.media2 ? 2 : 1);
    const body = s === 2 ? '<tr2:GetProfiles><tr2:Type>All</tr2:Type></tr2:GetProfiles>' : '<trt:GetProfiles/>';
    const { doc } = await this.request(
      this.mediaUrl(s),
      s === 2 ? `${A.media2}/GetProfiles` : `${A.media}/GetProfiles`,
      body,
    );
    return parseProfiles(doc);
  }

  /** RTSP unicast stream URI of a profile, validated with validateStreamUri (throws OnvifUriError). */
  async getStreamUri(profileToken: string, service?: 1 | 2): Promise<string> {
    const s = service ?? (this.services.media2 ? 2 : 1);
    const body =
      s === 2
        ? `<tr2:GetStreamUri><tr2:Protocol>RTSP</tr2:Protocol><tr2:ProfileToken>${esc(profileToken)}</tr2:ProfileToken></tr2:GetStreamUri>`
        : `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream>` +
          `<tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>` +
          `<trt:ProfileToken>${esc(profileToken)}</trt:ProfileToken></trt:GetStreamUri>`;
    const { doc } = await this.request(this.mediaUrl(s), `${s === 2 ? A.media2 : A.media}/GetStreamUri`, body);
    return validateStreamUri(parseMediaUri(doc, 'GetStreamUri'), this.uriPolicy());
  }

  /** HTTP snapshot URI of a profile, validated with validateSnapshotUri (throws OnvifUriError). */
  async getSnapshotUri(profileToken: string, service?: 1 | 2): Promise<string> {
    const s = service ?? (this.services.media2 ? 2 : 1);
    const ns = s === 2 ? 'tr2' : 'trt';
    const { doc } = await this.request(
      this.mediaUrl(s),
      `${s === 2 ? A.media2 : A.media}/GetSnapshotUri`,
      `<${ns}:GetSnapshotUri><${ns}:ProfileToken>${esc(profileToken)}</${ns}:ProfileToken></${ns}:GetSnapshotUri>`,
    );
    return validateSnapshotUri(parseMediaUri(doc, 'GetSnapshotUri'), this.uriPolicy());
  }

  /** What a URI the device reports may name: its own host, allowHosts, or what allowHost accepts. */
  private uriPolicy(): UriPolicy {
    return {
      deviceHost: this.host,
      allowHosts: this.opts.allowHosts ?? [],
      ...(this.opts.allowHost ? { allowHost: this.opts.allowHost } : {}),
    };
  }
}
