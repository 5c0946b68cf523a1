// Catalog (GB/T 28181 §9.5, A.2.6): the items of a Catalog response or NOTIFY, and the pages of one answer put together.
import { ManscdpError } from './errors';
import type { ManscdpDoc } from './manscdp';
import { attr, kids, num, text } from './xml';

/** One catalog entry: a channel (camera), or a device, civil code, business group or virtual organisation. */
export interface CatalogItem {
  deviceId: string;
  name: string;
  manufacturer?: string;
  model?: string;
  owner?: string;
  /** 行政区划 code (2–8 digits) of where the channel is. */
  civilCode?: string;
  address?: string;
  /** 1 when the entry has children. */
  parental?: number;
  parentId?: string;
  businessGroupId?: string;
  registerWay?: number;
  secrecy?: number;
  ipAddress?: string;
  port?: number;
  /** "ON"/"OFF" (some devices say "ONLINE"/"OFFLINE"). */
  status?: string;
  longitude?: number;
  latitude?: number;
  /** Info/PTZType: 1 dome, 2 half-dome, 3 fixed box, 4 remote-control box. */
  ptzType?: number;
  /** NOTIFY Event: ADD, DEL, UPDATE, ON, OFF, VLOST, DEFECT. */
  event?: string;
}

export interface CatalogPage {
  deviceId: string;
  sumNum: number;
  /** DeviceList Num: items this page claims. */
  num: number;
  items: CatalogItem[];
}

const opt = (n: unknown, ...p: string[]): string | undefined => {
  const t = text(n, ...p);
  return t === undefined || t === '' || t === 'null' ? undefined : t;
};

const STRINGS = [
  ['manufacturer', 'Manufacturer'],
  ['model', 'Model'],
  ['owner', 'Owner'],
  ['civilCode', 'CivilCode'],
  ['address', 'Address'],
  ['parentId', 'ParentID'],
  ['businessGroupId', 'BusinessGroupID'],
  ['ipAddress', 'IPAddress'],
  ['status', 'Status'],
  ['event', 'Event'],
] as const;
const NUMBERS = [
  ['parental', 'Parental'],
  ['registerWay', 'RegisterWay'],
  ['secrecy', 'Secrecy'],
  ['port', 'Port'],
  ['longitude', 'Longitude'],
  ['latitude', 'Latitude'],
] as const;

/** Reads a Catalog Response or NOTIFY page. Items without a DeviceID are dropped. */
export function readCatalog(d: ManscdpDoc): CatalogPage {
  const list = kids(d.node, 'DeviceList')[0];
  const items: CatalogItem[] = [];
  for (const i of kids(list, 'Item')) {
    const deviceId = opt(i, 'DeviceID');
    if (!deviceId) continue;
    const item: CatalogItem = { deviceId, name: opt(i, 'Name') ?? '' };
    for (const [k, tag] of STRINGS) {
      const v = opt(i, tag);
      if (v !== undefined) item[k] = v;
    }
    for (const [k, tag] of NUMBERS) {
      const v = num(i, tag);
      if (v !== undefined) item[k] = v;
    }
    const ptz = num(i, 'Info', 'PTZType');
    if (ptz !== undefined) item.ptzType = ptz;
    items.push(item);
  }
  const n = Number(attr(list, 'Num') ?? items.length);
  return {
    deviceId: d.deviceId,
    sumNum: num(d.node, 'SumNum') ?? items.length,
    num: Number.isFinite(n) ? n : items.length,
    items,
  };
}

/**
 * Puts together the pages of one Catalog answer (same SN), which devices send as several MESSAGEs
 * of a few items each. Complete when the distinct items reach SumNum. Bounded by `maxItems`.
 */
export class CatalogCollector {
  private readonly items = new Map<string, CatalogItem>();
  sumNum = -1;

  constructor(private readonly maxItems = 100_000) {}

  add(page: CatalogPage): void {
    if (page.sumNum > this.maxItems)
      throw new ManscdpError(`SumNum ${page.sumNum} over ${this.maxItems}`, page.deviceId);
    this.sumNum = Math.max(this.sumNum, page.sumNum);
    for (const item of page.items) {
      if (this.items.size >= this.maxItems && !this.items.has(item.deviceId)) break;
      this.items.set(item.deviceId, item);
    }
  }

  get complete(): boolean {
    return this.sumNum >= 0 && this.items.size >= this.sumNum;
  }

  list(): CatalogItem[] {
    return [...this.items.values()];
  }
}
