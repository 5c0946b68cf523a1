// A simulated ONVIF camera registered as a person does: its network (address and credentials), then the device.
import assert from 'node:assert/strict';
import type { TestGateway } from './gateway';

/** Registers `cam` (host, port, xaddr of a simulated camera; admin / cam-pass) in network `network`; its camera id. */
export async function registerOnvifCamera(
  t: TestGateway,
  token: string,
  cam: { host: string; port: number; xaddr: string },
  o: { network: string; name: string; lng: number; lat: number },
): Promise<string> {
  const net = await t.api('POST', '/api/v1/networks', {
    token,
    body: { name: o.network, hosts: [`${cam.host}:${cam.port}`], username: 'admin', password: 'cam-pass' },
  });
  assert.equal(net.status, 201, net.text);
  const reg = await t.api('POST', '/api/v1/discovery/devices/register', {
    token,
    body: { xaddr: cam.xaddr, networkId: net.body.id, name: o.name, lng: o.lng, lat: o.lat },
  });
  assert.equal(reg.status, 201, reg.text);
  return String(reg.body.id ?? reg.body.camera?.id ?? reg.body[0]?.id);
}
