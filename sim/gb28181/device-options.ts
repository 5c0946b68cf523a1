// Options of a simulated GB/T 28181 device: its channels, the platform it registers with, paging, media and footage.
import type { BodyCharset } from '../../gateway/gb28181/index';
import type { MediaSourceOptions } from './media-source';
import type { SimRecording } from './recordings';

export interface SimChannel {
  id: string;
  name: string;
  longitude?: number;
  latitude?: number;
  /** 1 dome, 3 fixed. */
  ptzType?: number;
  civilCode?: string;
  /** An RTSP camera the channel fronts (pulled all the time, as an NVR pulls its IPCs); else the device's own encoder. */
  rtspUrl?: string;
}

export interface SimGbDeviceOptions {
  id: string;
  name?: string;
  model?: string;
  channels: SimChannel[];
  server: { host: string; port: number; id: string; realm: string };
  /** Loopback address the device sends from (many devices on one machine each get their own). Default 127.0.0.1. */
  host?: string;
  password: string;
  transport?: 'udp' | 'tcp';
  /** Seconds between keepalives. Default 60. */
  keepaliveS?: number;
  expiresS?: number;
  /** Catalog items per MESSAGE. Default 4 (what many NVRs send). */
  catalogPageSize?: number;
  charset?: BodyCharset;
  video?: MediaSourceOptions;
  /** Channels that answer INVITE but never send media (a firewalled media path: the play-timeout case). */
  silentChannels?: string[];
  /** The NVR's own footage, answered to RecordInfo and sent on Playback/Download INVITEs. */
  recordings?: SimRecording[];
  /** RecordInfo items per MESSAGE. Default 10. */
  recordPageSize?: number;
  /** The device clock's UTC offset in minutes (MANSCDP times are local). Default 480 (China Standard Time). */
  utcOffsetMin?: number;
}
