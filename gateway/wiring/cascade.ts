// Wiring of the cascade between Cloud Eye platforms, the upper side: the peers' TLS port, their cameras in the registry,
// their streams and PTZ through their links (the lower side: cascade-lower.ts).
import { readFileSync } from 'node:fs';
import type { WebSocket } from 'ws';
import type { Config } from '../../config/load';
import type { CameraService } from '../cameras/camera-service';
import type { PtzDevice } from '../ptz/ptz-devices';
import { Link } from '../cascade/link';
import { PeerServer, type PeerAccount } from '../cascade/peer-server';
import { PeerCatalog, type PeerCameraStore } from '../cascade/peer-catalog';
import { CascadeMediaSource } from '../cascade/cascade-media';
import { CascadePtzDevice } from '../cascade/cascade-ptz';
import { PeerFootage } from '../cascade/peer-footage';
import { LINK_CLOSE, REC_CHANNEL_BASE } from '../cascade/protocol';
import type { PeerFootagePort } from '../recordings/peer-playback';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

/** The upper platform's side: null unless `cascade.server.enabled`. */
export interface CascadeUpper {
  server: PeerServer;
  /** The transcoder's source of cascade:// pulls. */
  media: CascadeMediaSource;
  /** Peers linked now, by name. */
  links: Map<string, Link>;
  catalogs: Map<string, PeerCatalog>;
  /** PTZ device of a peer's cameras as an operator. */
  ptz: (peer: string, operator: string) => PtzDevice;
  /** Recorded footage of the peers' cameras, over their links. */
  footage: PeerFootage;
}

/** The text of a PEM file named by config key `key`; a start error naming both when it cannot be read. */
export const pem = (path: string, key: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`config: ${key}: cannot read ${path}: ${(err as Error).message}`);
  }
};

/** The registry side of a peer's catalog: rows through the repository, every change told to the camera listeners. */
function peerStore(repos: Repositories, cameras: CameraService, peer: string): PeerCameraStore {
  return {
    list: () => repos.cameras.cascadeCameras(peer),
    async create(w) {
      const cam = await repos.cameras.create({ ...w, gridId: cameras.gridAt(w.lng ?? 0, w.lat ?? 0) });
      cameras.emit({ kind: 'upsert', camera: cam });
      return cam;
    },
    async update(id, w) {
      const grid = w.lng !== undefined && w.lat !== undefined ? { gridId: cameras.gridAt(w.lng, w.lat) } : {};
      await cameras.systemUpdate(id, { ...w, ...grid });
    },
    async remove(id) {
      if (await repos.cameras.delete(id)) cameras.emit({ kind: 'remove', id });
    },
    async setStatuses(s) {
      const list = [...s].map(([id, status]) => ({
        id,
        status,
        reason: `as lower platform ${peer} reports`,
        lastSeen: status === 'online' ? new Date() : null,
      }));
      await repos.cameras.setStatuses(list);
      for (const { id } of list) {
        const cam = await repos.cameras.get(id);
        if (cam) cameras.emit({ kind: 'upsert', camera: cam });
      }
    },
    audit: (action, cameraId, detail) =>
      repos.audit.append({
        actorType: 'system',
        actorId: null,
        actorName: `cascade:${peer}`,
        departmentId: null,
        ip: '',
        action,
        targetType: 'camera',
        ...(cameraId ? { targetId: cameraId } : {}),
        detail,
      }),
  };
}

