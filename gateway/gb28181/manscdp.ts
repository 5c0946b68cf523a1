// MANSCDP (GB/T 28181 annex A) documents: the Query/Response/Notify/Control envelope and the typed bodies read from it.
import { ManscdpError } from './errors';
import { decodeBody, isNode, kids, num, parseXml, text, attr, type XNode } from './xml';

export type ManscdpRoot = 'Query' | 'Response' | 'Notify' | 'Control';
const ROOTS: ManscdpRoot[] = ['Query', 'Response', 'Notify', 'Control'];

/** One MANSCDP document: its root, CmdType, SN and DeviceID, and the root element for the typed readers. */
export interface ManscdpDoc {
  root: ManscdpRoot;
  cmdType: string;
  /** Command serial number; -1 when absent (some test inputs omit it). */
  sn: number;
  deviceId: string;
  node: XNode;
}

/** Parses a MESSAGE/NOTIFY body (bytes, charset from the declaration). Throws ManscdpError. */
export function parseManscdp(body: Buffer | string): ManscdpDoc {
  const doc = parseXml(typeof body === 'string' ? body : decodeBody(body));
  const root = ROOTS.find((r) => isNode(doc[r]) || doc[r] === '');
  if (!root) throw new ManscdpError('root is not Query, Response, Notify or Control', Object.keys(doc).join(','));
  const node = isNode(doc[root]) ? (doc[root] as XNode) : {};
  const sn = num(node, 'SN');
  return { root, cmdType: text(node, 'CmdType') ?? '', sn: sn ?? -1, deviceId: text(node, 'DeviceID') ?? '', node };
}

/** Text that devices fill with the literal "null" or leave empty is absent. */
const opt = (node: unknown, ...path: string[]): string | undefined => {
  const t = text(node, ...path);
  return t === undefined || t === '' || t === 'null' ? undefined : t;
};

export interface Keepalive {
  deviceId: string;
  /** "OK" or an error text. */
  status: string;
  /** Device ids of faulty channels (Info/DeviceID), when listed. */
  faulty: string[];
}

export function readKeepalive(d: ManscdpDoc): Keepalive {
  return {
    deviceId: d.deviceId,
    status: text(d.node, 'Status') ?? '',
    faulty: kids(d.node.Info, 'DeviceID').map((n) => text(n) ?? ''),
  };
}

export interface DeviceInfo {
  deviceId: string;
  deviceName?: string;
  manufacturer?: string;
  model?: string;
  firmware?: string;
  channels?: number;
  result?: string;
}

export function readDeviceInfo(d: ManscdpDoc): DeviceInfo {
  const n = d.node;
  const out: DeviceInfo = { deviceId: d.deviceId };
  const set = <K extends keyof DeviceInfo>(k: K, v: DeviceInfo[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('deviceName', opt(n, 'DeviceName'));
  set('manufacturer', opt(n, 'Manufacturer'));
  set('model', opt(n, 'Model'));
  set('firmware', opt(n, 'Firmware'));
  set('channels', num(n, 'Channel'));
  set('result', opt(n, 'Result'));
  return out;
}

export interface DeviceStatus {
  deviceId: string;
  result?: string;
  /** ONLINE / OFFLINE as reported. */
  online?: string;
  /** OK or an error text. */
  status?: string;
  recording?: string;
  deviceTime?: string;
  alarms: Array<{ deviceId: string; status: string }>;
}

export function readDeviceStatus(d: ManscdpDoc): DeviceStatus {
  const n = d.node;
  const alarms = kids(n.Alarmstatus, 'Item').map((i) => ({
    deviceId: text(i, 'DeviceID') ?? '',
    status: text(i, 'DutyStatus') ?? '',
  }));
  const out: DeviceStatus = { deviceId: d.deviceId, alarms };
  for (const [k, tag] of [
    ['result', 'Result'],
    ['online', 'Online'],
    ['status', 'Status'],
    ['recording', 'Record'],
    ['deviceTime', 'DeviceTime'],
  ] as const) {
    const v = opt(n, tag);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export interface RecordItem {
  deviceId?: string;
  name?: string;
  filePath?: string;
  address?: string;
  startTime: string;
  endTime: string;
  secrecy?: number;
  type?: string;
  fileSize?: number;
}

export interface RecordInfo {
  deviceId: string;
  name?: string;
  sumNum: number;
  /** RecordList Num: items this page claims to carry. */
  num: number;
  items: RecordItem[];
}

export function readRecordInfo(d: ManscdpDoc): RecordInfo {
  const list = kids(d.node, 'RecordList')[0];
  const items = kids(list, 'Item').map((i): RecordItem => {
    const r: RecordItem = { startTime: text(i, 'StartTime') ?? '', endTime: text(i, 'EndTime') ?? '' };
    for (const [k, tag] of [
      ['deviceId', 'DeviceID'],
      ['name', 'Name'],
      ['filePath', 'FilePath'],
      ['address', 'Address'],
      ['type', 'Type'],
    ] as const) {
      const v = opt(i, tag);
      if (v !== undefined) r[k] = v;
    }
    const secrecy = num(i, 'Secrecy');
    if (secrecy !== undefined) r.secrecy = secrecy;
    const size = num(i, 'FileSize');
    if (size !== undefined) r.fileSize = size;
    return r;
  });
  const name = opt(d.node, 'Name');
  return {
    deviceId: d.deviceId,
    ...(name ? { name } : {}),
    sumNum: num(d.node, 'SumNum') ?? items.length,
    num: Number(attr(list, 'Num') ?? items.length),
    items,
  };
}

export interface AlarmNotify {
  deviceId: string;
  priority?: number;
  /** 1 phone, 2 device, 3 SMS, 4 GPS, 5 video, 6 device fault, 7 other. */
  method?: number;
  time?: string;
  description?: string;
  longitude?: number;
  latitude?: number;
  /** AlarmType at the top level (2011 layout) or in Info (2016 layout), whichever is given; Info wins. */
  type?: number;
}

export function readAlarm(d: ManscdpDoc): AlarmNotify {
  const n = d.node;
  const out: AlarmNotify = { deviceId: d.deviceId };
  const nums = [
    ['priority', num(n, 'AlarmPriority')],
    ['method', num(n, 'AlarmMethod')],
    ['longitude', num(n, 'Longitude')],
    ['latitude', num(n, 'Latitude')],
    ['type', num(n, 'Info', 'AlarmType') ?? num(n, 'AlarmType')],
  ] as const;
  for (const [k, v] of nums) if (v !== undefined) out[k] = v;
  const time = opt(n, 'AlarmTime');
  if (time) out.time = time;
  const desc = opt(n, 'AlarmDescription');
  if (desc) out.description = desc;
  return out;
}
