// The pane's transport: MSE over the gateway's WebSocket by default, HLS (hls.js, LL-HLS when served) as the fallback; the shape every player has.
import type { StreamGrant } from './stream-source';
import { mediaSourceClass } from './stream-source';

export type Transport = 'mse' | 'hls';
/** What the pane shows: MSE, LL-HLS (the playlist has parts) or HLS. */
export type TransportLabel = 'MSE' | 'LL-HLS' | 'HLS';

/** localStorage key an integrator (or a test) sets to 'hls' or 'mse' to force the console's transport. */
export const TRANSPORT_STORAGE_KEY = 'cloudeye.transport';
/** Page URL parameter with the same meaning (`?transport=hls`), stronger than the stored choice. */
export const TRANSPORT_PARAM = 'transport';

/** The transport forced by `?transport=` or localStorage, or null (the console chooses). */
export function forcedTransport(): Transport | null {
  const pick = (v: string | null | undefined): Transport | null => (v === 'hls' || v === 'mse' ? v : null);
  let fromUrl: Transport | null = null;
  try {
    fromUrl = pick(new URL(location.href).searchParams.get(TRANSPORT_PARAM));
  } catch {
    /* no location (not a page) */
  }
  if (fromUrl) return fromUrl;
  try {
    return pick(localStorage.getItem(TRANSPORT_STORAGE_KEY));
  } catch {
    return null;
  }
}

/** MSE when this browser has (Managed)MediaSource and nothing forces HLS; the reason for HLS otherwise. */
export function chooseTransport(): { transport: Transport; reason: string } {
  const forced = forcedTransport();
  if (forced === 'hls') return { transport: 'hls', reason: 'forced' };
  if (!mediaSourceClass()) return { transport: 'hls', reason: 'no-mse' };
  if (typeof WebSocket === 'undefined') return { transport: 'hls', reason: 'no-websocket' };
  return { transport: 'mse', reason: '' };
}

/** What a player tells its pane. */
export interface PlayerEvents {
  /** Frames are being shown. */
  playing(): void;
  /** The stream is recovering on the server (a restart, a camera away); the player stays and waits. */
  recovering(reason: string): void;
  /** This transport cannot play here (no WebSocket, nothing received, a decode error): use HLS instead. */
  fallback(reason: string): void;
  /** The transport dropped after it had played; `retry` false: do not ask again (access withdrawn). */
  dropped(reason: string, retry: boolean): void;
}

/** Where the picture is behind the camera, as far as the player knows. */
export interface Latency {
  /** Seconds from what the video shows to what the gateway received last (media timeline). */
  behindEdgeS: number;
  /** Age of that newest piece when the gateway last reported it, seconds (MSE only; HLS: null). */
  edgeAgeS: number | null;
}

/** A live player bound to one <video>. */
export interface Player {
  readonly transport: Transport;
  label(): TransportLabel;
  latency(): Latency | null;
  /** A fresh grant for the same session (renewed token): later requests use it. */
  renew(grant: StreamGrant): void;
  /** Stops every request and connection and detaches from the video; idempotent. */
  destroy(): void;
}
