// Discovery scans, found devices, ONVIF registration and re-sync (PTZ: ptz-routes.ts).
import { z } from 'zod';
import { camera, foundDevice, httpUri, scanInfo } from '../../contract';
import type { DeviceService } from '../../devices/device-service';
import type { ApiRouter } from '../api-router';

const scan = scanInfo;
const found = foundDevice;
const camId = z.strictObject({ id: z.string().regex(/^\d{1,19}$/, 'camera ids are decimal integers') });

export function registerDeviceRoutes(
  api: ApiRouter,
  devices: DeviceService,
  registeredXaddrs: () => Promise<Set<string>>,
): void {
  api.add({
    method: 'post',
    path: '/discovery/scans',
    tag: 'discovery',
    status: 201,
    action: 'discover',
    summary:
      "Scan a department network: WS-Discovery multicast on its interface plus a unicast sweep of its CIDRs/hosts; progress on socket.io 'scan:progress'",
    body: z.strictObject({ networkId: z.number().int().positive() }),
    response: scan,
    handler: ({ principal, body, ip }) => devices.startScan(principal, body.networkId, ip),
  });
  api.add({
    method: 'get',
    path: '/discovery/scans',
    tag: 'discovery',
    action: 'discover',
    summary: 'Scans of the department (running and finished)',
    response: z.array(scan),
    handler: ({ principal }) => devices.listScans(principal),
  });
  api.add({
    method: 'delete',
    path: '/discovery/scans/{id}',
    tag: 'discovery',
    action: 'discover',
    summary: 'Cancel a running scan',
    params: z.strictObject({ id: z.uuid() }),
    response: scan,
    handler: ({ principal, params }) => devices.cancelScan(principal, params.id),
  });
  api.add({
    method: 'get',
    path: '/discovery/devices',
    tag: 'discovery',
    action: 'discover',
    summary: 'Devices found by scans and not registered yet',
    response: z.array(found),
    handler: async ({ principal }) => devices.devices(principal, await registeredXaddrs()),
  });
  api.add({
    method: 'post',
    path: '/discovery/devices/register',
    tag: 'discovery',
    status: 201,
    action: 'camera-register',
    summary:
      "Register an ONVIF device in one step (profiles, codecs, resolution, PTZ, identity read from it) with the network's default or the given credentials",
    body: z.strictObject({
      xaddr: httpUri,
      networkId: z.number().int().positive(),
      name: z.string().min(1).max(200),
      lng: z.number().min(-180).max(180),
      lat: z.number().min(-90).max(90),
      bearing: z.number().min(0).lt(360).nullable().optional(),
      fov: z.number().gt(0).max(360).nullable().optional(),
      rangeM: z.number().gt(0).max(5000).nullable().optional(),
      address: z.string().max(400).optional(),
      tags: z.array(z.string().min(1).max(64)).max(50).optional(),
      username: z.string().max(128).optional(),
      password: z.string().max(256).optional(),
    }),
    response: camera,
    handler: ({ principal, body, ip }) => devices.register(principal, body, ip),
  });
  api.add({
    method: 'post',
    path: '/cameras/{id}/resync',
    tag: 'cameras',
    action: 'resync',
    summary: 'Re-read profiles and stream URIs from an ONVIF camera',
    params: camId,
    response: camera,
    handler: ({ principal, params, ip }) => devices.resync(principal, params.id, ip),
  });
}
