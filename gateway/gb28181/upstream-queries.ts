// What a lower platform answers to its superior's MANSCDP (§9.3, §9.5, §9.7): PTZ control passed on; Catalog,
// DeviceInfo, DeviceStatus and RecordInfo queries answered in pages.
import { buildCatalogPages, buildDeviceInfoResponse, buildDeviceStatusResponse } from './manscdp-build';
import { buildRecordInfoPages, gbTimeToMs, msToGbTime } from './manscdp-record';
import type { ManscdpDoc, RecordItem } from './manscdp';
import { decodePtzCmd, type PtzCommand } from './ptz';
import type { UpstreamOptions } from './upstream';

/** One recording listed upward: its wall-clock range and its MANSCDP Type (time, alarm, manual). */
export interface UpstreamRecord {
  startMs: number;
  endMs: number;
  type: string;
}

/** RecordInfo items per MESSAGE, and at most this many listed for one query. */
const RECORDS_PER_PAGE = 10;
const MAX_RECORDS = 2000;

export interface AnswerContext {
  o: UpstreamOptions;
  send(body: Buffer): Promise<void>;
  emit(event: 'ptz' | 'error-log', arg: unknown): void;
}

/** Carries out or answers one MANSCDP document of the superior (anything else is ignored). */
export async function answerManscdp(doc: ManscdpDoc, c: AnswerContext): Promise<void> {
  const { o } = c;
  const cs = o.charset;
  if (doc.root === 'Control' && typeof doc.node.PTZCmd === 'string') {
    let command: PtzCommand;
    try {
      command = decodePtzCmd(doc.node.PTZCmd).command;
    } catch (e) {
      return c.emit('error-log', `gb28181 upstream: PTZCmd refused: ${(e as Error).message}`);
    }
    c.emit('ptz', { channelId: doc.deviceId, command });
    await o.ptz?.(doc.deviceId, command);
    return;
  }
  if (doc.root !== 'Query') return;
  if (doc.cmdType === 'Catalog') {
    for (const page of buildCatalogPages(doc.sn, o.localId, await o.catalog(), 8, cs)) await c.send(page);
  } else if (doc.cmdType === 'DeviceInfo') {
    // groups and organisations (Parental 1) are not channels
    const channels = (await o.catalog()).filter((i) => i.parental !== 1).length;
    const info = {
      deviceId: o.localId,
      deviceName: o.name ?? 'Cloud Eye',
      manufacturer: 'CloudEye',
      model: 'CloudEye',
    };
    await c.send(buildDeviceInfoResponse(doc.sn, { ...info, firmware: '1', channels }, cs));
  } else if (doc.cmdType === 'DeviceStatus') {
    await c.send(buildDeviceStatusResponse(doc.sn, { deviceId: doc.deviceId, recording: 'OFF', alarms: [] }, cs));
  } else if (doc.cmdType === 'RecordInfo') {
    const name = (await o.catalog()).find((i) => i.deviceId === doc.deviceId)?.name ?? '';
    const items = await recordItems(doc, c);
    for (const page of buildRecordInfoPages(doc.sn, doc.deviceId, name, items, RECORDS_PER_PAGE, cs))
      await c.send(page);
  }
}

/** The items answering a RecordInfo query: none for times that are no times (told in the log) or no recordings. */
async function recordItems(doc: ManscdpDoc, c: AnswerContext): Promise<RecordItem[]> {
  const off = c.o.utcOffsetMin ?? 480;
  const q = (k: string): string => (typeof doc.node[k] === 'string' ? (doc.node[k] as string) : '');
  let fromMs: number;
  let toMs: number;
  try {
    fromMs = gbTimeToMs(q('StartTime'), off);
    toMs = gbTimeToMs(q('EndTime'), off);
  } catch (err) {
    c.emit('error-log', `gb28181 upstream: RecordInfo of ${doc.deviceId} refused: ${(err as Error).message}`);
    return [];
  }
  if (toMs <= fromMs || !c.o.records) return [];
  const type = (q('Type') || 'all').toLowerCase().slice(0, 16);
  const recs = await c.o.records(doc.deviceId, fromMs, toMs, type).catch((err: Error) => {
    c.emit('error-log', `gb28181 upstream: RecordInfo of ${doc.deviceId}: ${err.message}`);
    return [];
  });
  return recs.slice(0, MAX_RECORDS).map((r) => ({
    deviceId: doc.deviceId,
    startTime: msToGbTime(r.startMs, off),
    endTime: msToGbTime(Math.ceil(r.endMs / 1000) * 1000, off),
    type: r.type,
  }));
}
