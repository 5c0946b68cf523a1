// QoS 1 acknowledgements in arrival order, each sent only once its message is stored, while later messages are read and stored meanwhile.

/**
 * MQTT 3.1.1 §4.6 wants PUBACKs in the order of the PUBLISHes. Waiting for each message's commit before
 * reading the next makes the rate one commit per message; here a message is read, handed to storage and
 * the next one read at once (up to `max` unacknowledged), and PUBACKs go out in order as the commits
 * land: a message is acknowledged only after it and every one before it were stored (or dropped as garbage).
 * The broker's in-flight window (Mosquitto: max_inflight_messages, 20 by default) bounds it further.
 */
export class AckPipeline {
  private readonly slots: Array<{ messageId: number; settled: boolean; gen: number }> = [];
  private gen = 0;
  private held: (() => void) | null = null;

  constructor(
    private readonly sendAck: (messageId: number) => void,
    private readonly max: number,
  ) {}

  /** Messages read and not yet acknowledged. */
  get pending(): number {
    return this.slots.length;
  }

  /**
   * A QoS 1 message arrived. `readOn` lets the client read the next packet: called now, or once fewer than
   * `max` wait. Returns what to call when the message is settled (stored, or dropped for good).
   */
  add(messageId: number, readOn: () => void): () => void {
    const slot = { messageId, settled: false, gen: this.gen };
    this.slots.push(slot);
    if (this.slots.length < this.max) readOn();
    else this.held = readOn;
    return () => {
      slot.settled = true;
      this.flush();
    };
  }

  /** The connection is gone: what it did not acknowledge the broker sends again, so nothing of it is acknowledged later. */
  reset(): void {
    this.gen++;
    this.slots.length = 0;
    this.release();
  }

  private flush(): void {
    while (this.slots[0]?.settled) {
      const s = this.slots.shift()!;
      if (s.gen === this.gen) this.sendAck(s.messageId);
    }
    if (this.slots.length < this.max) this.release();
  }

  private release(): void {
    const h = this.held;
    this.held = null;
    h?.();
  }
}
