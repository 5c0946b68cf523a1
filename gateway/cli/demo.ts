// cloudeye demo: simulated cameras + gateway on the embedded database + the demo city, one command.
import { loadConfig, type Config } from '../../config/load';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startSimCameras } from '../../sim/cameras/sim-cameras';
import { DEMO_PASSWORD, DEMO_CAMERA_PASSWORD, DEMO_CAMERA_USER, demoDeviceOptions, seedDemo } from '../../sim/seed';
import path from 'node:path';
import { CONFIG_FLAG, intFlag, parseArgs, strFlag, UsageError, type CommandSpec } from './args';
import { waitForStop } from './stop-signals';
import { DEMO_ONVIF_BASE_PORT, DEMO_RTSP_PORT, demoCodec, demoSimTargets } from './demo-sims';
import { withDemoMap } from './demo-map';
import { DEMO_RECORDED, seedDemoRecording, withDemoRecording } from './demo-recording';
import { startDemoEvents } from '../../sim/events/demo-events';
import { DEMO_ALARM_POINTS, DEMO_CHECKPOINTS } from '../../sim/events/demo-points';
import { Mosquitto } from '../../sim/events/mosquitto';
import { seedDemoWall } from './demo-wall';
import { DEMO_GB_SIP_PORT, startDemoNvr, withDemoGb } from './demo-gb';

export const DEMO: CommandSpec = {
  name: 'cloudeye demo',
  synopsis:
    '[--port N] [--cameras N] [--record N] [--rtsp-port P] [--onvif-port P] [--gb-port P] [--broker URL] [--config FILE]',
  flags: {
    port: { kind: 'value', arg: 'N', about: 'HTTP port (default: server.port, 8080; 0 = any free port)' },
    cameras: { kind: 'value', arg: 'N', about: 'simulated cameras in the demo city (default 240)' },
    record: {
      kind: 'value',
      arg: 'N',
      about: `cameras recorded continuously into ./data/recordings, 1 GiB quota (default ${DEMO_RECORDED}; 0 = none)`,
    },
    'rtsp-port': { kind: 'value', arg: 'P', about: `the simulated RTSP server's port (default ${DEMO_RTSP_PORT})` },
    'gb-port': {
      kind: 'value',
      arg: 'P',
      about: `the GB/T 28181 SIP port (UDP and TCP) the demo NVR registers with (default ${DEMO_GB_SIP_PORT})`,
    },
    'onvif-port': {
      kind: 'value',
      arg: 'P',
      about: `first camera's ONVIF port, one per camera (default ${DEMO_ONVIF_BASE_PORT})`,
    },
    broker: {
      kind: 'value',
      arg: 'URL',
      about: "the alarm boxes' MQTT broker (default: a Mosquitto of the demo's own on a free port)",
    },
    ...CONFIG_FLAG,
  },
};

