// Building MANSCDP documents: queries, Keepalive, Catalog pages, DeviceInfo/DeviceStatus/RecordInfo answers, alarms, PTZ control.
import { encodeGb2312 } from './gb2312';
import type { CatalogItem } from './manscdp-catalog';
import type { AlarmNotify, DeviceInfo, DeviceStatus, RecordItem } from './manscdp';
import { escapeXml } from './xml';

export type BodyCharset = 'GB2312' | 'UTF-8';

type Fields = Array<[string, string | number | undefined]>;

const el = (tag: string, v: string | number): string => `<${tag}>${escapeXml(String(v))}</${tag}>`;
const fields = (f: Fields): string =>
  f
    .filter(([, v]) => v !== undefined)
    .map(([t, v]) => el(t, v as string | number))
    .join('\r\n');

/** A whole document as bytes in `charset` (GB2312 by default, as the standard says), with its declaration. */
export function manscdpDocument(
  root: string,
  cmdType: string,
  sn: number,
  deviceId: string,
  inner: string,
  charset: BodyCharset = 'GB2312',
): Buffer {
  const xml =
    `<?xml version="1.0" encoding="${charset}"?>\r\n<${root}>\r\n${el('CmdType', cmdType)}\r\n${el('SN', sn)}\r\n` +
    `${el('DeviceID', deviceId)}\r\n${inner ? `${inner}\r\n` : ''}</${root}>\r\n`;
  return charset === 'GB2312' ? encodeGb2312(xml) : Buffer.from(xml, 'utf8');
}

/** A Query (Catalog, DeviceInfo, DeviceStatus, …); `extra` adds elements such as the RecordInfo time range. */
export function buildQuery(
  cmdType: string,
  sn: number,
  deviceId: string,
  extra: Fields = [],
  charset?: BodyCharset,
): Buffer {
  return manscdpDocument('Query', cmdType, sn, deviceId, fields(extra), charset);
}

export function buildRecordInfoQuery(
  sn: number,
  channelId: string,
  startTime: string,
  endTime: string,
  charset?: BodyCharset,
): Buffer {
  const extra: Fields = [
    ['StartTime', startTime],
    ['EndTime', endTime],
    ['Secrecy', 0],
    ['Type', 'all'],
  ];
  return buildQuery('RecordInfo', sn, channelId, extra, charset);
}

export function buildKeepalive(sn: number, deviceId: string, charset?: BodyCharset): Buffer {
  return manscdpDocument('Notify', 'Keepalive', sn, deviceId, el('Status', 'OK'), charset);
}

function catalogItem(i: CatalogItem): string {
  const f: Fields = [
    ['DeviceID', i.deviceId],
    ['Name', i.name],
    ['Manufacturer', i.manufacturer],
    ['Model', i.model],
    ['Owner', i.owner],
    ['CivilCode', i.civilCode],
    ['Address', i.address],
    ['Parental', i.parental ?? 0],
    ['ParentID', i.parentId],
    ['BusinessGroupID', i.businessGroupId],
    ['RegisterWay', i.registerWay ?? 1],
    ['Secrecy', i.secrecy ?? 0],
    ['IPAddress', i.ipAddress],
    ['Port', i.port],
    ['Status', i.status ?? 'ON'],
    ['Longitude', i.longitude],
    ['Latitude', i.latitude],
    ['Event', i.event],
  ];
  const info = i.ptzType !== undefined ? `\r\n<Info>\r\n${el('PTZType', i.ptzType)}\r\n</Info>` : '';
  return `<Item>\r\n${fields(f)}${info}\r\n</Item>`;
}

/**
 * Catalog Response pages (or, for a subscription, Notify pages with each item's Event) of at most
 * `perPage` items each: SumNum the total, DeviceList Num the page's count.
 */
