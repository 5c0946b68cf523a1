// CLI: run simulated ONVIF cameras (+ WS-Discovery responder) until stdin closes; prints "READY <json>".
// npx tsx sim/cameras/run.ts --count 25 --hosts 10.201.1.10,10.201.1.11 --base-port 8000 \
//   [--codec h264] [--no-rtsp --rtsp-port 8554] [--discovery-port 3702] [--multicast-interface 10.201.1.10]
import { parseArgs } from 'node:util';
import { startSimCameras } from './sim-cameras';

const { values: v } = parseArgs({
  options: {
    count: { type: 'string', default: '4' },
    codec: { type: 'string', default: 'h264' },
    hosts: { type: 'string', default: '127.0.0.1' },
    'base-port': { type: 'string', default: '0' },
    'no-rtsp': { type: 'boolean', default: false },
    'rtsp-port': { type: 'string' },
    username: { type: 'string', default: 'admin' },
    password: { type: 'string', default: 'admin123' },
    'clock-offset-s': { type: 'string', default: '0' },
    'discovery-port': { type: 'string' },
    'multicast-interface': { type: 'string' },
  },
});

const sim = await startSimCameras({
  count: Number(v.count),
  codec: v.codec!,
  host: v.hosts!.split(','),
  basePort: Number(v['base-port']),
  ...(v['no-rtsp'] ? { rtsp: false } : {}),
  ...(v['rtsp-port'] ? { rtspPort: Number(v['rtsp-port']) } : {}),
  username: v.username!,
  password: v.password!,
  clockOffsetS: Number(v['clock-offset-s']),
  discovery:
    v['discovery-port'] || v['multicast-interface']
      ? {
          port: Number(v['discovery-port'] ?? 3702),
          ...(v['multicast-interface'] ? { multicastInterface: v['multicast-interface'] } : {}),
        }
      : false,
});
const info = sim.cameras.map(({ camera: _c, ...rest }) => rest);
process.stdout.write(`READY ${JSON.stringify(info)}\n`);
const stop = async (): Promise<void> => {
  await sim.close();
  process.exit(0);
};
process.stdin.resume();
process.stdin.on('end', () => void stop());
process.on('SIGTERM', () => void stop());
