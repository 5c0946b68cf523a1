// Parsers for Media (ver10) and Media2 (ver20) answers: profiles and stream/snapshot URIs.
import { OnvifResponseError } from './errors';
import { attr, kid, kids, num, soapBody, text, type XNode } from './xml';

/** Video codec of a profile, normalised; 'unknown' when the device leaves Encoding out (Lorex). */
export type VideoEncoding = 'H264' | 'H265' | 'JPEG' | 'MPEG4' | 'unknown';

/** One media profile as the gateway needs it. `fps` is the frame-rate limit (frames/s). */
export interface MediaProfile {
  token: string;
  name: string;
  encoding: VideoEncoding;
  width?: number;
  height?: number;
  fps?: number;
  /** The profile carries a PTZ configuration (so PTZ calls with this token can work). */
  ptz: boolean;
  videoSourceToken?: string;
  /** Which service listed it: 1 = Media, 2 = Media2. */
  service: 1 | 2;
}

/** Maps vendor spellings to VideoEncoding. */
export function normEncoding(e: string | undefined): VideoEncoding {
  const v = (e ?? '').trim().toUpperCase();
  if (v === 'H264' || v === 'H.264' || v === 'AVC') return 'H264';
  if (v === 'H265' || v === 'H.265' || v === 'HEVC') return 'H265';
  if (v === 'JPEG' || v === 'MJPEG' || v === 'MJPG') return 'JPEG';
  if (v === 'MPEG4' || v === 'MPV4-ES' || v === 'MP4V-ES') return 'MPEG4';
  return 'unknown';
}

function profile(p: unknown, service: 1 | 2): MediaProfile {
  const cfg = service === 2 ? kid(p, 'Configurations') : p;
  const enc = service === 2 ? kid(cfg, 'VideoEncoder') : kid(p, 'VideoEncoderConfiguration');
  const token = attr(p, 'token') ?? '';
  const width = num(enc, 'Resolution', 'Width');
  const height = num(enc, 'Resolution', 'Height');
  const fps = num(enc, 'RateControl', 'FrameRateLimit');
  const vs = service === 2 ? kid(cfg, 'VideoSource') : kid(p, 'VideoSourceConfiguration');
  const videoSourceToken = text(vs, 'SourceToken');
  return {
    token,
    name: text(p, 'Name') ?? token,
    encoding: normEncoding(text(enc, 'Encoding')),
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(fps !== undefined ? { fps } : {}),
    ptz: (service === 2 ? kid(cfg, 'PTZ') : kid(p, 'PTZConfiguration')) !== undefined,
    ...(videoSourceToken ? { videoSourceToken } : {}),
    service,
  };
}

/** Reads a Media1 or Media2 GetProfilesResponse (the service is recognised from the shape). */
export function parseProfiles(doc: XNode): MediaProfile[] {
  const r = kid(soapBody(doc), 'GetProfilesResponse');
  if (r === undefined) throw new OnvifResponseError('GetProfiles', 'no GetProfilesResponse');
  return kids(r, 'Profiles')
    .map((p) => {
      const media2 =
        kid(p, 'Configurations') !== undefined ||
        (kid(p, 'VideoEncoderConfiguration') === undefined &&
          kid(p, 'VideoSourceConfiguration') === undefined &&
          kid(p, 'PTZConfiguration') === undefined);
      return profile(p, media2 ? 2 : 1);
    })
    .filter((p) => p.token !== '');
}

/** Reads the URI of GetStreamUri/GetSnapshotUri for Media1 (MediaUri/Uri) or Media2 (bare Uri). */
export function parseMediaUri(doc: XNode, operation: 'GetStreamUri' | 'GetSnapshotUri'): string {
  const r = kid(soapBody(doc), `${operation}Response`);
  const uri = text(r, 'MediaUri', 'Uri') ?? text(r, 'Uri');
  if (!uri) throw new OnvifResponseError(operation, 'no Uri in the response');
  return uri;
}
