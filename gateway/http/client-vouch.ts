// The client of a request one node forwards to another (cluster): the forwarding node vouches for the address it saw,
// signed with a key every node derives from the shared secret, so the serving node audits the client, not the node.
// A client's own header of that name, unsigned, forged or stale, is ignored (X-Forwarded-For is never trusted).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** `<address> <unix seconds> <HMAC-SHA256 hex of "address seconds">`, set by the forwarding node. */
export const CLIENT_HEADER = 'x-cloudeye-client';
/** A vouch older (or further ahead) than this is refused: forwarding takes milliseconds. */
const MAX_SKEW_S = 60;
const VOUCHED = Symbol('cloudeye.client');

type Vouched = IncomingMessage & { [VOUCHED]?: string };

export class ClientVouch {
  constructor(private readonly key: Buffer) {}

  private mac(text: string): Buffer {
    return createHmac('sha256', this.key).update(text).digest();
  }

  /** The header value vouching for `address` now. */
  sign(address: string, nowS = Math.floor(Date.now() / 1000)): string {
    return `${address} ${nowS} ${this.mac(`${address} ${nowS}`).toString('hex')}`;
  }

  /** The address a header value vouches for, or null when it is malformed, forged or stale. */
  verify(value: unknown, nowS = Math.floor(Date.now() / 1000)): string | null {
    if (typeof value !== 'string' || value.length > 200) return null;
    const m = /^([0-9A-Fa-f:.]{2,45}) (\d{1,12}) ([0-9a-f]{64})$/.exec(value);
    if (!m || Math.abs(nowS - Number(m[2])) > MAX_SKEW_S) return null;
    const want = this.mac(`${m[1]} ${m[2]}`);
    return timingSafeEqual(want, Buffer.from(m[3]!, 'hex')) ? m[1]! : null;
  }

  /** Takes a forwarded request's vouched client as its client address (clientIp); drops the header either way. */
  adopt(req: IncomingMessage): void {
    const v = req.headers[CLIENT_HEADER];
    if (v === undefined) return;
    delete req.headers[CLIENT_HEADER];
    const address = this.verify(v);
    if (address) (req as Vouched)[VOUCHED] = address;
  }
}

/** The client address written to the audit log: the socket's peer, or the client a forwarding node vouched for. */
export const clientIp = (req: IncomingMessage): string => (req as Vouched)[VOUCHED] ?? req.socket.remoteAddress ?? '';
