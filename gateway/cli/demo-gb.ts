// The demo city's GB/T 28181 part for `cloudeye demo`: the gateway's SIP server on, and a simulated NVR whose channels join the map.
import type { Config } from '../../config/load';
import { SimGbDevice, type SimChannel } from '../../sim/gb28181/device';
import { CENTER } from '../../sim/demo-city';

export const DEMO_GB_SIP_PORT = 15060;
/** Changde 常德 (civil code 430700), Wuling district 武陵区 (430702): the demo platform's and NVR's domain. */
export const DEMO_GB_REALM = '4307020000';
export const DEMO_GB_SERVER_ID = '43070200002000000001';
export const DEMO_GB_NVR_ID = '43070200001180000001';
const DEMO_GB_PASSWORD = 'gb-demo-pass';

/** The demo NVR's channels: cameras on Wuling's streets, one of them a dome (PTZ). */
export function demoGbChannels(count = 4): SimChannel[] {
  const names = ['武陵大道 球机', '人民路 枪机', '朗州路 枪机', '建设路 枪机', '洞庭大道 枪机', '柳叶大道 枪机'];
  return Array.from({ length: count }, (_, i) => ({
    id: `${DEMO_GB_REALM}131${String(i + 1).padStart(7, '0')}`,
    name: names[i % names.length]!,
    longitude: Number((CENTER[0] + 0.004 * Math.cos(i) - 0.006).toFixed(6)),
    latitude: Number((CENTER[1] + 0.004 * Math.sin(i) + 0.003).toFixed(6)),
    ptzType: i === 0 ? 1 : 3,
    civilCode: '430702',
  }));
}

/**
 * The config with GB/T 28181 on for the demo NVR (its channels in the police department), unless the
 * configuration turned it on itself (then unchanged: the NVR registers with what it says).
 */
export function withDemoGb(config: Config, sipPort = DEMO_GB_SIP_PORT): Config {
  if (config.gb28181.enabled) return config;
  return {
    ...config,
    gb28181: {
      ...config.gb28181,
      enabled: true,
      id: DEMO_GB_SERVER_ID,
      realm: DEMO_GB_REALM,
      host: '127.0.0.1',
      udpPort: sipPort,
      tcpPort: sipPort,
      devicePasswords: { ...config.gb28181.devicePasswords, [DEMO_GB_NVR_ID]: DEMO_GB_PASSWORD },
      civilCodes: { ...config.gb28181.civilCodes, '430702': 'police' },
    },
  };
}

/**
 * Starts the demo NVR (TCP signalling, keepalive every 20 s) registered with the gateway's SIP server. With
 * `rtspUrl`, channel i fronts that camera (pulled over RTSP, as an NVR pulls its IPCs); else each channel encodes a test picture.
 */
export async function startDemoNvr(
  config: Config,
  sipPort: number,
  rtspUrl?: (i: number) => string,
): Promise<SimGbDevice> {
  const g = config.gb28181;
  const nvr = new SimGbDevice({
    id: DEMO_GB_NVR_ID,
    name: '武陵区 演示 NVR',
    model: 'SIM-NVR',
    channels: demoGbChannels().map((c, i) => (rtspUrl ? { ...c, rtspUrl: rtspUrl(i) } : c)),
    server: { host: g.host === '0.0.0.0' ? '127.0.0.1' : g.host, port: sipPort, id: g.id, realm: g.realm },
    password: g.devicePasswords[DEMO_GB_NVR_ID] ?? g.password,
    transport: 'tcp',
    keepaliveS: Math.min(20, g.keepaliveIntervalS),
    video: { width: 640, height: 360, fps: 25 },
  });
  await nvr.start();
  return nvr;
}
