// Viewer metrics: live viewers by transport (fMP4 over WebSocket, HLS), open stream sessions, bytes queued to viewers.
import { Gauge, type Registry } from 'prom-client';

/** What the collector reads of the live side (StreamService and LiveViewers). */
export interface ViewerSource {
  /** Open WebSocket viewers and the bytes queued in their sockets. */
  websocket(): { viewers: number; bufferedBytes: number };
  /** Open stream sessions served over HLS and by no WebSocket. */
  hlsViewers(): number;
  /** Open stream sessions (every transport). */
  sessions(): number;
}

export function registerViewerMetrics(registry: Registry, v: ViewerSource): void {
  new Gauge({
    name: 'cloudeye_viewers',
    help: 'Live viewers by transport: websocket (fMP4 over a WebSocket) and hls (a session playing over HLS, counted until it idles out)',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      this.set({ transport: 'websocket' }, v.websocket().viewers);
      this.set({ transport: 'hls' }, v.hlsViewers());
    },
  });
  new Gauge({
    name: 'cloudeye_stream_sessions',
    help: 'Open stream sessions (a stream call, until its viewer leaves)',
    registers: [registry],
    collect() {
      this.set(v.sessions());
    },
  });
  new Gauge({
    name: 'cloudeye_viewer_buffered_bytes',
    help: 'Bytes queued in the WebSockets of live viewers and not yet taken by them',
    registers: [registry],
    collect() {
      this.set(v.websocket().bufferedBytes);
    },
  });
}
