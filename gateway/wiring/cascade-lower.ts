// Wiring of the cascade between Cloud Eye platforms, the lower side: the link up, the published catalog (what is shared
// with the upper platform's account) and the answers to its requests (live channels, PTZ, recorded footage).
import type { Config } from '../../config/load';
import type { CameraDirectory } from '../spatial/camera-directory';
import type { StreamService } from '../streams/stream-service';
import type { LiveViewers } from '../streams/live-viewers';
import type { PtzService } from '../ptz/ptz-service';
import type { PlaybackService } from '../recordings/playback-service';
import type { PlaybackRequest } from '../recordings/playback-types';
import type { Principal } from '../auth/policy-terms';
import { ForbiddenError, NotFoundError } from '../errors';
import { toProblem } from '../http/errors';
import { UpstreamClient } from '../cascade/upstream-client';
import { CatalogPublisher } from '../cascade/publisher';
import { LowerRequests, type LowerServices } from '../cascade/lower-requests';
import type { CatalogItem } from '../cascade/protocol';
import type { AuthParts } from './auth';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';
import { pem } from './cascade';

/** The lower platform's side: null unless `cascade.upstream.enabled`. */
export interface CascadeLower {
  client: UpstreamClient;
  publisher: CatalogPublisher;
  /** Footage channels the upper platform is reading now. */
  footageChannels(): number;
}

/** What the lower side acts with. */
export interface LowerDeps {
  auth: AuthParts;
  directory: CameraDirectory;
  streams: StreamService;
  live: LiveViewers;
  ptz: PtzService;
  playback: PlaybackService;
}

/** Opens the link up when `cascade.upstream.enabled` (null otherwise); registers its close. */
export function buildCascadeLower(
  config: Config,
  repos: Repositories,
  d: LowerDeps,
  closers: Closers,
  log: Log,
): CascadeLower | null {
  const u = config.cascade.upstream;
  if (!u.enabled) return null;
  const ip = `cascade:${u.url.replace(/^wss:\/\//, '').split('/')[0]}`;
  /** The upper platform's account, named after the operator who acts through it. */
  const principal = async (operator: string): Promise<Principal> => {
    const user = await repos.accounts.userByName(u.actAs);
    const p = user ? await d.auth.auth.resolve(`u:${user.id}`) : null;
    if (!p)
      throw new ForbiddenError(
        `cascade: account ${JSON.stringify(u.actAs)} (cascade.upstream.actAs) is missing or disabled`,
      );
    return operator ? { ...p, name: `${p.name} (upper platform: ${operator})` } : p;
  };
  const { access } = d.auth;
  const publisher = new CatalogPublisher(
    {
      visible: async () => {
        const p = await principal('');
        const out: CatalogItem[] = [];
        for (const c of await repos.cameras.all()) {
          // cameras of this platform's own lower platforms are not passed further up (no loops)
          if (c.source === 'cascade' || !access.can(p, 'view', c)) continue;
          out.push({
            id: c.id,
            name: c.name,
            lng: c.lng,
            lat: c.lat,
            bearing: c.bearing,
            fov: c.fov,
            rangeM: c.rangeM,
            address: c.address,
            status: (d.directory.lookup(c.id)?.status ?? c.status) as CatalogItem['status'],
            ptz: c.capabilities.ptz === true && access.can(p, 'ptz', c),
            playback: access.can(p, 'playback', c),
            codec: c.streams.main?.codec === 'h265' ? 'h265' : 'h264',
          });
        }
        return out;
      },
    },
    { intervalMs: u.catalogIntervalS * 1000, log },
  );
  const services: LowerServices = {
    live: async (cameraId, profile, operator, socket) => {
      const p = await principal(operator);
      const r = await d.streams.open(
        p,
        cameraId,
        { profile, h265: true, reason: operator ? `cascade: ${operator}` : 'cascade' },
        ip,
      );
      const m = /^\/live\/([^/]+)\/([^/]+)$/.exec(r.live);
      if (!m) throw new NotFoundError(`cascade: no live stream of camera ${cameraId}`);
      const grant = await d.streams.authorize(m[1]!, m[2]!, ip, 'ws');
      await d.streams.ensureRunning(grant);
      const hub = d.streams.backend.hub(grant.key);
      if (!hub) throw new NotFoundError(`cascade: stream ${grant.key} is not running`);
      if (!d.live.admit(grant, hub, socket)) throw new NotFoundError(`cascade: stream ${grant.key} closed`);
      return { codec: r.codec };
    },
    ptz: async (cameraId, op, args, operator) => {
      const p = await principal(operator);
      const n = (v: unknown): number =>
        typeof v === 'number' && Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
      if (op === 'move') return d.ptz.move(p, cameraId, { pan: n(args.x), tilt: n(args.y), zoom: n(args.zoom) }, ip);
      if (op === 'stop') return d.ptz.stop(p, cameraId, ip);
      if (op === 'presets') return d.ptz.presets(p, cameraId);
      if (op === 'capabilities') return d.ptz.capabilities(p, cameraId);
      return d.ptz.gotoPreset(p, cameraId, String(args.token ?? '').slice(0, 64), ip);
    },
    footage: {
      spans: async (cameraId, q, operator) => d.playback.spans(await principal(operator), cameraId, q),
      open: async (cameraId, req, operator) => {
        const r = await d.playback.open(await principal(operator), cameraId, req as PlaybackRequest, ip);
        const session = /^\/playback\/([^/]+)\/stream\.mp4$/.exec(r.stream)?.[1];
        if (!session) throw new NotFoundError(`cascade: no playback session of camera ${cameraId}`);
        const { sessionId, start, windowEnd, firstSegmentStart } = r;
        return { session, sessionId, start, windowEnd, firstSegmentStart };
      },
      map: async (session) => d.playback.map(await d.playback.access.authorize(session)),
      stream: async (session) => {
        const again = async () => void (await d.playback.access.authorize(session));
        return d.playback.stream(await d.playback.access.authorize(session), again);
      },
    },
  };
  const status = (err: unknown): number => toProblem(err).problem.status;
  let requests: LowerRequests | null = null;
  const client = new UpstreamClient({
    url: u.url,
    name: u.name,
    token: u.token,
    cert: pem(u.cert, 'cascade.upstream.cert'),
    key: pem(u.key, 'cascade.upstream.key'),
    ca: pem(u.ca, 'cascade.upstream.ca'),
    retryMinMs: u.retryMinMs,
    retryMaxMs: u.retryMaxMs,
    status,
    handlers: () => ({
      request: (m) => (requests ? requests.handle(m) : Promise.reject(new Error('cascade: link not ready'))),
      ack: (m) => requests?.ack(m.ch, m.bytes),
      refused: (why) => log('warn', `cascade: upper platform: ${why}`),
      closed: () => requests?.close(),
    }),
    linked: (link) => {
      requests = new LowerRequests(link, services);
      publisher.linked(link);
    },
    log,
  });
  d.directory.onChange(() => publisher.changed());
  access.onChange(() => publisher.changed());
  d.auth.auth.onInvalidate(() => publisher.changed());
  publisher.start();
  client.start();
  closers.add(async () => {
    publisher.close();
    requests?.close();
    await client.close();
  });
  return { client, publisher, footageChannels: () => requests?.footageChannels() ?? 0 };
}
