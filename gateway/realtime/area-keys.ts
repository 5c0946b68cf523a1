// Short room keys for the area (and camera) scopes of connected principals: equal areas share one key while any socket holds it.
import type { Area, NarrowScope } from '../auth/policy-rooms';

interface Entry {
  key: string;
  text: string;
  holders: number;
}

/**
 * Interns area scopes (compared by their GeoJSON text) to keys "1", "2", … counted per holder, so
 * room names stay short and an event tests each distinct area once, not once per socket.
 */
export class AreaKeys {
  private readonly byText = new Map<string, Entry>();
  private readonly byKey = new Map<string, Entry>();
  private readonly areas = new Map<string, Area | NarrowScope>();
  private next = 1;

  /** The areas held now, by key: what `cameraRooms` tests a camera against. */
  get active(): ReadonlyMap<string, Area | NarrowScope> {
    return this.areas;
  }

  /** The key of `area`, held once more; give it back with release(). */
  acquire(area: Area | NarrowScope): string {
    const text = JSON.stringify(area);
    let e = this.byText.get(text);
    if (!e) {
      e = { key: String(this.next++), text, holders: 0 };
      this.byText.set(text, e);
      this.byKey.set(e.key, e);
      this.areas.set(e.key, area);
    }
    e.holders++;
    return e.key;
  }

  /** One holder fewer; the key is forgotten with its last holder. */
  release(key: string): void {
    const e = this.byKey.get(key);
    if (!e || --e.holders > 0) return;
    this.byKey.delete(key);
    this.byText.delete(e.text);
    this.areas.delete(key);
  }
}
