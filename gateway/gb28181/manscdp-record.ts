// Device recordings (GB/T 28181 §9.7, §9.8, annex A.2.4/A.2.6): RecordInfo answers in pages, the times they carry,
// and the MediaStatus Notify (121: the file has been sent) that ends a Playback/Download.
import { ManscdpError } from './errors';
import { manscdpDocument, buildRecordInfoResponse, type BodyCharset } from './manscdp-build';
import { readRecordInfo, type ManscdpDoc, type RecordItem } from './manscdp';
import { num, text } from './xml';

/**
 * A RecordInfo answer split into MESSAGE bodies of `perPage` items each (SumNum the whole count, RecordList Num the
 * page's), as NVRs send long lists; an empty list is one page with Num 0.
 */
export function buildRecordInfoPages(
  sn: number,
  deviceId: string,
  name: string,
  items: RecordItem[],
  perPage: number,
  charset?: BodyCharset,
): Buffer[] {
  if (!Number.isInteger(perPage) || perPage < 1)
    throw new ManscdpError('RecordInfo page size must be ≥ 1', String(perPage));
  const pages: Buffer[] = [];
  for (let at = 0; at < Math.max(items.length, 1); at += perPage)
    pages.push(buildRecordInfoResponse(sn, deviceId, name, items.slice(at, at + perPage), charset, items.length));
  return pages;
}

/** Every item of a paged answer, each once (a device resending a page repeats none), oldest first. */
export function collectRecordItems(docs: ManscdpDoc[]): RecordItem[] {
  const seen = new Map<string, RecordItem>();
  for (const d of docs)
    for (const it of readRecordInfo(d).items)
      seen.set(`${it.startTime}|${it.endTime}|${it.filePath ?? ''}|${it.type ?? ''}`, it);
  return [...seen.values()].sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0));
}

const GB_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

/**
 * A MANSCDP time (`2026-12-07T08:05:00`, the device's local time without offset) as epoch ms, the device's UTC
 * offset given in minutes (480 for China Standard Time). ManscdpError for anything else.
 */
export function gbTimeToMs(s: string, utcOffsetMin: number): number {
  const m = GB_TIME.exec(s.trim());
  if (!m) throw new ManscdpError('time is not YYYY-MM-DDTHH:mm:ss', s.slice(0, 40));
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, se!);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || h! > 23 || mi! > 59 || se! > 59)
    throw new ManscdpError('time is not a calendar time', s.slice(0, 40));
  return ms - utcOffsetMin * 60_000;
}

/** Epoch ms as a MANSCDP local time at the given UTC offset (minutes), whole seconds. */
export function msToGbTime(ms: number, utcOffsetMin: number): string {
  return new Date(Math.floor(ms / 1000) * 1000 + utcOffsetMin * 60_000).toISOString().slice(0, 19);
}

/** MediaStatus Notify: NotifyType 121 = the device has sent the whole file (end of a Playback or Download). */
export function buildMediaStatusNotify(sn: number, deviceId: string, notifyType = 121, charset?: BodyCharset): Buffer {
  return manscdpDocument('Notify', 'MediaStatus', sn, deviceId, `<NotifyType>${notifyType}</NotifyType>`, charset);
}

export interface MediaStatus {
  deviceId: string;
  notifyType: number;
}

/** Reads a MediaStatus Notify; ManscdpError when the document is another or has no NotifyType. */
export function readMediaStatus(d: ManscdpDoc): MediaStatus {
  if (d.root !== 'Notify' || d.cmdType !== 'MediaStatus') throw new ManscdpError('not a MediaStatus Notify', d.cmdType);
  const t = num(d.node, 'NotifyType');
  if (t === undefined || !Number.isInteger(t))
    throw new ManscdpError('MediaStatus has no NotifyType', text(d.node, 'NotifyType') ?? '');
  return { deviceId: d.deviceId, notifyType: t };
}
