// Errors of the cluster: a node that cannot join.

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
