// What a simulated GB/T 28181 device answers to MANSCDP queries: its catalog, device info, status and recordings.
import {
  buildCatalogPages,
  buildDeviceInfoResponse,
  buildDeviceStatusResponse,
  buildRecordInfoPages,
  type CatalogItem,
  type ManscdpDoc,
} from '../../gateway/gb28181/index';
import type { SimGbDeviceOptions } from './device-options';
import { recordItemsFor } from './recordings';

/** The device's catalog: one item per channel, all on line. */
export function catalogOf(opts: SimGbDeviceOptions): CatalogItem[] {
  return opts.channels.map((c) => ({
    deviceId: c.id,
    name: c.name,
    manufacturer: 'CloudEye',
    model: opts.model ?? 'SIM-GB',
    owner: 'Owner',
    civilCode: c.civilCode ?? opts.server.realm.slice(0, 6),
    address: c.name,
    parental: 0,
    parentId: opts.id,
    registerWay: 1,
    secrecy: 0,
    status: 'ON',
    ...(c.longitude !== undefined ? { longitude: c.longitude } : {}),
    ...(c.latitude !== undefined ? { latitude: c.latitude } : {}),
    ...(c.ptzType !== undefined ? { ptzType: c.ptzType } : {}),
  }));
}

/** The MESSAGE bodies answering a Query (Catalog, DeviceInfo, DeviceStatus, RecordInfo), in order; none for others. */
export function queryAnswers(opts: SimGbDeviceOptions, doc: ManscdpDoc): Buffer[] {
  const cs = opts.charset;
  if (doc.root !== 'Query') return [];
  if (doc.cmdType === 'Catalog')
    return buildCatalogPages(doc.sn, opts.id, catalogOf(opts), opts.catalogPageSize ?? 4, cs);
  if (doc.cmdType === 'DeviceInfo') {
    const info = {
      deviceId: opts.id,
      deviceName: opts.name ?? 'SimGB',
      manufacturer: 'CloudEye',
      model: opts.model ?? 'SIM-GB',
    };
    return [buildDeviceInfoResponse(doc.sn, { ...info, firmware: '1.0', channels: opts.channels.length }, cs)];
  }
  if (doc.cmdType === 'DeviceStatus')
    return [buildDeviceStatusResponse(doc.sn, { deviceId: opts.id, recording: 'OFF', alarms: [] }, cs)];
  if (doc.cmdType === 'RecordInfo') {
    const q = (k: string): string => (typeof doc.node[k] === 'string' ? (doc.node[k] as string) : '');
    const items = recordItemsFor(
      opts.recordings ?? [],
      doc.deviceId,
      q('StartTime'),
      q('EndTime'),
      opts.utcOffsetMin ?? 480,
    );
    const name = opts.channels.find((c) => c.id === doc.deviceId)?.name ?? opts.name ?? 'SimGB';
    return buildRecordInfoPages(doc.sn, doc.deviceId, name, items, opts.recordPageSize ?? 10, cs);
  }
  return [];
}