export function buildCatalogPages(
  sn: number,
  deviceId: string,
  items: CatalogItem[],
  perPage = 4,
  charset?: BodyCharset,
  root: 'Response' | 'Notify' = 'Response',
): Buffer[] {
  const pages: Buffer[] = [];
  for (let at = 0; at < Math.max(items.length, 1); at += perPage) {
    const page = items.slice(at, at + perPage);
    const inner = `${el('SumNum', items.length)}\r\n<DeviceList Num="${page.length}">\r\n${page.map(catalogItem).join('\r\n')}\r\n</DeviceList>`;
    pages.push(manscdpDocument(root, 'Catalog', sn, deviceId, inner, charset));
  }
  return pages;
}

export function buildDeviceInfoResponse(sn: number, info: DeviceInfo, charset?: BodyCharset): Buffer {
  const f: Fields = [
    ['DeviceName', info.deviceName],
    ['Result', info.result ?? 'OK'],
    ['Manufacturer', info.manufacturer],
    ['Model', info.model],
    ['Firmware', info.firmware],
    ['Channel', info.channels],
  ];
  return manscdpDocument('Response', 'DeviceInfo', sn, info.deviceId, fields(f), charset);
}

export function buildDeviceStatusResponse(sn: number, s: DeviceStatus, charset?: BodyCharset): Buffer {
  const f: Fields = [
    ['Result', s.result ?? 'OK'],
    ['Online', s.online ?? 'ONLINE'],
    ['Status', s.status ?? 'OK'],
    ['DeviceTime', s.deviceTime],
    ['Record', s.recording],
  ];
  const alarms = s.alarms.length
    ? `\r\n<Alarmstatus Num="${s.alarms.length}">\r\n${s.alarms
        .map((a) => `<Item>\r\n${el('DeviceID', a.deviceId)}\r\n${el('DutyStatus', a.status)}\r\n</Item>`)
        .join('\r\n')}\r\n</Alarmstatus>`
    : '';
  return manscdpDocument('Response', 'DeviceStatus', sn, s.deviceId, fields(f) + alarms, charset);
}

export function buildRecordInfoResponse(
  sn: number,
  deviceId: string,
  name: string,
  items: RecordItem[],
  charset?: BodyCharset,
  sumNum = items.length,
): Buffer {
  const list = items
    .map((r) => {
      const f: Fields = [
        ['DeviceID', r.deviceId ?? deviceId],
        ['Name', r.name ?? name],
        ['FilePath', r.filePath],
        ['Address', r.address],
        ['StartTime', r.startTime],
        ['EndTime', r.endTime],
        ['Secrecy', r.secrecy ?? 0],
        ['Type', r.type ?? 'time'],
        ['FileSize', r.fileSize],
      ];
      return `<Item>\r\n${fields(f)}\r\n</Item>`;
    })
    .join('\r\n');
  const inner = `${el('Name', name)}\r\n${el('SumNum', sumNum)}\r\n<RecordList Num="${items.length}">\r\n${list}\r\n</RecordList>`;
  return manscdpDocument('Response', 'RecordInfo', sn, deviceId, inner, charset);
}

export function buildAlarmNotify(sn: number, a: AlarmNotify, charset?: BodyCharset): Buffer {
  const f: Fields = [
    ['AlarmPriority', a.priority],
    ['AlarmMethod', a.method],
    ['AlarmTime', a.time],
    ['AlarmDescription', a.description],
    ['Longitude', a.longitude],
    ['Latitude', a.latitude],
  ];
  const info = a.type !== undefined ? `\r\n<Info>\r\n${el('AlarmType', a.type)}\r\n</Info>` : '';
  return manscdpDocument('Notify', 'Alarm', sn, a.deviceId, fields(f) + info, charset);
}

/** DeviceControl carrying a PTZCmd (16 hex characters, see ptz.ts). */
export function buildPtzControl(sn: number, channelId: string, ptzCmdHex: string, charset?: BodyCharset): Buffer {
  return manscdpDocument(
    'Control',
    'DeviceControl',
    sn,
    channelId,
    `${el('PTZCmd', ptzCmdHex)}\r\n<Info>\r\n<ControlPriority>5</ControlPriority>\r\n</Info>`,
    charset,
  );
}
