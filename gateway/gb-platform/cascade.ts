// The upward cascade in the gateway: Cloud Eye registers with a superior GB/T 28181 platform (gb28181.upstream),
// shares the cameras chosen by id or tag as channels, and sends a channel's stream as PS over RTP from the camera's one
// shared pull (a lossless tap on its live fMP4), until the superior's BYE; its recordings are listed (RecordInfo)
// and played (Playback, Download) from the playback service, as the account the superior's playback acts as.
import type { Config } from '../../config/load';
import type { Supervisor } from '../../transcoder/index';
import { streamUrl } from '../cameras/stream-url';
import type { CameraService } from '../cameras/camera-service';
import type { CameraRecord } from '../db/cameras-repo';
import {
  GbUpstream,
  UpstreamRefusal,
  openMediaSender,
  type CatalogItem,
  type GbSdp,
  type MediaTransport,
  type PtzCommand,
  type UpstreamRecord,
  type UpstreamState,
} from '../gb28181/index';
import { ForbiddenError } from '../errors';
import { PictureTap } from './picture-tap';
import { upstreamCatalog } from './upstream-catalog';
import type { Department } from '../contract';
import { FootageSession, type OpenFootage } from './upstream-footage';

/** The footage of cameras shared upward, as the superior's account sees it (wiring: the playback service). */
export interface UpstreamFootagePort {
  spans(
    cameraId: string,
    fromMs: number,
    toMs: number,
  ): Promise<Array<{ startMs: number; endMs: number; kind: string }>>;
  open(cameraId: string): OpenFootage;
}

