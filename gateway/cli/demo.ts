// cloudeye demo: simulated cameras + gateway on the embedded database + the demo city, one command.
import { loadConfig } from '../../config/load';
import { RtspProcess } from '../../scripts/simcam/rtsp-process';
import { startSimCameras } from '../../scripts/simcam/sim-cameras';
import { demoDeviceOptions } from '../../scripts/seed';
import { DEMO_PASSWORD, DEMO_CAMERA_PASSWORD, DEMO_CAMERA_USER, seedDemo } from '../../scripts/seed';
import { intFlag, parseArgs, strFlag } from './args';
import { DEMO_ONVIF_BASE_PORT, DEMO_RTSP_PORT, demoCodec, demoSimTargets } from './demo-sims';
import { withDemoMap } from './demo-map';

export async function demoCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const port = intFlag(args, 'port', -1, 0, 65535);
  const count = intFlag(args, 'cameras', 240, 1, 2000);
  const file = strFlag(args, 'config');
  const rtspPort = intFlag(args, 'rtsp-port', DEMO_RTSP_PORT, 1, 65535);
  const onvifPort = intFlag(args, 'onvif-port', DEMO_ONVIF_BASE_PORT, 1, 65535 - count);
  // the demo's cameras are all on loopback, so health checking is safe to switch on
  const config = withDemoMap(loadConfig({ ...(file ? { file } : {}), overrides: { health: { enabled: true }, ...(port >= 0 ? { server: { port } } : {}) } }));
  const codecs = Array.from({ length: 8 }, (_, i) => demoCodec(i)).join(',');
  process.stdout.write(`starting ${count} simulated cameras (RTSP 127.0.0.1:${rtspPort}, ONVIF from port ${onvifPort}) …\n`);
  const rtsp = new RtspProcess({ port: rtspPort, host: '127.0.0.1', count, codec: codecs });
  await rtsp.start();
  const stops: Array<() => Promise<void>> = [() => rtsp.close()];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const sims = await startSimCameras({ count, codec: codecs, host: '127.0.0.1', rtspPort, basePort: onvifPort, username: DEMO_CAMERA_USER, password: DEMO_CAMERA_PASSWORD, ...demoDeviceOptions(count) });
    stops.push(() => sims.close());
    const { startGateway } = await import('../main');
    const gw = await startGateway(config);
    stops.push(() => gw.close());
    const seeded = await seedDemo(gw.db, gw.services.box, demoSimTargets(rtspPort, onvifPort), count);
    if (seeded.created) await gw.reload();
    process.stdout.write(
      `${seeded.created ? 'demo city seeded' : 'demo city already present'}: ${seeded.cameras} cameras around Changde 常德\n` +
        `users (password "${DEMO_PASSWORD}"): ${seeded.users.map((u) => u.username).join(', ')}\n` +
        `Cloud Eye console: ${gw.url}\n`,
    );
    await new Promise<void>((resolve) => {
      // on, not once: see serve.ts
      process.on('SIGINT', () => resolve());
      process.on('SIGTERM', () => resolve());
    });
    return 0;
  } finally {
    await stopAll();
  }
}
