// The upper platform's registry cameras of one lower platform, kept in step with its catalog: whole catalogs
// replace, changes apply; each hostile item is refused alone (logged, audited), the rest still apply.
import type { CameraRecord, CameraWrite } from '../db/cameras-repo';
import { CascadeRefused } from './errors';
import { MAX_ITEMS, catalogItem, itemId, type CatalogItem, type CatalogMessage } from './protocol';

/** What the sync needs of the registry (provided by the wiring: repository, change events, audit). */
export interface PeerCameraStore {
  /** The cameras of a peer. */
  list(peer: string): Promise<CameraRecord[]>;
  create(w: CameraWrite): Promise<CameraRecord>;
  update(id: string, w: CameraWrite): Promise<void>;
  remove(id: string): Promise<void>;
  /** Statuses as the lower platform sees them (health checks of cascaded cameras are its own). */
  setStatuses(s: ReadonlyMap<string, string>): Promise<void>;
  audit(action: string, cameraId: string | undefined, detail: Record<string, unknown>): Promise<void>;
}

export type SyncLog = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** Tag every cascaded camera carries (shares by tag may name it), beside `cascade:<peer>`. */
export const CASCADE_TAG = 'cascade';

/** One chain of work per peer, so catalogs and changes apply in the order they came. */
export class PeerCatalog {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly peer: string,
    private readonly departmentId: number,
    private readonly store: PeerCameraStore,
    private readonly log: SyncLog,
  ) {}

  /** Applies one catalog message (queued behind the previous one); resolves when applied. */
  apply(m: CatalogMessage): Promise<void> {
    this.chain = this.chain
      .then(() => this.run(m))
      .catch((err: unknown) => this.log('error', `cascade: catalog of ${this.peer}: ${String(err)}`));
    return this.chain;
  }

  settled(): Promise<void> {
    return this.chain;
  }

  private async refuse(raw: unknown, err: CascadeRefused): Promise<void> {
    this.log('warn', `${err.message} (peer ${this.peer}): refused, nothing stored`);
    await this.store.audit('cascade.refused', undefined, { peer: this.peer, item: itemId(raw), reason: err.message });
  }

  /** The valid items of a list; each refused one is logged and audited. */
  private async items(list: unknown): Promise<CatalogItem[] | null> {
    if (!Array.isArray(list)) {
      await this.refuse(null, new CascadeRefused('cascade: catalog items are not a list'));
      return null;
    }
    if (list.length > MAX_ITEMS) {
      await this.refuse(null, new CascadeRefused(`cascade: catalog of ${list.length} items (at most ${MAX_ITEMS})`));
      return null;
    }
    const out: CatalogItem[] = [];
    const seen = new Set<string>();
    for (const raw of list) {
      try {
        const it = catalogItem(raw);
        if (seen.has(it.id)) throw new CascadeRefused(`cascade: camera ${it.id} is listed twice`);
        seen.add(it.id);
        out.push(it);
      } catch (err) {
        if (!(err instanceof CascadeRefused)) throw err;
        await this.refuse(raw, err);
      }
    }
    return out;
  }

  private write(it: CatalogItem, known?: CameraRecord): CameraWrite {
    // tags given at the upper platform (its shares by tag) stay; the sync owns its own two
    const own = (known?.tags ?? []).filter((t) => t !== CASCADE_TAG && !t.startsWith('cascade:'));
    return {
      name: it.name,
      source: 'cascade',
      cascadePeer: this.peer,
      cascadeCameraId: it.id,
      departmentId: this.departmentId,
      lng: it.lng,
      lat: it.lat,
      bearing: it.bearing,
      fov: it.fov,
      rangeM: it.rangeM,
      address: it.address,
      tags: [CASCADE_TAG, `cascade:${this.peer}`, ...own],
      streams: { main: { codec: it.codec } },
      capabilities: { ptz: it.ptz, playback: it.playback },
    };
  }

  private async upsert(it: CatalogItem, known: CameraRecord | undefined, status: Map<string, string>): Promise<void> {
    const w = this.write(it, known);
    if (!known) {
      const cam = await this.store.create(w);
      await this.store.audit('camera.create', cam.id, { peer: this.peer, cascadeCameraId: it.id, name: it.name });
      status.set(cam.id, it.status);
      return;
    }
    const same =
      known.name === it.name &&
      known.lng === it.lng &&
      known.lat === it.lat &&
      known.bearing === it.bearing &&
      known.fov === it.fov &&
      known.rangeM === it.rangeM &&
      known.address === it.address &&
      (known.capabilities.ptz ?? false) === it.ptz &&
      (known.capabilities.playback ?? false) === it.playback &&
      known.streams.main?.codec === it.codec;
    if (!same) await this.store.update(known.id, w);
    if (known.status !== it.status) status.set(known.id, it.status);
  }

  private async withdraw(cam: CameraRecord, why: string): Promise<void> {
    await this.store.remove(cam.id);
    await this.store.audit('camera.delete', cam.id, {
      peer: this.peer,
      cascadeCameraId: cam.cascadeCameraId,
      reason: why,
    });
  }

  private async run(m: CatalogMessage): Promise<void> {
    const known = new Map((await this.store.list(this.peer)).map((c) => [c.cascadeCameraId ?? '', c]));
    const status = new Map<string, string>();
    if (m.full) {
      const items = await this.items(m.items);
      if (!items) return;
      for (const it of items) await this.upsert(it, known.get(it.id), status);
      const listed = new Set(items.map((i) => i.id));
      for (const [id, cam] of known) if (!listed.has(id)) await this.withdraw(cam, 'no longer published');
    } else {
      const items = (await this.items(m.upsert)) ?? [];
      for (const it of items) await this.upsert(it, known.get(it.id), status);
      for (const raw of Array.isArray(m.remove) ? m.remove : []) {
        const cam = typeof raw === 'string' ? known.get(raw) : undefined;
        if (cam) await this.withdraw(cam, 'withdrawn by the lower platform');
      }
    }
    if (status.size) await this.store.setStatuses(status);
  }
}
