// The upward GB/T 28181 cascade in tests: a superior and a lower platform, in the library or as gateway configuration.
import { Gb28181Server, GbUpstream, type UpstreamOptions } from '../../gateway/gb28181/index';
import { waitFor } from './wait-for';

export const SUPERIOR = '43000000002000000001';
export const DOMAIN = '4300000000';

/** A gateway's `gb28181.upstream` registering as `localId` with the superior at 127.0.0.1:`port` over TCP. */
export function gbUpstreamConfig(port: number, localId: string, o: { ptzAs?: string; playbackAs?: string } = {}) {
  return {
    enabled: true,
    superiorId: SUPERIOR,
    superiorDomain: DOMAIN,
    superiorHost: '127.0.0.1',
    superiorPort: port,
    transport: 'tcp' as const,
    password: 'cascade-pw',
    localId,
    localHost: '127.0.0.1',
    registerExpiresS: 600,
    keepaliveS: 5,
    shareCameras: [],
    shareTags: ['upward'],
    ptzAs: o.ptzAs ?? '',
    playbackAs: o.playbackAs ?? '',
    h265: true,
  };
}

/** A library superior (UDP) and a lower platform registered with it; `o` completes the lower platform's options. */
export async function startGbPair(
  localId: string,
  o: Pick<UpstreamOptions, 'catalog' | 'play'> & Partial<UpstreamOptions>,
): Promise<{ sup: Gb28181Server; up: GbUpstream }> {
  const sup = new Gb28181Server({
    id: SUPERIOR,
    realm: DOMAIN,
    host: '127.0.0.1',
    udpPort: 0,
    tcpPort: 0,
    password: 'p',
  });
  await sup.start();
  const up = new GbUpstream({
    localId,
    host: '127.0.0.1',
    password: 'p',
    registerExpiresS: 3600,
    keepaliveS: 30,
    t1Ms: 50,
    superior: { id: SUPERIOR, domain: DOMAIN, address: '127.0.0.1', port: sup.endpoint.udpPort, transport: 'udp' },
    ...o,
  });
  await up.start();
  await waitFor(() => up.state === 'registered' && sup.device(localId), { what: 'registered' });
  return { sup, up };
}
