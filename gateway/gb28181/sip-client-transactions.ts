// SIP client transactions (RFC 3261 §17.1): retransmission over UDP, Timer B/F, responses matched, ACK of a non-2xx.
import { GbDeviceError, SipTimeoutError } from './errors';
import type { SipPeer } from './sip-endpoint';
import { serializeSip, type SipRequest, type SipResponse } from './sip-message';
import { ackFor } from './sip-request';

interface ClientTx {
  resolve: (r: SipResponse) => void;
  reject: (e: Error) => void;
  onProvisional?: (r: SipResponse) => void;
  timers: NodeJS.Timeout[];
  invite: boolean;
  req: SipRequest;
  peer: SipPeer;
}

/** The client transactions of one endpoint, keyed "branch|method" (the top Via's branch and the CSeq method). */
export class ClientTransactions {
  private readonly txs = new Map<string, ClientTx>();

  constructor(
    /** RFC 3261 T1 and T2, ms. */
    private readonly t1: number,
    private readonly t2: number,
    /** Sends the bytes of one message to a peer (the endpoint's transport). */
    private readonly sendRaw: (peer: SipPeer, bytes: Buffer) => void,
  ) {}

  /**
   * Sends `req` (its Via of branch `key` on top already) as a client transaction: retransmitted at
   * T1, 2·T1, … (capped at T2 for non-INVITE) over UDP, and the promise settles with the final
   * response or SipTimeoutError after 64·T1 (Timer B/F).
   */
  start(peer: SipPeer, req: SipRequest, key: string, onProvisional?: (r: SipResponse) => void): Promise<SipResponse> {
    const bytes = serializeSip(req);
    const invite = req.method === 'INVITE';
    return new Promise<SipResponse>((resolve, reject) => {
      const tx: ClientTx = {
        resolve,
        reject,
        timers: [],
        invite,
        req,
        peer,
        ...(onProvisional ? { onProvisional } : {}),
      };
      // a TCP peer whose connection is gone cannot answer: refused now, not after Timer B/F
      if (peer.transport === 'tcp' && (!peer.socket || peer.socket.destroyed))
        return reject(
          new GbDeviceError(`${peer.address}:${peer.port}`, `its TCP connection is closed (${req.method} not sent)`),
        );
      this.txs.set(key, tx);
      const fail = setTimeout(() => {
        this.finish(key);
        reject(new SipTimeoutError(`${req.method} ${req.uri}`, 64 * this.t1));
      }, 64 * this.t1);
      tx.timers.push(fail);
      if (peer.transport === 'udp') {
        const again = (interval: number): void => {
          tx.timers.push(
            setTimeout(() => {
              if (!this.txs.has(key)) return;
              this.sendRaw(peer, bytes);
              again(invite ? interval * 2 : Math.min(interval * 2, this.t2));
            }, interval),
          );
        };
        again(this.t1);
      }
      this.sendRaw(peer, bytes);
    });
  }

  /** Hands a response to its transaction; false when no transaction has the key "branch|method". */
  onResponse(res: SipResponse, key: string): boolean {
    const tx = this.txs.get(key);
    if (!tx) return false;
    if (res.status < 200) {
      if (tx.invite) for (const t of tx.timers.splice(0)) clearTimeout(t); // Timer A stops on a provisional
      tx.onProvisional?.(res);
      return true;
    }
    this.finish(key);
    if (tx.invite && res.status >= 300) this.sendRaw(tx.peer, serializeSip(ackFor(tx.req, res)));
    tx.resolve(res);
    return true;
  }

  private finish(key: string): void {
    const tx = this.txs.get(key);
    if (!tx) return;
    for (const t of tx.timers) clearTimeout(t);
    this.txs.delete(key);
  }

  /** Ends every transaction: its promise rejects with SipTimeoutError('endpoint closed'). */
  close(): void {
    for (const [key, tx] of this.txs) {
      this.finish(key);
      tx.reject(new SipTimeoutError('endpoint closed', 0));
    }
  }
}
