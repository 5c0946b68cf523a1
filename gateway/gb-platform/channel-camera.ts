// A GB/T 28181 catalog item as a registry camera: which items are channels, their name, position, department and PTZ.
import type { CatalogItem } from '../gb28181/index';
import { gcj02ToWgs84 } from '../../gis/index';

export interface ChannelRules {
  coordinates: 'WGS-84' | 'GCJ-02';
  /** Civil code prefix → department code; the longest matching prefix wins. */
  civilCodes: Record<string, string>;
  /** Department code of a channel no civil code maps ('' = the first department). */
  defaultDepartment: string;
  /** Where a channel without a position is put (the map's centre), tagged `gb-no-position`. */
  fallback: [number, number];
}

/** What the registry stores of a channel. */
export interface ChannelCamera {
  channelId: string;
  name: string;
  lng: number;
  lat: number;
  positioned: boolean;
  /** Department code chosen by civil code or configuration ('' = the first department). */
  departmentCode: string;
  address: string;
  ptz: boolean;
  online: boolean;
}

/** A catalog item refused for the registry, and why (logged; nothing of it is stored). */
export class ChannelRefused extends Error {
  override name = 'ChannelRefused';
}

const ID = /^\d{20}$/;
// control characters, bidi overrides and markup-breaking characters have no place in a camera's name
const BAD_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069<>]/;

/**
 * True when the item is a video channel: a 20-digit id of type 131 (camera) or 132 (IPC) (GB/T 28181 annex E),
 * or any leaf (Parental 0) below the business-group and organisation types that is not the device itself.
 */
export function isChannel(item: CatalogItem, deviceId: string): boolean {
  if (!ID.test(item.deviceId)) return false;
  const type = Number(item.deviceId.slice(10, 13));
  if (type === 131 || type === 132) return true;
  return item.parental === 0 && type < 200 && item.deviceId !== deviceId;
}

function cleanText(what: string, v: string | undefined, max: number, channelId: string): string {
  const s = (v ?? '').trim();
  if (s.length > max) throw new ChannelRefused(`gb28181: channel ${channelId}: ${what} longer than ${max} characters`);
  if (BAD_TEXT.test(s))
    throw new ChannelRefused(
      `gb28181: channel ${channelId}: ${what} ${JSON.stringify(s.slice(0, 40))} has forbidden characters`,
    );
  return s;
}

/** The department code of a civil code by the longest configured prefix, else the default. */
export function departmentFor(civilCode: string | undefined, rules: ChannelRules): string {
  let best = '';
  for (const prefix of Object.keys(rules.civilCodes))
    if (civilCode?.startsWith(prefix) && prefix.length > best.length) best = prefix;
  return best ? rules.civilCodes[best]! : rules.defaultDepartment;
}

/** Maps a channel's catalog item; throws ChannelRefused for a hostile name or position. */
export function channelCamera(item: CatalogItem, rules: ChannelRules): ChannelCamera {
  const id = item.deviceId;
  const name = cleanText('name', item.name, 200, id) || id;
  const address = cleanText('address', item.address, 400, id);
  const { longitude: lo, latitude: la } = item;
  let lng = rules.fallback[0];
  let lat = rules.fallback[1];
  // devices without a position send nothing, or 0/0
  const positioned = lo !== undefined && la !== undefined && !(lo === 0 && la === 0);
  if (positioned) {
    if (!Number.isFinite(lo) || !Number.isFinite(la) || Math.abs(lo) > 180 || Math.abs(la) > 90)
      throw new ChannelRefused(
        `gb28181: channel ${id}: position ${String(lo)},${String(la)} is not a longitude/latitude`,
      );
    [lng, lat] = rules.coordinates === 'GCJ-02' ? gcj02ToWgs84(lo, la) : [lo, la];
  }
  const status = (item.status ?? 'ON').toUpperCase();
  return {
    channelId: id,
    name,
    lng,
    lat,
    positioned,
    departmentCode: departmentFor(item.civilCode, rules),
    address,
    // PTZType 1 dome, 2 half-dome, 4 remote-control box move; 3 (fixed box) and none do not
    ptz: item.ptzType === 1 || item.ptzType === 2 || item.ptzType === 4,
    online: status === 'ON' || status === 'ONLINE',
  };
}
