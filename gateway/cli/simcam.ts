// cloudeye simcam --count N --codec h264|h265 [--host A] [--onvif-port P] [--user U --password P] [--discovery]
import { startSimCameras } from '../../sim/cameras/sim-cameras';
import { waitForStop } from './stop-signals';
import { intFlag, parseArgs, strFlag, UsageError, type CommandSpec } from './args';

export const SIMCAM: CommandSpec = {
  name: 'cloudeye simcam',
  synopsis:
    '[--count N] [--codec h264|h265|mjpeg[,…]] [--host A] [--onvif-port P] [--user U --password P] [--discovery]',
  flags: {
    count: { kind: 'value', arg: 'N', about: 'how many cameras (default 4)' },
    codec: { kind: 'value', arg: 'C', about: 'h264, h265, mjpeg or a comma list cycled over cameras (default h264)' },
    host: { kind: 'value', arg: 'A', about: 'address to listen on (default 127.0.0.1)' },
    'onvif-port': {
      kind: 'value',
      arg: 'P',
      about: "first camera's ONVIF port, one per camera (default: any free ports)",
    },
    user: { kind: 'value', arg: 'U', about: 'ONVIF user (default admin)' },
    password: { kind: 'value', arg: 'P', about: 'ONVIF password (default admin123)' },
    discovery: { kind: 'switch', about: 'answer WS-Discovery probes too' },
    'discovery-port': { kind: 'value', arg: 'P', about: 'WS-Discovery port (default 3702)' },
  },
};

export async function simcamCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, SIMCAM);
  const count = intFlag(args, 'count', 4, 1, 5000);
  const codec = strFlag(args, 'codec', 'h264')!;
  if (!/^(h264|h265|mjpeg)(,(h264|h265|mjpeg))*$/.test(codec))
    throw new UsageError(`cloudeye simcam: --codec must be h264, h265, mjpeg or a comma list of them, got ${codec}`);
  const host = strFlag(args, 'host', '127.0.0.1')!;
  const basePort = intFlag(args, 'onvif-port', 0, 0, 65000);
  const username = strFlag(args, 'user', 'admin')!;
  const password = strFlag(args, 'password', 'admin123')!;
  const stop = waitForStop();
  try {
    const sims = await startSimCameras({
      count,
      codec: codec as string,
      host,
      basePort,
      username,
      password,
      discovery: args.flags.discovery
        ? { port: intFlag(args, 'discovery-port', 3702, 1, 65535), multicastInterface: host }
        : false,
    });
    process.stdout.write(`${count} simulated cameras (user ${username}); Ctrl-C stops them\n`);
    for (const c of sims.cameras)
      process.stdout.write(
        `  #${String(c.index).padEnd(4)} ${c.vendor.padEnd(10)} ${c.codec}  ${c.xaddr}  ${c.rtspMain}${c.ptz ? '  PTZ' : ''}\n`,
      );
    await stop.requested;
    await sims.close();
    return 0;
  } finally {
    stop.done();
  }
}
