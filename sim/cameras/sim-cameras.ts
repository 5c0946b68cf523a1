// startSimCameras: N simulated ONVIF cameras + the RTSP server + a WS-Discovery responder, one close().
import { randomUUID } from 'node:crypto';
import { RtspProcess } from './rtsp-process';
import { SimOnvifCamera, type SimCameraOptions } from './onvif-camera';
import { WsdResponder } from './discovery-responder';
import { VENDOR_IDS, type Vendor } from './vendors';

/** Options of startSimCameras. */
export interface SimCamerasOptions {
  count: number;
  /** 'h264', 'h265' or 'h264,h265' (cycled over cameras). */
  codec: string;
  /** Address(es) the ONVIF servers listen on; cameras are spread round-robin. Default '127.0.0.1'. */
  host?: string | string[];
  /** Port of an RTSP server already running (rtsp_server.py); when absent one is started (any free port). */
  rtspPort?: number;
  /** Address of the RTSP server in stream URIs. Default: the first host. */
  rtspHost?: string;
  /** false = start no RTSP server (stream URIs still point at rtspPort or 8554). Default true. */
  rtsp?: boolean;
  /** Protect the RTSP server with username/password too (Digest + Basic). Default false. */
  rtspAuth?: boolean;
  /** First ONVIF port; camera i uses basePort + i (per host when several hosts). Default 0 = free ports. */
  basePort?: number;
  username: string;
  password: string;
  clockOffsetS?: number;
  /** Vendors cycled over cameras. Default ['hikvision', 'dahua', 'axis']. */
  vendorMix?: Vendor['id'][];
  /** WS-Discovery responder: port (default 3702) and multicast interface; false = none. Default false. */
  discovery?: false | { port?: number; multicastInterface?: string };
  /** Per-camera option overrides (e.g. hostile modes, digest auth). */
  perCamera?: (index: number) => Partial<SimCameraOptions>;
}

/** One started camera as tests and the demo see it. */
export interface SimCameraInfo {
  index: number;
  host: string;
  port: number;
  xaddr: string;
  endpoint: string;
  vendor: Vendor['id'];
  codec: 'h264' | 'h265';
  rtspMain: string;
  rtspSub: string;
  ptz: boolean;
  camera: SimOnvifCamera;
}

export interface SimCameras {
  cameras: SimCameraInfo[];
  rtsp?: RtspProcess;
  discovery?: WsdResponder;
  /** Stops everything (idempotent): responder, ONVIF servers, RTSP process. */
  close(): Promise<void>;
}

/** Starts the cameras; on failure everything already started is closed before rethrowing. */
export async function startSimCameras(o: SimCamerasOptions): Promise<SimCameras> {
  const hosts = Array.isArray(o.host) ? o.host : [o.host ?? '127.0.0.1'];
  const codecs = o.codec.split(',') as Array<'h264' | 'h265'>;
  const vendors = o.vendorMix ?? VENDOR_IDS;
  const started: { cameras: SimOnvifCamera[]; rtsp?: RtspProcess; discovery?: WsdResponder } = { cameras: [] };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await started.discovery?.close();
      await Promise.all(started.cameras.map((c) => c.close()));
      await started.rtsp?.close();
    })());
  try {
    let rtspPort = o.rtspPort ?? 8554;
    const rtspHost = o.rtspHost ?? hosts[0]!;
    if (o.rtsp !== false && o.rtspPort === undefined) {
      started.rtsp = new RtspProcess({
        count: o.count,
        codec: o.codec,
        host: rtspHost,
        port: 0,
        ...(o.rtspAuth ? { user: o.username, password: o.password } : {}),
      });
      await started.rtsp.start();
      rtspPort = started.rtsp.port;
    }
    const infos: SimCameraInfo[] = [];
    for (let i = 0; i < o.count; i++) {
      const host = hosts[i % hosts.length]!;
      const slot = Math.floor(i / hosts.length);
      const cam = new SimOnvifCamera({
        index: i,
        host,
        port: o.basePort ? o.basePort + slot : 0,
        vendor: vendors[i % vendors.length]!,
        codec: codecs[i % codecs.length]!,
        rtspMain: `rtsp://${rtspHost}:${rtspPort}/cam/${i}/main`,
        rtspSub: `rtsp://${rtspHost}:${rtspPort}/cam/${i}/sub`,
        username: o.username,
        password: o.password,
        rtspAuth: o.rtspAuth === true,
        clockOffsetS: o.clockOffsetS ?? 0,
        ...o.perCamera?.(i),
      });
      started.cameras.push(cam);
      await cam.start();
      infos.push({
        index: i,
        host,
        port: cam.port,
        xaddr: cam.xaddr,
        endpoint: `urn:uuid:${randomUUID()}`,
        vendor: cam.vendor.id,
        codec: cam.opts.codec,
        rtspMain: cam.opts.rtspMain,
        rtspSub: cam.opts.rtspSub,
        ptz: cam.ptz,
        camera: cam,
      });
    }
    if (o.discovery) {
      started.discovery = new WsdResponder({
        devices: infos.map((c) => ({
          endpoint: c.endpoint,
          host: c.host,
          xaddr: c.xaddr,
          scopes: [
            'onvif://www.onvif.org/Profile/Streaming',
            `onvif://www.onvif.org/name/${encodeURIComponent(`${c.camera.vendor.manufacturer} SIM-${c.index}`)}`,
            `onvif://www.onvif.org/hardware/${c.camera.vendor.model}`,
          ],
        })),
        ...(o.discovery.port !== undefined ? { port: o.discovery.port } : {}),
        ...(o.discovery.multicastInterface ? { multicastInterface: o.discovery.multicastInterface } : {}),
      });
      await started.discovery.start();
    }
    return {
      cameras: infos,
      ...(started.rtsp ? { rtsp: started.rtsp } : {}),
      ...(started.discovery ? { discovery: started.discovery } : {}),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