/** Starts the cascade port when `cascade.server.enabled` (null otherwise); registers its close. */
export async function buildCascadeUpper(
  config: Config,
  repos: Repositories,
  cameras: CameraService,
  closers: Closers,
  log: Log,
  /** Cluster: pins a peer's pulls to this node, where its link arrived. */
  pin: (source: string) => void = () => undefined,
): Promise<CascadeUpper | null> {
  const s = config.cascade.server;
  if (!s.enabled) return null;
  const departments = new Map<string, number>();
  for (const p of s.peers) {
    const d = await repos.org.departmentByCode(p.department);
    if (!d)
      throw new Error(
        `config: cascade.server.peers names department ${JSON.stringify(p.department)}, which does not exist`,
      );
    departments.set(p.name, d.id);
  }
  const links = new Map<string, Link>();
  const catalogs = new Map<string, PeerCatalog>();
  const media = new CascadeMediaSource({
    link: (peer) => links.get(peer) ?? null,
    requestTimeoutMs: s.requestTimeoutMs,
  });
  const footage = new PeerFootage({
    link: (peer) => links.get(peer) ?? null,
    requestTimeoutMs: s.requestTimeoutMs,
  });
  let closing = false;
  const unlinked = async (peer: string): Promise<void> => {
    media.unlinked(peer);
    footage.unlinked(peer);
    // at stop the cameras keep their state: the next start's links tell it again
    if (closing) return;
    const cams = await repos.cameras.cascadeCameras(peer);
    await peerStore(repos, cameras, peer).setStatuses(new Map(cams.map((c) => [c.id, 'offline'])));
  };
  const accepted = (peer: PeerAccount, ws: WebSocket, address: string): void => {
    const catalog =
      catalogs.get(peer.name) ??
      new PeerCatalog(peer.name, departments.get(peer.name)!, peerStore(repos, cameras, peer.name), log);
    catalogs.set(peer.name, catalog);
    const link: Link = new Link(ws, `peer ${peer.name}`, {
      catalog: (m) => void catalog.apply(m),
      live: (m) => media.live(peer.name, m.ch, m.msg, m.end),
      media: (ch, payload) =>
        ch >= REC_CHANNEL_BASE ? footage.media(peer.name, ch, payload) : media.media(peer.name, ch, payload),
      rec: (m) => footage.rec(peer.name, m),
      refused: (why) => log('warn', `cascade: peer ${peer.name}: ${why}`),
      closed: (code, reason) => {
        if (links.get(peer.name) !== link) return;
        links.delete(peer.name);
        log('warn', `cascade: peer ${peer.name} unlinked (${code} ${reason})`);
        void unlinked(peer.name).catch((err: unknown) => log('error', `cascade: ${String(err)}`));
      },
    });
    // a peer linking again (it restarted, or its old connection is half-open) replaces its old link
    const old = links.get(peer.name);
    links.set(peer.name, link);
    old?.close(LINK_CLOSE.replaced, 'replaced by a new link of the same peer');
    if (old) {
      media.unlinked(peer.name);
      footage.unlinked(peer.name);
    }
    log('info', `cascade: peer ${peer.name} linked from ${address}`);
    pin(`cascade:${peer.name}`);
    void repos.audit.append({
      actorType: 'system',
      actorId: null,
      actorName: `cascade:${peer.name}`,
      departmentId: null,
      ip: address,
      action: 'cascade.link',
      targetType: 'peer',
      targetId: peer.name,
      detail: {},
    });
  };
  const server = new PeerServer({
    host: s.host,
    port: s.port,
    cert: pem(s.cert, 'cascade.server.cert'),
    key: pem(s.key, 'cascade.server.key'),
    ca: pem(s.ca, 'cascade.server.ca'),
    peers: s.peers,
    accepted,
    refused: (claimed, address, status, why) => {
      log('warn', `${why} (from ${address})`);
      void repos.audit.append({
        actorType: 'system',
        actorId: null,
        actorName: `cascade:${claimed.slice(0, 64) || '?'}`,
        departmentId: null,
        ip: address,
        action: 'cascade.link',
        targetType: 'peer',
        targetId: claimed.slice(0, 64),
        outcome: 'denied',
        detail: { status, reason: why },
      });
    },
  });
  await server.start();
  log('info', `cascade: peers' port on ${s.host}:${server.port}`);
  closers.add(async () => {
    closing = true;
    for (const l of links.values()) l.close(LINK_CLOSE.goingAway, 'gateway stopping');
    await server.close();
    await Promise.all([...catalogs.values()].map((c) => c.settled()));
  });
  const ptz = (peer: string, operator: string): PtzDevice =>
    new CascadePtzDevice(() => links.get(peer) ?? null, peer, operator, s.requestTimeoutMs);
  return { server, media, links, catalogs, ptz, footage };
}

/** Playback of the peers' cameras: a camera that a lower platform publishes has its footage there. */
export function peerFootagePort(upper: CascadeUpper, repos: Repositories): PeerFootagePort {
  return {
    async ref(cameraId) {
      const cam = await repos.cameras.get(cameraId);
      if (cam?.source !== 'cascade' || !cam.cascadePeer || !cam.cascadeCameraId) return null;
      return { peer: cam.cascadePeer, camera: cam.cascadeCameraId, playback: cam.capabilities.playback === true };
    },
    request: (ref, op, args) => upper.footage.request(ref.peer, op, args),
    stream: (ref, session) => upper.footage.stream(ref.peer, session),
  };
}
