// Who a lower platform takes requests from: its superior only. Anyone else could otherwise query its catalog or have
// its cameras' live video and recordings sent to an address of their choosing.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { IncomingRequest, SipPeer } from './sip-endpoint';

/** Strangers' requests are logged at most once a minute per address. */
const LOG_EVERY_MS = 60_000;

export class SuperiorGate {
  /** The superior's address as its requests carry it (resolved once when configured as a name). */
  private address = '';
  private readonly logged = new Map<string, number>();

  constructor(private readonly log: (msg: string) => void) {}

  async resolve(host: string): Promise<void> {
    this.address = isIP(host) ? host : ((await lookup(host).catch(() => null))?.address ?? host);
  }

  /**
   * True for a request of the superior: over TCP on the connection we opened to it (`superior`), over UDP from its
   * address. Anyone else is answered 403 (an ACK, which has no answer, is dropped) and false returned.
   */
  allows(r: IncomingRequest, superior: SipPeer | null): boolean {
    const p = r.peer;
    if (p.transport === 'tcp' ? !!p.socket && p.socket === superior?.socket : p.address === this.address) return true;
    const last = this.logged.get(p.address) ?? 0;
    if (Date.now() - last > LOG_EVERY_MS) {
      if (this.logged.size > 1000) this.logged.clear();
      this.logged.set(p.address, Date.now());
      this.log(`gb28181 upstream: ${r.req.method} from ${p.address}:${p.port} refused: not the superior`);
    }
    if (r.req.method !== 'ACK') r.reply(403, 'Forbidden');
    return false;
  }
}
