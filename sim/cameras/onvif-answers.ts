// The simulated camera's answers to the ONVIF Device and Media (1 and 2) calls, as SOAP body XML.
import type { Vendor } from './vendors';

/** What the answers depend on. */
export interface DeviceContext {
  vendor: Vendor;
  ptz: boolean;
  codec: 'h264' | 'h265';
  index: number;
  /** The device clock's time. */
  now: Date;
  /** A service's URL on this camera. */
  svc(path: string): string;
  /** The RTSP URI of the profile the request names. */
  streamUri: string;
  snapshotUri: string;
}

function profileXml(c: DeviceContext, media2: boolean): string {
  const [w, h] = [
    [1920, 1080, 25],
    [640, 360, 15],
  ] as const;
  const enc = c.codec === 'h265' ? 'H265' : 'H264';
  return c.vendor.profiles
    .map(([token, name], i) => {
      const [width, height, rate] = i === 0 ? w : h;
      const ptz = c.ptz
        ? media2
          ? '<tr2:PTZ token="PTZToken"><tt:Name>PTZ</tt:Name><tt:NodeToken>PTZNode</tt:NodeToken></tr2:PTZ>'
          : '<tt:PTZConfiguration token="PTZToken"><tt:Name>PTZ</tt:Name><tt:NodeToken>PTZNode</tt:NodeToken></tt:PTZConfiguration>'
        : '';
      return media2
        ? `<tr2:Profiles token="${token}" fixed="true"><tr2:Name>${name}</tr2:Name>` +
            `<tr2:Configurations><tr2:VideoSource token="VSC"><tt:Name>VSC</tt:Name><tt:SourceToken>VideoSource_1</tt:SourceToken></tr2:VideoSource>` +
            `<tr2:VideoEncoder token="VE${i}" GovLength="${rate}"><tt:Name>VE${i}</tt:Name><tt:Encoding>${enc}</tt:Encoding>` +
            `<tt:Resolution><tt:Width>${width}</tt:Width><tt:Height>${height}</tt:Height></tt:Resolution>` +
            `<tt:RateControl><tt:FrameRateLimit>${rate}</tt:FrameRateLimit><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl></tr2:VideoEncoder>` +
            `${ptz}</tr2:Configurations></tr2:Profiles>`
        : `<trt:Profiles token="${token}" fixed="true"><tt:Name>${name}</tt:Name>` +
            `<tt:VideoSourceConfiguration token="VSC"><tt:Name>VSC</tt:Name><tt:SourceToken>VideoSource_1</tt:SourceToken></tt:VideoSourceConfiguration>` +
            `<tt:VideoEncoderConfiguration token="VE${i}"><tt:Name>VE${i}</tt:Name><tt:Encoding>${enc === 'H265' ? 'H265' : 'H264'}</tt:Encoding>` +
            `<tt:Resolution><tt:Width>${width}</tt:Width><tt:Height>${height}</tt:Height></tt:Resolution>` +
            `<tt:RateControl><tt:FrameRateLimit>${rate}</tt:FrameRateLimit><tt:BitrateLimit>2048</tt:BitrateLimit>` +
            `</tt:RateControl></tt:VideoEncoderConfiguration>` +
            `${ptz}</trt:Profiles>`;
    })
    .join('');
}

/** The answer body of a Device or Media operation; undefined when the operation is not one of them. */
export function deviceAnswer(operation: string, body: string, c: DeviceContext): string | undefined {
  const v = c.vendor;
  const t = c.now;
  switch (operation) {
    case 'GetSystemDateAndTime':
      return (
        `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>` +
        `<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone>` +
        `<tt:UTCDateTime><tt:Time><tt:Hour>${t.getUTCHours()}</tt:Hour><tt:Minute>${t.getUTCMinutes()}</tt:Minute>` +
        `<tt:Second>${t.getUTCSeconds()}</tt:Second></tt:Time>` +
        `<tt:Date><tt:Year>${t.getUTCFullYear()}</tt:Year><tt:Month>${t.getUTCMonth() + 1}</tt:Month><tt:Day>${t.getUTCDate()}</tt:Day>` +
        `</tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
      );
    case 'GetDeviceInformation':
      return (
        `<tds:GetDeviceInformationResponse><tds:Manufacturer>${v.manufacturer}</tds:Manufacturer><tds:Model>${v.model}</tds:Model>` +
        `<tds:FirmwareVersion>${v.firmware}</tds:FirmwareVersion><tds:SerialNumber>SIM${String(c.index).padStart(6, '0')}</tds:SerialNumber>` +
        `<tds:HardwareId>${v.id}</tds:HardwareId></tds:GetDeviceInformationResponse>`
      );
    case 'GetServices': {
      const s = (ns: string, path: string): string =>
        `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${c.svc(path)}</tds:XAddr>` +
        `<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
      return (
        `<tds:GetServicesResponse>${s('http://www.onvif.org/ver10/device/wsdl', v.paths.device)}` +
        `${s('http://www.onvif.org/ver10/media/wsdl', v.paths.media)}${s('http://www.onvif.org/ver20/media/wsdl', v.paths.media2)}` +
        `${c.ptz ? s('http://www.onvif.org/ver20/ptz/wsdl', v.paths.ptz) : ''}` +
        `${s('http://www.onvif.org/ver10/events/wsdl', v.paths.events)}</tds:GetServicesResponse>`
      );
    }
    case 'GetCapabilities':
      return (
        `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${c.svc(v.paths.device)}</tt:XAddr></tt:Device>` +
        `<tt:Events><tt:XAddr>${c.svc(v.paths.events)}</tt:XAddr><tt:WSPullPointSupport>true</tt:WSPullPointSupport></tt:Events>` +
        `<tt:Media><tt:XAddr>${c.svc(v.paths.media)}</tt:XAddr></tt:Media>` +
        `${c.ptz ? `<tt:PTZ><tt:XAddr>${c.svc(v.paths.ptz)}</tt:XAddr></tt:PTZ>` : ''}</tds:Capabilities></tds:GetCapabilitiesResponse>`
      );
    case 'GetProfiles':
      return body.includes('ver20/media/wsdl') && /<tr2:GetProfiles/.test(body)
        ? `<tr2:GetProfilesResponse>${profileXml(c, true)}</tr2:GetProfilesResponse>`
        : `<trt:GetProfilesResponse>${profileXml(c, false)}</trt:GetProfilesResponse>`;
    case 'GetStreamUri': {
      const uri = c.streamUri;
      return /<tr2:GetStreamUri/.test(body)
        ? `<tr2:GetStreamUriResponse><tr2:Uri>${uri}</tr2:Uri></tr2:GetStreamUriResponse>`
        : `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${uri}</tt:Uri>` +
            `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>` +
            `<tt:Timeout>PT60S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
    }
    case 'GetSnapshotUri': {
      const uri = c.snapshotUri;
      return /<tr2:GetSnapshotUri/.test(body)
        ? `<tr2:GetSnapshotUriResponse><tr2:Uri>${uri}</tr2:Uri></tr2:GetSnapshotUriResponse>`
        : `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${uri}</tt:Uri>` +
            `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>` +
            `<tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
    }
    default:
      return undefined;
  }
}
