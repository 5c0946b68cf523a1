// Where the demo's simulated cameras listen: fixed loopback ports so the seeded URIs stay valid across runs.

export const DEMO_RTSP_PORT = 18554;
export const DEMO_ONVIF_BASE_PORT = 18600;
/** Every 8th demo camera is H.265, so the transcoding path shows in the demo too. */
export const demoCodec = (i: number): 'h264' | 'h265' => (i % 8 === 7 ? 'h265' : 'h264');

export function demoSimTargets(rtspPort = DEMO_RTSP_PORT, onvifBasePort = DEMO_ONVIF_BASE_PORT) {
  return {
    rtspHost: '127.0.0.1',
    rtspPort,
    xaddr: (i: number) => `http://127.0.0.1:${onvifBasePort + i}/onvif/device_service`,
    codec: demoCodec,
  };
}
