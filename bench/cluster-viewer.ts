// A live viewer of the cluster bench that reconnects as the web player does: a drop → the stream asked again → WebSocket.
import WebSocket from 'ws';
import type { ClusterRig } from './cluster-rig';
import type { NodeProcess } from './cluster-nodes';

/**
 * Watches camera `cameraId` through node `via` (the load balancer's pick); after a drop it asks for the stream again
 * (POST, answered 201 by the node holding the pull, 503 + Retry-After while the lease moves) and reconnects. `frames`
 * counts binary messages (init and fragments); `lastFrameAt` is when the last one came (performance.now()).
 */
export class ClusterViewer {
  frames = 0;
  lastFrameAt = 0;
  drops = 0;
  /** When the last drop was seen (performance.now()); 0: none. */
  droppedAt = 0;
  private ws: WebSocket | null = null;
  private closed = false;

  constructor(
    private readonly rig: ClusterRig,
    private readonly via: NodeProcess,
    readonly cameraId: string,
    private readonly profile: 'main' | 'sub',
  ) {}

  /** Opens the stream and resolves at its first fragment (rejects after 20 s). */
  async start(): Promise<void> {
    await this.connect();
    const until = performance.now() + 20_000;
    while (this.frames < 2) {
      if (performance.now() > until) throw new Error(`viewer of ${this.cameraId}: no video within 20 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async connect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      const r = await this.rig.open(this.via, this.cameraId, this.profile).catch(() => null);
      if (r?.status === 201) {
        const ws = new WebSocket(`ws://127.0.0.1:${this.via.port}${r.body.live as string}`, {
          perMessageDeflate: false,
        });
        this.ws = ws;
        ws.on('message', (_d, binary) => {
          if (!binary) return;
          this.frames++;
          this.lastFrameAt = performance.now();
        });
        ws.on('error', () => undefined);
        ws.once('close', () => {
          if (this.closed || this.ws !== ws) return;
          this.drops++;
          this.droppedAt = performance.now();
          // the player's first reconnect after a drop (web/src/video/stream-pane.ts FIRST_RECONNECT_MS)
          setTimeout(() => void this.connect(), 300);
        });
        return;
      }
      // then as the player's retryDelayMs: a 503's Retry-After (the gateway's is 1 s while a lease moves), else 1, 2, 4 s
      const delayMs = r?.status === 503 ? 1000 : 1000 * 2 ** attempt;
      await new Promise((res) => setTimeout(res, delayMs));
    }
  }

  close(): void {
    this.closed = true;
    this.ws?.terminate();
  }
}
