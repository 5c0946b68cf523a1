// The SDP of GB/T 28181 INVITEs (§9.2, annex F): one video m= line, RTP over UDP or TCP (RFC 4571/4145 setup), y= SSRC and f= media description.
import { GbMediaError } from './errors';

export type MediaTransport = 'udp' | 'tcp-passive' | 'tcp-active';

export interface GbSdp {
  /** o= username: the id of whoever sends this SDP. */
  origin: string;
  /** s=: Play, Playback, Download, Talk (or a device's name, as some answer). */
  session: string;
  /** Address of c= (media address). */
  address: string;
  port: number;
  /** udp for RTP/AVP; tcp-active / tcp-passive for TCP/RTP/AVP by a=setup. */
  transport: MediaTransport;
  /** a=rtpmap payload type → encoding name (PS, H264, H265/HEVC, MPEG4). */
  rtpmap: Record<number, string>;
  /** sendonly / recvonly / sendrecv. */
  direction?: string;
  /** y=: 10 decimal digits, the SSRC in decimal (first digit 0 live, 1 playback). */
  ssrc?: string;
  /** f=: v/codec/resolution/framerate/rate-type/bitrate a/… */
  format?: string;
  /** t= start and end: Unix seconds for Playback/Download (as GB/T 28181 peers send them), 0 0 for live. */
  time?: [number, number];
  /** u= of Playback/Download: `<channel id>:<type>` (the channel whose footage is asked for). */
  uri?: string;
  /** a=downloadspeed: the speed a Download asks the device to send at (1–32 in practice). */
  downloadSpeed?: number;
}

/** Parses a GB/T 28181 SDP (lines in any order, as devices send; c= may follow m=). */
export function parseSdp(text: string): GbSdp {
  const sdp: Partial<GbSdp> & { rtpmap: Record<number, string> } = { rtpmap: {} };
  let proto = '';
  let setup = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (eq !== 1) continue;
    const k = line[0];
    const v = line.slice(2).trim();
    if (k === 'o') sdp.origin = v.split(/\s+/)[0] ?? '';
    else if (k === 's') sdp.session = v;
    else if (k === 'u') sdp.uri = v;
    else if (k === 'c') sdp.address = v.split(/\s+/)[2] ?? '';
    else if (k === 't') {
      const [a, b] = v.split(/\s+/).map(Number);
      sdp.time = [a ?? 0, b ?? 0];
    } else if (k === 'm' && v.startsWith('video')) {
      const parts = v.split(/\s+/);
      sdp.port = Number(parts[1]);
      proto = (parts[2] ?? '').toUpperCase();
    } else if (k === 'y') sdp.ssrc = v;
    else if (k === 'f') sdp.format = v;
    else if (k === 'a') {
      const m = /^rtpmap:(\d+)\s+([^/\s]+)/.exec(v);
      if (m) sdp.rtpmap[Number(m[1])] = (m[2] ?? '').toUpperCase();
      else if (v.startsWith('setup:')) setup = v.slice(6).trim();
      else if (v.startsWith('downloadspeed:')) sdp.downloadSpeed = Number(v.slice(14).trim());
      else if (/^(sendonly|recvonly|sendrecv|inactive)$/.test(v)) sdp.direction = v;
    }
  }
  if (sdp.port === undefined || !Number.isInteger(sdp.port) || sdp.port < 0 || sdp.port > 65535)
    throw new GbMediaError('SDP has no usable m=video port', text.slice(0, 200));
  if (!sdp.address) throw new GbMediaError('SDP has no c= address', text.slice(0, 200));
  if (sdp.downloadSpeed !== undefined && !(Number.isInteger(sdp.downloadSpeed) && sdp.downloadSpeed >= 1))
    throw new GbMediaError('SDP a=downloadspeed is not a positive integer', String(sdp.downloadSpeed));
  if (sdp.time && sdp.time.some((t) => !Number.isInteger(t) || t < 0))
    throw new GbMediaError('SDP t= is not two non-negative integers', sdp.time.join(' '));
  if (sdp.ssrc !== undefined && !/^\d{1,10}$/.test(sdp.ssrc))
    throw new GbMediaError('SDP y= is not a decimal SSRC', sdp.ssrc);
  const transport: MediaTransport = proto.startsWith('TCP')
    ? setup === 'active'
      ? 'tcp-active'
      : 'tcp-passive'
    : 'udp';
  return {
    origin: sdp.origin ?? '',
    session: sdp.session ?? '',
    address: sdp.address,
    port: sdp.port,
    transport,
    ...sdp,
  } as GbSdp;
}

/** What a Playback/Download INVITE asks for: a channel's footage over [start, end] (Unix seconds). */
export interface RecordedRange {
  kind: 'Playback' | 'Download';
  /** Channel whose footage is asked for (the u= line). */
  channelId: string;
  startS: number;
  endS: number;
  /** Download only: a=downloadspeed. Default 1. */
  downloadSpeed?: number;
}

export interface SdpOffer {
  origin: string;
  session?: 'Play' | 'Playback' | 'Download';
  /** Playback/Download: the u= and t= lines (and a=downloadspeed) of the offer; s= follows its kind. */
  recorded?: RecordedRange;
  address: string;
  port: number;
  transport: MediaTransport;
  ssrc: string;
  direction: 'recvonly' | 'sendonly';
}

/** Builds an offer (platform, recvonly) or answer (device, sendonly) with PS/H264/H265 rtpmaps. */
export function buildSdp(o: SdpOffer): string {
  const tcp = o.transport !== 'udp';
  const lines = [
    'v=0',
    `o=${o.origin} 0 0 IN IP4 ${o.address}`,
    `s=${o.recorded?.kind ?? o.session ?? 'Play'}`,
    ...(o.recorded ? [`u=${o.recorded.channelId}:0`] : []),
    `c=IN IP4 ${o.address}`,
    o.recorded ? `t=${o.recorded.startS} ${o.recorded.endS}` : 't=0 0',
    `m=video ${o.port} ${tcp ? 'TCP/RTP/AVP' : 'RTP/AVP'} 96 98 99`,
    `a=${o.direction}`,
    'a=rtpmap:96 PS/90000',
    'a=rtpmap:98 H264/90000',
    'a=rtpmap:99 H265/90000',
  ];
  if (o.recorded?.kind === 'Download') lines.push(`a=downloadspeed:${o.recorded.downloadSpeed ?? 1}`);
  if (tcp) lines.push(`a=setup:${o.transport === 'tcp-active' ? 'active' : 'passive'}`, 'a=connection:new');
  lines.push(`y=${o.ssrc}`, '');
  return lines.join('\r\n');
}
