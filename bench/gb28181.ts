// GB/T 28181 benchmark (cloudeye bench gb28181): devices held registered and on line; click → first frame of a channel vs RTSP.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { devicesHeld } from './gb-devices';
import { gbFirstFrame } from './gb-first-frame';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface GbBenchOptions {
  log: (line: string) => void;
  /** 300 devices, a 1 s keepalive, 2 first frames of each kind: a smoke test, not a measurement. */
  quick?: boolean;
}

/**
 * Devices held: 12,000 simulated devices (each its own loopback address) register with digest (1,000 a second) and
 * send a Keepalive every 10 s — the 60 s of the issue scaled down six times, so the server carries six times the
 * keepalive load and the offline check (3 missed = 30 s) is passed within the 45 s hold.
 */
export async function run(opts: GbBenchOptions): Promise<void> {
  const { log } = opts;
  const quick = opts.quick === true;
  await devicesHeld(
    log,
    quick
      ? { devices: 300, keepaliveS: 1, misses: 3, holdS: 5 }
      : { devices: 12_000, keepaliveS: 10, misses: 3, holdS: 45 },
  );
  if (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html')) || process.env.BENCH_BUILD_WEB !== '0') {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('bench gb28181: building the console failed');
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  try {
    await gbFirstFrame(browser, log, quick ? 2 : 10);
  } finally {
    await browser.close();
  }
}
