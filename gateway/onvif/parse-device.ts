// Parsers for Device service answers: clock, identity, capabilities and services.
import { OnvifResponseError } from './errors';
import { kid, kids, num, soapBody, text, type XNode } from './xml';

/** GetSystemDateAndTime result. `utcMs` is the device's UTC clock in epoch ms, when it reported one. */
export interface DeviceClock {
  utcMs: number | undefined;
  dateTimeType?: string;
  timeZone?: string;
}

/** Reads GetSystemDateAndTimeResponse; a device without UTCDateTime yields utcMs undefined. */
export function parseSystemDateAndTime(doc: XNode): DeviceClock {
  const sdt = kid(soapBody(doc), 'GetSystemDateAndTimeResponse', 'SystemDateAndTime');
  if (sdt === undefined) throw new OnvifResponseError('GetSystemDateAndTime', 'no SystemDateAndTime');
  const u = kid(sdt, 'UTCDateTime');
  const [y, mo, d, h, mi, s] = [
    num(u, 'Date', 'Year'),
    num(u, 'Date', 'Month'),
    num(u, 'Date', 'Day'),
    num(u, 'Time', 'Hour'),
    num(u, 'Time', 'Minute'),
    num(u, 'Time', 'Second'),
  ];
  const utcMs =
    y !== undefined && mo !== undefined && d !== undefined && h !== undefined && mi !== undefined && s !== undefined
      ? Date.UTC(y, mo - 1, d, h, mi, s)
      : undefined;
  const dateTimeType = text(sdt, 'DateTimeType');
  const timeZone = text(sdt, 'TimeZone', 'TZ');
  return { utcMs, ...(dateTimeType ? { dateTimeType } : {}), ...(timeZone ? { timeZone } : {}) };
}

/** GetDeviceInformation result; absent fields are '' (devices leave Manufacturer empty). */
export interface DeviceInformation {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
}

export function parseDeviceInformation(doc: XNode): DeviceInformation {
  const r = kid(soapBody(doc), 'GetDeviceInformationResponse');
  if (r === undefined) throw new OnvifResponseError('GetDeviceInformation', 'no GetDeviceInformationResponse');
  return {
    manufacturer: text(r, 'Manufacturer') ?? '',
    model: text(r, 'Model') ?? '',
    firmwareVersion: text(r, 'FirmwareVersion') ?? '',
    serialNumber: text(r, 'SerialNumber') ?? '',
    hardwareId: text(r, 'HardwareId') ?? '',
  };
}

/** Service addresses as the device reported them (not yet pinned to the device's host). */
export interface ServiceAddresses {
  device?: string;
  media?: string;
  media2?: string;
  ptz?: string;
  events?: string;
  imaging?: string;
}

const NS_TO_SERVICE: Array<[RegExp, keyof ServiceAddresses]> = [
  [/\/ver10\/device\/wsdl$/, 'device'],
  [/\/ver10\/media\/wsdl$/, 'media'],
  [/\/ver20\/media\/wsdl$/, 'media2'],
  [/\/ver20\/ptz\/wsdl$/, 'ptz'],
  [/\/ver10\/events\/wsdl$/, 'events'],
  [/\/ver20\/imaging\/wsdl$/, 'imaging'],
];

/** Reads GetServicesResponse (Namespace → XAddr). */
export function parseServices(doc: XNode): ServiceAddresses {
  const r = kid(soapBody(doc), 'GetServicesResponse');
  if (r === undefined) throw new OnvifResponseError('GetServices', 'no GetServicesResponse');
  const out: ServiceAddresses = {};
  for (const s of kids(r, 'Service')) {
    const ns = text(s, 'Namespace') ?? '';
    const x = text(s, 'XAddr');
    const hit = NS_TO_SERVICE.find(([re]) => re.test(ns.replace(/\/+$/, '')));
    if (hit && x) out[hit[1]] ??= x;
  }
  return out;
}

/** Reads GetCapabilitiesResponse (Media2 is not part of Capabilities; some devices list it under Extension). */
export function parseCapabilities(doc: XNode): ServiceAddresses {
  const c = kid(soapBody(doc), 'GetCapabilitiesResponse', 'Capabilities');
  if (c === undefined) throw new OnvifResponseError('GetCapabilities', 'no Capabilities');
  const out: ServiceAddresses = {};
  const pick = (k: keyof ServiceAddresses, ...path: string[]): void => {
    const x = text(c, ...path, 'XAddr');
    if (x) out[k] = x;
  };
  pick('device', 'Device');
  pick('media', 'Media');
  pick('ptz', 'PTZ');
  pick('events', 'Events');
  pick('imaging', 'Imaging');
  pick('media2', 'Extension', 'Media2');
  return out;
}
