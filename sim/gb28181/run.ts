// CLI: run a simulated GB/T 28181 IPC or NVR against a platform until stdin closes; prints "READY <json>" once registered.
// npx tsx sim/gb28181/run.ts --server 127.0.0.1:5060 --server-id 34020000002000000001 --id 34020000001110000001 \
//   [--channels 4] [--transport udp|tcp] [--password 12345678] [--keepalive-s 60] [--charset GB2312|UTF-8] [--lng 111.69 --lat 29.03]
import { parseArgs } from 'node:util';
import { SimGbDevice, type SimChannel } from './device';

const { values: v } = parseArgs({
  options: {
    server: { type: 'string', default: '127.0.0.1:5060' },
    'server-id': { type: 'string', default: '34020000002000000001' },
    id: { type: 'string', default: '34020000001320000001' },
    channels: { type: 'string', default: '1' },
    transport: { type: 'string', default: 'udp' },
    password: { type: 'string', default: '12345678' },
    'keepalive-s': { type: 'string', default: '60' },
    charset: { type: 'string', default: 'GB2312' },
    lng: { type: 'string', default: '111.69' },
    lat: { type: 'string', default: '29.03' },
  },
});

const [host = '127.0.0.1', port = '5060'] = v.server!.split(':');
const id = v.id!;
const count = Number(v.channels);
if (!/^\d{20}$/.test(id) || !Number.isInteger(count) || count < 1 || count > 999) {
  process.stderr.write('sim gb28181: --id must be 20 digits and --channels 1–999\n');
  process.exit(2);
}
// channel ids: the device id's first 10 digits, type 131 (camera), a serial
const channels: SimChannel[] = Array.from({ length: count }, (_, i) => ({
  id: `${id.slice(0, 10)}131${id.slice(14, 17)}${String(i + 1).padStart(4, '0')}`,
  name: count === 1 ? 'IPC' : `NVR 通道 ${i + 1}`,
  longitude: Number(v.lng) + i * 0.001,
  latitude: Number(v.lat),
  ptzType: i === 0 ? 1 : 3,
}));
const device = new SimGbDevice({
  id,
  name: count === 1 ? 'SimGB IPC' : 'SimGB NVR',
  model: count === 1 ? 'SIM-IPC' : 'SIM-NVR',
  channels,
  server: { host, port: Number(port), id: v['server-id']!, realm: v['server-id']!.slice(0, 10) },
  password: v.password!,
  transport: v.transport === 'tcp' ? 'tcp' : 'udp',
  keepaliveS: Number(v['keepalive-s']),
  charset: v.charset === 'UTF-8' ? 'UTF-8' : 'GB2312',
});
device.on('ptz', (p: unknown) => process.stdout.write(`PTZ ${JSON.stringify(p)}\n`));
await device.start();
process.stdout.write(`READY ${JSON.stringify({ id, channels: channels.map((c) => c.id) })}\n`);
const stop = async (): Promise<void> => {
  await device.close();
  process.exit(0);
};
process.stdin.resume();
process.stdin.on('end', () => void stop());
process.on('SIGTERM', () => void stop());