export interface CascadeDeps {
  cameras: () => Promise<CameraRecord[]>;
  departments: () => Promise<Department[]>;
  service: CameraService;
  supervisor: Supervisor;
  /** Carries out a PTZ command of the superior on a shared camera (through the PTZ API and its priorities). */
  ptz: (cameraId: string, command: PtzCommand) => Promise<void>;
  /** Recorded footage for the superior's RecordInfo and Playback; absent: none is listed, a Playback is refused. */
  footage?: UpstreamFootagePort;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

const RECORDED = /^(playback|download)$/i;

/** Our role in the media session: the sender's, opposite to the receiver's offer. */
const answerTransport = (offer: MediaTransport): MediaTransport =>
  offer === 'udp' ? 'udp' : offer === 'tcp-passive' ? 'tcp-active' : 'tcp-passive';

/** The channel id a camera has upward: its own for a GB/T 28181 channel, else our domain, type 131 and its id. */
export function channelIdOf(localId: string, cam: CameraRecord): string | null {
  if (cam.gbChannelId) return cam.gbChannelId;
  return /^\d{1,7}$/.test(cam.id) ? `${localId.slice(0, 10)}131${cam.id.padStart(7, '0')}` : null;
}

export function buildCascade(config: Config, d: CascadeDeps): GbUpstream {
  const u = config.gb28181.upstream;
  const shared = async (): Promise<Array<{ cam: CameraRecord; channelId: string }>> =>
    (await d.cameras())
      .filter((c) => u.shareCameras.includes(c.id) || c.tags.some((t) => u.shareTags.includes(t)))
      .map((cam) => ({ cam, channelId: channelIdOf(u.localId, cam) }))
      .filter((x): x is { cam: CameraRecord; channelId: string } => x.channelId !== null);
  const catalog = async (): Promise<CatalogItem[]> =>
    upstreamCatalog(u.localId, 'Cloud Eye', await d.departments(), await shared());
  /** The sending end of a media session to the superior's offer. */
  const senderTo = (offer: GbSdp, ssrc: number) =>
    openMediaSender({ transport: offer.transport, address: offer.address, port: offer.port, ssrc, host: u.localHost });
  /** A Playback or Download of a shared camera's footage over the offer's t= range (refused when there is none). */
  const recorded = async (cam: CameraRecord, offer: GbSdp, ssrc: number): Promise<FootageSession> => {
    if (!d.footage)
      throw new UpstreamRefusal(403, 'recorded footage is not shared upward (gb28181.upstream.playbackAs)');
    if (!u.h265 && cam.streams.main?.codec === 'h265')
      throw new UpstreamRefusal(488, `camera ${cam.id} records H.265, which this superior is not sent`);
    const [fromS, toS] = offer.time ?? [0, 0];
    const startMs = fromS * 1000;
    const endMs = Math.min(toS * 1000, Date.now());
    if (!(startMs > 0 && endMs > startMs)) throw new UpstreamRefusal(488, `t=${fromS} ${toS} is no past range`);
    const open = d.footage.open(cam.id);
    // the first window is opened before the answer: no footage there is a 404, not an empty session
    let first = await open(startMs, endMs).catch((err: Error) => {
      // the account the superior acts as may see the camera but not its footage
      throw err instanceof ForbiddenError ? new UpstreamRefusal(403, err.message) : err;
    });
    if (!first) throw new UpstreamRefusal(404, `camera ${cam.id} has no footage in that range`);
    const sender = await senderTo(offer, ssrc).catch(async (err: Error) => {
      await first?.stream.return(undefined);
      throw err;
    });
    const download = /^download$/i.test(offer.session);
    return new FootageSession({
      sender,
      transport: answerTransport(offer.transport),
      open: async (at, end) => {
        const w = first ?? (await open(at, end));
        first = null;
        return w;
      },
      startMs,
      endMs,
      speed: download ? Math.max(1, Math.min(8, Math.round(offer.downloadSpeed ?? 1))) : 1,
      log: (m) => d.log('warn', `gb28181 upstream: ${offer.session} of camera ${cam.id}: ${m}`),
    });
  };
  const upstream = new GbUpstream({
    localId: u.localId,
    host: u.localHost,
    superior: {
      id: u.superiorId,
      domain: u.superiorDomain,
      address: u.superiorHost,
      port: u.superiorPort,
      transport: u.transport,
    },
    password: u.password,
    registerExpiresS: u.registerExpiresS,
    keepaliveS: u.keepaliveS,
    name: 'Cloud Eye',
    catalog,
    async ptz(channelId, command) {
      const hit = (await shared()).find((x) => x.channelId === channelId);
      if (!hit) return d.log('warn', `gb28181 upstream: PTZ of ${channelId} refused: the channel is not shared`);
      await d
        .ptz(hit.cam.id, command)
        .catch((err: unknown) =>
          d.log(
            'warn',
            `gb28181 upstream: PTZ ${command.kind} of camera ${hit.cam.id} refused: ${(err as Error).message}`,
          ),
        );
    },
    utcOffsetMin: config.gb28181.deviceUtcOffsetMin,
    async records(channelId, fromMs, toMs, type): Promise<UpstreamRecord[]> {
      const hit = (await shared()).find((x) => x.channelId === channelId);
      if (!hit || !d.footage) return [];
      const recs = (await d.footage.spans(hit.cam.id, fromMs, toMs)).map((s) => ({
        startMs: s.startMs,
        endMs: s.endMs,
        type: s.kind === 'event' ? 'alarm' : 'time',
      }));
      return type === 'time' || type === 'alarm' || type === 'manual' ? recs.filter((r) => r.type === type) : recs;
    },
    async play(channelId, offer, ssrc) {
      const hit = (await shared()).find((x) => x.channelId === channelId);
      if (!hit) throw new UpstreamRefusal(404, `channel ${channelId} is not shared`);
      if (RECORDED.test(offer.session)) return recorded(hit.cam, offer, ssrc);
      const { cam } = hit;
      const url = streamUrl(cam, 'main', false);
      if (!url || (await d.service.reachRefusal(cam))) throw new UpstreamRefusal(404, `camera ${cam.id} has no stream`);
      const creds = d.service.credentials(cam);
      const { key } = await d.supervisor.acquire({
        cameraId: cam.id,
        profile: 'main',
        url,
        codec: cam.streams.main?.codec ?? 'h264',
        // H.265 goes up as it is (PS stream type 0x24) unless the superior decodes H.264 only
        passthroughH265: u.h265,
        ...(creds ? { username: creds.username, password: creds.password } : {}),
      });
      const hub = d.supervisor.hub(key);
      if (!hub) throw new UpstreamRefusal(503, `the stream of camera ${cam.id} stopped`);
      const sender = await senderTo(offer, ssrc);
      let removeTap: (() => void) | null = null;
      return {
        localPort: sender.localPort,
        transport: answerTransport(offer.transport),
        start: () => {
          const tap = new PictureTap(
            (au) => sender.send(au),
            (why) => d.log('warn', `gb28181 upstream: camera ${cam.id} to the superior: ${why}`),
          );
          // the init and the current GOP first: the superior's first picture is a keyframe without waiting
          removeTap = hub.addTap(tap, { keepAlive: true });
        },
        stop: () => {
          removeTap?.();
          sender.close();
        },
      };
    },
  });
  upstream.on('state', (s: UpstreamState, detail: string) =>
    d.log(s === 'registered' ? 'info' : 'warn', `gb28181 upstream: ${s}: ${detail}`),
  );
  upstream.on('error-log', (m: string) => d.log('warn', m));
  return upstream;
}
