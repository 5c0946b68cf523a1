// WS-Discovery responder for a group of simulated cameras: unicast Probe per address, multicast on one interface.
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { kid, parseXml, soapBody, text } from '../../gateway/onvif/xml';
import { WSD_GROUP } from '../../gateway/onvif/ws-discovery';

/** One device the responder speaks for. */
export interface WsdDevice {
  /** EndpointReference Address, e.g. "urn:uuid:…". */
  endpoint: string;
  /** IPv4 address the device lives on (answers are sent from a socket bound there). */
  host: string;
  xaddr: string;
  scopes: string[];
}

/** Options of WsdResponder. */
export interface WsdResponderOptions {
  devices: WsdDevice[];
  /** UDP port for Probes. Default 3702; tests on shared loopback pick another. */
  port?: number;
  /** Join 239.255.255.250 on this interface address and answer multicast Probes. Default: no multicast. */
  multicastInterface?: string;
}

/** Answers Probes with one ProbeMatches message per device, RelatesTo = the Probe's MessageID. */
export class WsdResponder {
  private readonly sockets = new Map<string, dgram.Socket>();
  private mcast?: dgram.Socket;
  private closed?: Promise<void>;
  /** Probes received (for tests). */
  probes = 0;

  constructor(private readonly opts: WsdResponderOptions) {}

  private static probeMatches(relatesTo: string, d: WsdDevice): Buffer {
    return Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope"' +
        ' xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"' +
        ' xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">' +
        `<SOAP-ENV:Header><wsa:MessageID>uuid:${randomUUID()}</wsa:MessageID><wsa:RelatesTo>${relatesTo}</wsa:RelatesTo>` +
        `<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>` +
        `<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header>` +
        `<SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>${d.endpoint}</wsa:Address></wsa:EndpointReference>` +
        `<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>${d.scopes.join(' ')}</d:Scopes>` +
        `<d:XAddrs>${d.xaddr}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
    );
  }

  private onProbe(msg: Buffer, rinfo: dgram.RemoteInfo, devices: WsdDevice[]): void {
    if (msg.length > 16 * 1024) return;
    let id: string | undefined;
    try {
      const doc = parseXml(msg.toString('utf8'));
      if (kid(soapBody(doc), 'Probe') === undefined) return;
      id = text(doc, 'Envelope', 'Header', 'MessageID');
    } catch {
      return; // garbage: ignored like a real device would
    }
    if (!id) return;
    this.probes++;
    for (const d of devices) {
      const sock = this.sockets.get(d.host) ?? this.mcast;
      sock?.send(WsdResponder.probeMatches(id, d), rinfo.port, rinfo.address, () => undefined);
    }
  }

  private bind(sock: dgram.Socket, address: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address, port }, () => {
        sock.off('error', reject);
        sock.on('error', () => undefined);
        resolve();
      });
    });
  }

  /** Binds one socket per device address (+ the multicast socket). */
  async start(): Promise<void> {
    const port = this.opts.port ?? 3702;
    for (const host of new Set(this.opts.devices.map((d) => d.host))) {
      const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      s.on('message', (m, r) =>
        this.onProbe(
          m,
          r,
          this.opts.devices.filter((d) => d.host === host),
        ),
      );
      await this.bind(s, host, port);
      this.sockets.set(host, s);
    }
    if (this.opts.multicastInterface) {
      const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      s.on('message', (m, r) => this.onProbe(m, r, this.opts.devices));
      await this.bind(s, WSD_GROUP, port); // bound to the group: sees only multicast Probes
      s.addMembership(WSD_GROUP, this.opts.multicastInterface);
      this.mcast = s;
    }
  }

  /** Closes every socket (idempotent). */
  close(): Promise<void> {
    this.closed ??= Promise.all(
      [...this.sockets.values(), ...(this.mcast ? [this.mcast] : [])].map(
        (s) =>
          new Promise<void>((r) => {
            try {
              s.close(() => r());
            } catch {
              r();
            }
          }),
      ),
    ).then(() => undefined);
    return this.closed;
  }
}
