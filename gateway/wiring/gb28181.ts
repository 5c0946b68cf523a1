// Wiring of GB/T 28181: the SIP server (when enabled), its devices' channels kept as registry cameras, closed at stop.
import type { Config } from '../../config/load';
import { Gb28181Server, type CatalogPage, type GbDevice } from '../gb28181/index';
import type { CameraService } from '../cameras/camera-service';
import { ChannelSync, type ChannelStore } from '../gb-platform/channel-sync';
import { GbMediaSource } from '../gb-platform/gb-media-source';
import { DeviceFootage } from '../gb-platform/device-footage';
import type { DeviceFootagePort } from '../recordings/device-playback';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

export interface GbParts {
  server: Gb28181Server;
  sync: ChannelSync;
  /** The transcoder's external source of gb28181:// pulls (INVITE, RTP/PS). */
  media: GbMediaSource;
  /** The devices' own recordings (RecordInfo, Playback INVITE → fMP4). */
  footage: DeviceFootage;
}

/** The registry side of the sync: rows through the repository, every change told to the camera listeners. */
function channelStore(repos: Repositories, cameras: CameraService): ChannelStore {
  const emit = async (id: string): Promise<void> => {
    const cam = await repos.cameras.get(id);
    if (cam) cameras.emit({ kind: 'upsert', camera: cam });
  };
  return {
    list: (deviceId) => repos.cameras.gbCameras(deviceId),
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
    async setStatus(ids, status, reason) {
      const lastSeen = status === 'online' ? new Date() : null;
      await repos.cameras.setStatuses(ids.map((id) => ({ id, status, reason, lastSeen })));
      for (const id of ids) await emit(id);
    },
    async departmentId(code) {
      const d = code ? await repos.org.departmentByCode(code) : null;
      if (d) return d.id;
      const first = (await repos.org.departments())[0];
      if (!first) throw new Error('gb28181: no department to put channels in');
      return first.id;
    },
    audit: (action, cameraId, detail) =>
      repos.audit.append({
        actorType: 'system',
        actorId: null,
        actorName: 'gb28181',
        departmentId: null,
        ip: '',
        action,
        targetType: 'camera',
        ...(cameraId ? { targetId: cameraId } : {}),
        detail,
      }),
  };
}

/** Checks the configured department codes exist: a typo is a start error, not channels in the wrong place. */
async function checkDepartments(config: Config, repos: Repositories): Promise<void> {
  const g = config.gb28181;
  const codes = new Set([...Object.values(g.civilCodes), ...(g.defaultDepartment ? [g.defaultDepartment] : [])]);
  for (const code of codes)
    if (!(await repos.org.departmentByCode(code)))
      throw new Error(`config: gb28181 names department ${JSON.stringify(code)}, which does not exist`);
}

