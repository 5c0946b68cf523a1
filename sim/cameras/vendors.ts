// Vendor personalities of simulated ONVIF cameras (Hikvision-, Dahua-, Axis-like), modelled on the fixtures.

/** How one vendor's firmware looks from the outside. */
export interface Vendor {
  id: 'hikvision' | 'dahua' | 'axis';
  manufacturer: string;
  model: string;
  firmware: string;
  /** SOAP envelope prefix the firmware uses. */
  envPrefix: string;
  /** Service paths advertised in GetServices/GetCapabilities. */
  paths: { device: string; media: string; media2: string; ptz: string; events: string };
  /** Profile tokens and names: [main, sub]. */
  profiles: [token: string, name: string][];
  /** HTTP status sent with a NotAuthorized fault (Hikvision 401, others 400). */
  authFaultStatus: number;
  /** Subscription manager path prefix for PullPoint subscriptions. */
  subscriptionPath: string;
}

export const VENDORS: Record<Vendor['id'], Vendor> = {
  hikvision: {
    id: 'hikvision',
    manufacturer: 'HIKVISION',
    model: 'DS-2DE4425IW-DE',
    firmware: 'V5.6.15 build 200526',
    envPrefix: 'env',
    paths: {
      device: '/onvif/device_service',
      media: '/onvif/Media',
      media2: '/onvif/Media2',
      ptz: '/onvif/PTZ',
      events: '/onvif/Events',
    },
    profiles: [
      ['Profile_1', 'mainStream'],
      ['Profile_2', 'subStream'],
    ],
    authFaultStatus: 401,
    subscriptionPath: '/onvif/Events/PullSubManager_',
  },
  dahua: {
    id: 'dahua',
    manufacturer: 'Dahua',
    model: 'IPC-HFW2431S-S-S2',
    firmware: '2.800.0000000.22.R',
    envPrefix: 's',
    paths: {
      device: '/onvif/device_service',
      media: '/onvif/media_service',
      media2: '/onvif/media2_service',
      ptz: '/onvif/ptz_service',
      events: '/onvif/event_service',
    },
    profiles: [
      ['MediaProfile00000', 'MediaProfile_Channel1_MainStream'],
      ['MediaProfile00001', 'MediaProfile_Channel1_SubStream1'],
    ],
    authFaultStatus: 400,
    subscriptionPath: '/onvif/event_service/subscription_',
  },
  axis: {
    id: 'axis',
    manufacturer: 'AXIS',
    model: 'Q6045-E',
    firmware: '9.80.3.13',
    envPrefix: 'SOAP-ENV',
    paths: {
      device: '/onvif/device_service',
      media: '/onvif/services',
      media2: '/onvif/services',
      ptz: '/onvif/services',
      events: '/onvif/services',
    },
    profiles: [
      ['profile_1_h264', 'profile_1 h264'],
      ['profile_2_h264', 'profile_2 h264'],
    ],
    authFaultStatus: 400,
    subscriptionPath: '/onvif/services?sub=',
  },
};

export const VENDOR_IDS = Object.keys(VENDORS) as Vendor['id'][];

const NS =
  'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tr2="http://www.onvif.org/ver20/media/wsdl" ' +
  'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" ' +
  'xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:wsa5="http://www.w3.org/2005/08/addressing" xmlns:tns1="http://www.onvif.org/ver10/topics" ' +
  'xmlns:ter="http://www.onvif.org/ver10/error"';

/** Wraps a body in the vendor's envelope. */
export function wrap(v: Vendor, body: string): string {
  const p = v.envPrefix;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${p}:Envelope xmlns:${p}="http://www.w3.org/2003/05/soap-envelope" ${NS}>` +
    `<${p}:Body>${body}</${p}:Body></${p}:Envelope>`
  );
}

/** A SOAP 1.2 fault in the vendor's envelope. */
export function fault(v: Vendor, code: string, subcode: string, reason: string): string {
  const p = v.envPrefix;
  return wrap(
    v,
    `<${p}:Fault><${p}:Code><${p}:Value>${p}:${code}</${p}:Value>` +
      `<${p}:Subcode><${p}:Value>ter:${subcode}</${p}:Value></${p}:Subcode></${p}:Code>` +
      `<${p}:Reason><${p}:Text xml:lang="en">${reason}</${p}:Text></${p}:Reason></${p}:Fault>`,
  );
}
