// Device payloads of the simulators, in the shapes the vendors send: Hikvision ANPR plates XML, Hikvision AX PRO cidEvent JSON.

/** Local device time as Hikvision writes it ("20200424T1616270000": no zone, 4 fraction digits), UTC+`offsetMin`. */
export function hikvisionCaptureTime(at: Date, offsetMin = 480): string {
  const d = new Date(at.getTime() + offsetMin * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(Math.floor(d.getUTCMilliseconds() / 10), 2)}00`
  );
}

/** ISO time with the device's zone ("2012-01-13T03:58:19+08:00"), as the AX PRO writes dateTime. */
export function localIso(at: Date, offsetMin = 480): string {
  const d = new Date(at.getTime() + offsetMin * 60_000);
  const sign = offsetMin >= 0 ? '+' : '-';
  const o = Math.abs(offsetMin);
  return `${d.toISOString().slice(0, 19)}${sign}${String(Math.floor(o / 60)).padStart(2, '0')}:${String(o % 60).padStart(2, '0')}`;
}

export interface PlateRead {
  at: Date;
  plate: string;
  /** Unique per read: the picture's name, which keys the read (a repost is a duplicate). */
  picName: string;
  lane: number;
  direction: 'forward' | 'reverse';
}

/**
 * A Hikvision ANPR plates body (ISAPI `/Traffic/channels/1/vehicleDetect/plates`), as in the fixture
 * hikultimate-anpr-plates-poll.xml, with country CHN.
 */
export function hikvisionPlatesXml(reads: PlateRead[]): string {
  const plates = reads
    .map(
      (r) =>
        `  <Plate>\n    <captureTime>${hikvisionCaptureTime(r.at)}</captureTime>\n    <plateNumber>${r.plate}</plateNumber>\n` +
        `    <picName>${r.picName}</picName>\n    <country>CHN</country>\n    <laneNo>${r.lane}</laneNo>\n` +
        `    <direction>${r.direction}</direction>\n  </Plate>\n`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Plates version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\n${plates}</Plates>\n`;
}

/** Contact ID events an alarm box sends: zone (intrusion), panic button, fire. */
export const CID_EVENTS = {
  intrusion: { code: 3103, standardCIDcode: 3130, type: 'zoneAlarm' },
  button: { code: 1120, standardCIDcode: 1120, type: 'panicAlarm' },
  fire: { code: 1110, standardCIDcode: 1110, type: 'fireAlarm' },
} as const;

/** A Hikvision AX PRO alert (fixture hikultimate-axpro-cidevent-zonealarm.json), `active` or `inactive` (restored). */
export function axProCidEvent(o: {
  at: Date;
  event: keyof typeof CID_EVENTS;
  zone: number;
  state: 'active' | 'inactive';
  ip: string;
}): string {
  const t = localIso(o.at);
  return JSON.stringify({
    ipAddress: o.ip,
    ipv6Address: '',
    portNo: 80,
    protocol: 'HTTP',
    macAddress: 'c0:56:e3:00:00:00',
    channelID: 1,
    dateTime: t,
    activePostCount: 1,
    eventType: 'cidEvent',
    eventState: o.state,
    eventDescription: 'CID event',
    CIDEvent: { ...CID_EVENTS[o.event], trigger: t, upload: t, CameraList: [], NVRList: [], zone: o.zone },
  });
}