/** Starts the SIP server when `gb28181.enabled` (null otherwise); registers its close. */
export async function buildGb28181(
  config: Config,
  repos: Repositories,
  cameras: CameraService,
  closers: Closers,
  log: Log,
  /** Cluster: pins a device's pulls to this node, where it registered. */
  pin: (source: string) => void = () => undefined,
): Promise<GbParts | null> {
  const g = config.gb28181;
  if (!g.enabled) return null;
  await checkDepartments(config, repos);
  const server = new Gb28181Server({
    id: g.id,
    realm: g.realm,
    host: g.host,
    udpPort: g.udpPort,
    tcpPort: g.tcpPort,
    password: (id) => g.devicePasswords[id] ?? (g.password || undefined),
    keepaliveIntervalS: g.keepaliveIntervalS,
    keepaliveMisses: g.keepaliveMisses,
  });
  const sync = new ChannelSync(
    channelStore(repos, cameras),
    {
      coordinates: g.coordinates,
      civilCodes: g.civilCodes,
      defaultDepartment: g.defaultDepartment,
      fallback: config.map.center,
    },
    (level, msg) => log(level, msg),
  );
  // a device (re)registered or back on line: its whole catalog, then its changes as NOTIFYs
  const refresh = async (dev: GbDevice, subscribe: boolean): Promise<void> => {
    try {
      await sync.catalog(dev.id, await server.queryCatalog(dev.id), dev.online);
      if (subscribe) await server.subscribeCatalog(dev.id);
    } catch (err) {
      log('warn', `gb28181: catalog of ${dev.id}: ${(err as Error).message}`);
    }
  };
  const media = new GbMediaSource(server, {
    host: g.host,
    transport: g.mediaTransport,
    ports: g.mediaPorts,
    log: (level, msg) => log(level, msg),
  });
  // a device's streams end with it, and follow it to a new address: each pull INVITEs again (with its backoff)
  const endStreams = (dev: GbDevice, why: string): void => {
    const n = media.endDevice(dev.id, `gb28181: device ${dev.id} ${why}`);
    if (n) log('info', `gb28181: ${n} stream(s) of device ${dev.id} ended: ${why}`);
  };
  server.on('registered', (dev: GbDevice, how: { moved: boolean; renewed: boolean }) => {
    if (how.moved) endStreams(dev, `registered from ${dev.peer.address}:${dev.peer.port}; INVITE again there`);
    if (!how.renewed || how.moved) {
      pin(`gb28181:${dev.id}`);
      void refresh(dev, true);
    }
  });
  server.on('online', (dev: GbDevice) => void refresh(dev, false));
  server.on('offline', (dev: GbDevice) => {
    endStreams(dev, 'off line (keepalives missed)');
    void sync.offline(dev.id, 'device off line (keepalives missed)');
  });
  server.on('unregistered', (dev: GbDevice, why: string) => {
    endStreams(dev, why);
    void sync.offline(dev.id, `device ${why}`);
  });
  server.on('catalog-notify', (page: CatalogPage, dev: GbDevice) => void sync.changes(dev.id, page.items));
  server.on('dropped', (d: { reason: string }) => log('warn', d.reason));
  server.on('auth-failed', (f: { deviceId: string; address: string; verdict: string }) =>
    log('warn', `gb28181: REGISTER of ${f.deviceId} from ${f.address} refused (${f.verdict})`),
  );
  await server.start();
  log('info', `gb28181: SIP server ${g.id} on ${g.host} udp ${server.endpoint.udpPort} tcp ${server.endpoint.tcpPort}`);
  closers.add(async () => {
    await server.close();
    await sync.settled();
  });
  const footage = new DeviceFootage(media, {
    utcOffsetMin: g.deviceUtcOffsetMin,
    mediaTimeoutMs: g.mediaTimeoutS * 1000,
  });
  closers.add(async () => footage.close());
  return { server, sync, media, footage };
}

/** Device footage for playback: a camera that is a GB/T 28181 channel has its device's recordings. */
export function deviceFootagePort(gb: GbParts, repos: Repositories): DeviceFootagePort {
  const ref = async (cameraId: string) => {
    const cam = await repos.cameras.get(cameraId);
    return cam?.gbDeviceId && cam.gbChannelId ? { deviceId: cam.gbDeviceId, channelId: cam.gbChannelId } : null;
  };
  const must = async (cameraId: string) => {
    const r = await ref(cameraId);
    if (!r) throw new Error(`camera ${cameraId} is no GB/T 28181 channel`);
    return r;
  };
  return {
    async spans(cameraId, fromMs, toMs) {
      const r = await ref(cameraId);
      return r ? gb.footage.spans(r, fromMs, toMs) : null;
    },
    async open(psid, cameraId, startMs, endMs) {
      return { mime: (await gb.footage.open(psid, await must(cameraId), startMs, endMs)).mime };
    },
    async *stream(psid, cameraId, startMs, endMs) {
      yield* gb.footage.stream(psid, await must(cameraId), startMs, endMs);
    },
  };
}
