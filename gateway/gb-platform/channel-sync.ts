// Keeps the registry's cameras of GB/T 28181 devices in step with their catalogs, catalog changes and online state.
import type { CatalogItem } from '../gb28181/index';
import type { CameraRecord, CameraWrite } from '../db/cameras-repo';
import { ChannelRefused, channelCamera, isChannel, type ChannelCamera, type ChannelRules } from './channel-camera';

/** What the sync needs of the registry (provided by the wiring: repository, change events, audit). */
export interface ChannelStore {
  /** The cameras of a device's channels. */
  list(deviceId: string): Promise<CameraRecord[]>;
  create(w: CameraWrite): Promise<CameraRecord>;
  update(id: string, w: CameraWrite): Promise<void>;
  remove(id: string): Promise<void>;
  setStatus(ids: string[], status: 'online' | 'offline', reason: string): Promise<void>;
  /** The id of a department code ('' or unknown: the first department). */
  departmentId(code: string): Promise<number>;
  audit(action: string, cameraId: string | undefined, detail: Record<string, unknown>): Promise<void>;
}

export type SyncLog = (level: 'info' | 'warn' | 'error', msg: string) => void;

const NO_POSITION = 'gb-no-position';

/**
 * One chain of work per device, so a catalog answer and the NOTIFYs arriving meanwhile are applied
 * in order. Items refused (hostile names, impossible positions) are logged and nothing of them is stored.
 */
export class ChannelSync {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ChannelStore,
    private readonly rules: ChannelRules,
    private readonly log: SyncLog,
  ) {}

  private serial(deviceId: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(deviceId) ?? Promise.resolve())
      .then(fn)
      .catch((err: unknown) => this.log('error', `gb28181: sync of device ${deviceId}: ${String(err)}`));
    this.chains.set(deviceId, next);
    void next.then(() => {
      if (this.chains.get(deviceId) === next) this.chains.delete(deviceId);
    });
    return next;
  }

  /** The channels of `items` that may be stored; refused ones are logged. */
  private channels(deviceId: string, items: CatalogItem[]): ChannelCamera[] {
    const out: ChannelCamera[] = [];
    for (const it of items) {
      if (!isChannel(it, deviceId)) continue;
      try {
        out.push(channelCamera(it, this.rules));
      } catch (err) {
        if (!(err instanceof ChannelRefused)) throw err;
        this.log('warn', `${err.message} (device ${deviceId}): refused, nothing stored`);
      }
    }
    return out;
  }

  private async write(deviceId: string, ch: ChannelCamera, known?: CameraRecord): Promise<CameraWrite> {
    // tags given in the console (shares by tag) stay; the sync owns its own two
    const own = (known?.tags ?? []).filter((t) => t !== 'gb28181' && t !== NO_POSITION);
    return {
      name: ch.name,
      source: 'gb28181',
      gbDeviceId: deviceId,
      gbChannelId: ch.channelId,
      departmentId: await this.store.departmentId(ch.departmentCode),
      lng: ch.lng,
      lat: ch.lat,
      address: ch.address,
      tags: [...(ch.positioned ? ['gb28181'] : ['gb28181', NO_POSITION]), ...own],
      capabilities: { ptz: ch.ptz },
    };
  }

  private async upsert(deviceId: string, ch: ChannelCamera, known: CameraRecord | undefined): Promise<string> {
    const w = await this.write(deviceId, ch, known);
    if (known) {
      const changed =
        known.name !== w.name ||
        known.tags.join() !== w.tags!.join() ||
        known.lng !== w.lng ||
        known.lat !== w.lat ||
        known.address !== w.address ||
        known.departmentId !== w.departmentId ||
        known.capabilities.ptz !== ch.ptz;
      if (changed) {
        await this.store.update(known.id, w);
        await this.store.audit('camera.update', known.id, { gbChannelId: ch.channelId, name: w.name });
      }
      return known.id;
    }
    const cam = await this.store.create(w);
    await this.store.audit('camera.create', cam.id, { gbDeviceId: deviceId, gbChannelId: ch.channelId, name: w.name });
    return cam.id;
  }

  private async statuses(on: string[], off: string[], reason: string): Promise<void> {
    if (on.length) await this.store.setStatus(on, 'online', '');
    if (off.length) await this.store.setStatus(off, 'offline', reason);
  }

  /** A device's whole catalog: channels added, renamed or moved, those no longer listed removed. */
  catalog(deviceId: string, items: CatalogItem[], deviceOnline = true): Promise<void> {
    return this.serial(deviceId, async () => {
      const known = new Map((await this.store.list(deviceId)).map((c) => [c.gbChannelId ?? '', c]));
      const on: string[] = [];
      const off: string[] = [];
      const seen = new Set<string>();
      for (const ch of this.channels(deviceId, items)) {
        if (seen.has(ch.channelId)) continue;
        seen.add(ch.channelId);
        const id = await this.upsert(deviceId, ch, known.get(ch.channelId));
        (ch.online && deviceOnline ? on : off).push(id);
      }
      for (const [channelId, cam] of known)
        if (!seen.has(channelId)) {
          await this.store.remove(cam.id);
          await this.store.audit('camera.delete', cam.id, { gbChannelId: channelId, name: cam.name });
        }
      await this.statuses(on, off, deviceOnline ? 'channel off line (catalog)' : 'device off line');
    });
  }

  /** Catalog changes a device NOTIFYs (GB/T 28181 §9.11): ADD, UPDATE, DEL, ON, OFF, VLOST, DEFECT. */
  changes(deviceId: string, items: CatalogItem[]): Promise<void> {
    return this.serial(deviceId, async () => {
      const known = new Map((await this.store.list(deviceId)).map((c) => [c.gbChannelId ?? '', c]));
      const byId = new Map(this.channels(deviceId, items).map((c) => [c.channelId, c]));
      for (const it of items) {
        const event = (it.event ?? 'UPDATE').toUpperCase();
        const cam = known.get(it.deviceId);
        if (event === 'DEL') {
          if (!cam) continue;
          await this.store.remove(cam.id);
          await this.store.audit('camera.delete', cam.id, { gbChannelId: it.deviceId, name: cam.name });
          continue;
        }
        if (event === 'ON' || event === 'OFF' || event === 'VLOST' || event === 'DEFECT') {
          if (cam)
            await this.statuses(event === 'ON' ? [cam.id] : [], event === 'ON' ? [] : [cam.id], `channel ${event}`);
          continue;
        }
        const ch = byId.get(it.deviceId);
        if (!ch) continue;
        const id = await this.upsert(deviceId, ch, cam);
        await this.statuses(ch.online ? [id] : [], ch.online ? [] : [id], 'channel off line (catalog)');
      }
    });
  }

  /** Every channel of a device off line (keepalives stopped, registration expired or ended). */
  offline(deviceId: string, reason: string): Promise<void> {
    return this.serial(deviceId, async () => {
      const ids = (await this.store.list(deviceId)).filter((c) => c.status !== 'offline').map((c) => c.id);
      await this.statuses([], ids, reason);
    });
  }

  /** Resolves once every device's queued work is done (tests, close). */
  async settled(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }
}