export async function demoCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, DEMO);
  const port = intFlag(args, 'port', -1, 0, 65535);
  const count = intFlag(args, 'cameras', 240, 1, 2000);
  const file = strFlag(args, 'config');
  const record = intFlag(args, 'record', DEMO_RECORDED, 0, 2000);
  const rtspPort = intFlag(args, 'rtsp-port', DEMO_RTSP_PORT, 1, 65535);
  const onvifPort = intFlag(args, 'onvif-port', DEMO_ONVIF_BASE_PORT, 1, 65535 - count);
  const gbPort = intFlag(args, 'gb-port', DEMO_GB_SIP_PORT, 0, 65535);
  const brokerUrl = strFlag(args, 'broker');
  if (brokerUrl !== undefined && !/^mqtts?:\/\/[^\s]+$/.test(brokerUrl))
    throw new UsageError(`cloudeye demo: --broker ${brokerUrl}: an mqtt:// or mqtts:// URL`);
  const config = withDemoGb(demoConfig(file, port), gbPort);
  const codecs = Array.from({ length: 8 }, (_, i) => demoCodec(i)).join(',');
  process.stdout.write(
    `starting ${count} simulated cameras (RTSP 127.0.0.1:${rtspPort}, ONVIF from port ${onvifPort}) …\n`,
  );
  // stop signals are handled from here on: a Ctrl-C while the demo starts stops it too (within the deadline)
  const stop = waitForStop();
  const stops: Array<() => Promise<void>> = [];
  try {
    const rtsp = new RtspProcess({ port: rtspPort, host: '127.0.0.1', count, codec: codecs });
    stops.push(() => rtsp.close());
    await rtsp.start();
    const sims = await startSimCameras({
      count,
      codec: codecs,
      host: '127.0.0.1',
      rtspPort,
      basePort: onvifPort,
      username: DEMO_CAMERA_USER,
      password: DEMO_CAMERA_PASSWORD,
      ...demoDeviceOptions(count),
    });
    stops.push(() => sims.close());
    // the alarm boxes' broker outlives the gateway in the stop order, so its MQTT sources close quietly
    let broker = brokerUrl;
    if (broker === undefined) {
      const own = new Mosquitto({
        dir: path.join(path.dirname(path.resolve(config.database.embedded.dataDir)), 'mqtt'),
      });
      stops.push(() => own.close());
      await own.start();
      broker = own.url;
    }
    const { startGateway } = await import('../main');
    const gw = await startGateway(config);
    stops.push(() => gw.close());
    const seeded = await seedDemo(gw.db, gw.services.box, demoSimTargets(rtspPort, onvifPort), count);
    if (seeded.created) await gw.reload();
    const recorded = await seedDemoRecording(gw.services.recordings, await gw.repos.cameras.all(), record);
    if (recorded.length)
      process.stdout.write(
        `recording ${recorded.length} cameras (sub stream) into ${config.recording.volumes[0]!.path}: ` +
          'their timelines hold footage from the first minute\n',
      );
    const events = await startDemoEvents({
      base: gw.url,
      brokerUrl: broker,
      password: () => DEMO_PASSWORD,
      log: (level, msg) => void process.stderr.write(`${level}: ${msg}\n`),
    });
    stops.push(() => events.close());
    // a simulated GB/T 28181 NVR fronting the first four simulated cameras (H.264): its channels join the map as
    // cameras and play like the others
    const sip = gw.services.gb!.server.endpoint;
    const nvr = await startDemoNvr(config, config.gb28181.tcpPort || sip.tcpPort, (i) => rtsp.url(i % count, 'main'));
    stops.push(() => nvr.close());
    const screens = await seedDemoWall(gw.db.knex, gw.services.wall.wall, gw.url);
    process.stdout.write(
      `command-center wall (police): open each link once in the browser of its wall monitor (pairs it):\n` +
        screens.map((s) => `  ${s.name}: ${s.url}\n`).join('') +
        `  drive it from the console's 大屏墙 / Wall page as police.operator\n`,
    );
    process.stdout.write(
      `${seeded.created ? 'demo city seeded' : 'demo city already present'}: ${seeded.cameras} cameras around Changde 常德\n` +
        `users (password "${DEMO_PASSWORD}"): ${seeded.users.map((u) => u.username).join(', ')}\n` +
        `event simulators: ${DEMO_CHECKPOINTS.length} ANPR checkpoints (signed webhooks), ` +
        `${DEMO_ALARM_POINTS.length} alarm boxes (MQTT, ${broker})\n` +
        `GB/T 28181: platform ${config.gb28181.id} on 127.0.0.1:${sip.tcpPort}, ` +
        `NVR ${nvr.opts.id} with ${nvr.opts.channels.length} channels registered\n` +
        `Cloud Eye console: ${gw.url}\n`,
    );
    await stop.requested;
    return 0;
  } finally {
    // the gateway first (it closes its streams and database), then the cameras it was watching
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
    stop.done();
  }
}

/**
 * The demo's configuration: the file's (or the defaults), the demo map, health checks (its cameras are all on
 * loopback, so checking them is safe) and recording on, beside the embedded database (./data/recordings) with a
 * small quota.
 */
export function demoConfig(file: string | undefined, port = -1): Config {
  const config = loadConfig({
    ...(file ? { file } : {}),
    overrides: { health: { enabled: true }, ...(port >= 0 ? { server: { port } } : {}) },
  });
  return withDemoMap(withDemoRecording(config, !!file));
}
