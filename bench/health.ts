// Benchmark: one health-check cycle over 10,000 simulated ONVIF endpoints (100 loopback addresses × 100 ports).
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { HealthChecker, type HealthChange, type HealthTarget } from '../gateway/health/health-checker';

const ADDRS = 100; // 127.0.1.1 … 127.0.1.100
const PORTS = 100;
const SELF = fileURLToPath(import.meta.url);

const body = (inner: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>` +
  `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"` +
  ` xmlns:tt="http://www.onvif.org/ver10/schema"><env:Body>${inner}</env:Body></env:Envelope>`;
const INFO = body(
  '<tds:GetDeviceInformationResponse><tds:Manufacturer>HIKVISION</tds:Manufacturer><tds:Model>DS-BENCH</tds:Model>' +
    '<tds:FirmwareVersion>V5.6</tds:FirmwareVersion><tds:SerialNumber>B1</tds:SerialNumber>' +
    '<tds:HardwareId>88</tds:HardwareId></tds:GetDeviceInformationResponse>',
);
const clock = (): string => {
  const t = new Date();
  return body(
    `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>` +
      `<tt:UTCDateTime><tt:Time><tt:Hour>${t.getUTCHours()}</tt:Hour><tt:Minute>${t.getUTCMinutes()}</tt:Minute>` +
      `<tt:Second>${t.getUTCSeconds()}</tt:Second></tt:Time>` +
      `<tt:Date><tt:Year>${t.getUTCFullYear()}</tt:Year><tt:Month>${t.getUTCMonth() + 1}</tt:Month><tt:Day>${t.getUTCDate()}</tt:Day>` +
      `</tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
  );
};

/** Child-process side: 10,000 lightweight ONVIF responders; prints "READY <ports json>", exits on stdin close. */
async function responder(): Promise<void> {
  const handler: http.RequestListener = (req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/soap+xml' })
        .end(b.includes('GetSystemDateAndTime') ? clock() : INFO),
    );
  };
  const servers: http.Server[] = [];
  const listen = (host: string, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const s = http.createServer(handler);
      s.once('error', reject);
      s.listen(port, host, () => {
        servers.push(s);
        resolve((s.address() as AddressInfo).port);
      });
    });
  const ports: number[] = [];
  while (ports.length < PORTS) {
    const p = await listen('127.0.1.1', 0);
    try {
      for (let a = 2; a <= ADDRS; a++) await listen(`127.0.1.${a}`, p);
      ports.push(p);
    } catch {
      /* port taken on some address: the ones bound stay idle, try another */
    }
  }
  process.stdout.write(`READY ${JSON.stringify(ports)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

/** Runs the benchmark: spawns the responders, runs two check cycles, reports the second (warm). */
export async function run(opts: { log: (line: string) => void }): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--responder'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on(
        'line',
        (l) => l.startsWith('READY ') && resolve(JSON.parse(l.slice(6)) as number[]),
      );
      child.once('exit', (c) => reject(new Error(`bench: responder exited with ${c}`)));
    });
    const targets: HealthTarget[] = [];
    for (let a = 1; a <= ADDRS; a++)
      for (const p of ports)
        targets.push({
          id: `c${a}-${p}`,
          kind: 'onvif',
          xaddr: `http://127.0.1.${a}:${p}/onvif/device_service`,
          username: 'admin',
          password: 'pw',
        });
    const states = new Map<string, string>();
    const checker = new HealthChecker(
      { list: () => targets, report: (c: HealthChange[]) => c.forEach((x) => states.set(x.id, x.state)) },
      { concurrency: 256, timeoutMs: 10_000, slowMs: 10_000 },
    );
    let cycle = { ms: 0, cpu: 0 };
    for (let i = 0; i < 2; i++) {
      const cpu0 = process.cpuUsage();
      const r = await checker.checkAll();
      const cpu = process.cpuUsage(cpu0);
      cycle = { ms: r.ms, cpu: (cpu.user + cpu.system) / 1e6 };
    }
    await checker.close();
    const online = [...states.values()].filter((s) => s === 'online').length;
    if (online !== targets.length) throw new Error(`bench: only ${online} of ${targets.length} endpoints online`);
    opts.log(`bench health_cycle_s ${(cycle.ms / 1000).toFixed(2)} s`);
    opts.log(`bench health_cpu_s ${cycle.cpu.toFixed(2)} s`);
  } finally {
    child.stdin?.end();
    await exited;
  }
}

if (process.argv[1] === SELF) {
  if (process.argv.includes('--responder')) await responder();
  else await run({ log: (l) => console.log(l) });
}
