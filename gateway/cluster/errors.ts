// Errors of the cluster: a node that cannot join, a stream that runs on another node.
import { UnavailableError } from '../errors';

/** A node asked for a name that a live node (heartbeat not expired) holds: refused at start, never taken over. */
export class NodeNameInUseError extends Error {
  override name = 'NodeNameInUseError';
  constructor(
    readonly nodeName: string,
    readonly holderAddress: string,
    readonly heartbeatAgeMs: number,
  ) {
    super(
      `cluster: node name "${nodeName}" is in use by a live node at ${holderAddress || '(no address)'} ` +
        `(last heartbeat ${heartbeatAgeMs} ms ago); choose another server.nodeName or stop that node`,
    );
  }
}

/**
 * A pull this node was asked for is leased to another node: the stream is served there (the HTTP layer forwards the
 * call to `address` once; a forwarded call that meets this again answers 503 with Retry-After, the lease moving).
 */
export class StreamElsewhereError extends UnavailableError {
  override name = 'StreamElsewhereError';
  constructor(
    readonly key: string,
    readonly node: string,
    readonly address: string,
  ) {
    super(`cluster: stream ${key} runs on node ${node} (${address}); ask that node`, 1);
  }
}
