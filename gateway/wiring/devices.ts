// Wiring of the ONVIF device layer: discovery scans, registration, re-sync and PTZ with the configured limits.
import type { Config } from '../../config/load';
import { DeviceService, type ScanEvents } from '../devices/device-service';
import type { CameraService } from '../cameras/camera-service';
import type { AuthParts } from './auth';
import type { Closers } from './lifecycle';
import type { Repositories } from './storage';

/** `events` receives scan progress (pushed to the scanning department once realtime is up). */
export function buildDevices(
  config: Config,
  repos: Repositories,
  cameras: CameraService,
  a: AuthParts,
  events: ScanEvents,
  closers: Closers,
): DeviceService {
  const devices = new DeviceService(repos.org, cameras, repos.audit, a.access, a.box, events, {
    probeRepeats: config.discovery.probeRepeats,
    probeWaitMs: config.discovery.probeWaitMs,
    sweepConcurrency: config.discovery.sweepConcurrency,
    maxSweepPrefix: config.discovery.maxSweepPrefix,
    requestTimeoutMs: config.discovery.requestTimeoutMs,
    maxResponseBytes: config.discovery.maxResponseBytes,
  });
  closers.add(() => devices.close());
  return devices;
}
