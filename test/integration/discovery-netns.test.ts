// Discovery across department networks: multicast stays inside A, a unicast sweep from A crosses the router to B.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { departmentTopology, netnsAvailable, type Topology } from '../helpers/netns';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = [process.execPath, '--import', 'tsx'];
const PER_DEPT = 25; // 5 addresses × 5 ports per department: 50 cameras in total
const PORTS = [8000, 8001, 8002, 8003, 8004];

interface CamInfo {
  index: number;
  host: string;
  port: number;
  xaddr: string;
  endpoint: string;
}
interface Found {
  devices: Array<{ endpoint: string; xaddrs: string[]; via: string }>;
  stats: Record<string, number | boolean>;
}

function ready(child: ChildProcess): Promise<CamInfo[]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('simcam run.ts not READY within 20 s')), 20_000);
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.startsWith('READY ')) {
        clearTimeout(t);
        resolve(JSON.parse(l.slice(6)) as CamInfo[]);
      }
    });
    child.once('exit', (c) => reject(new Error(`simcam run.ts exited with ${c}`)));
  });
}

describe('discovery across department networks (network namespaces)', function () {
  this.timeout(60_000);
  let topo: Topology | undefined;
  const cams: Record<'a' | 'b', CamInfo[]> = { a: [], b: [] };

  before(async function () {
    if (!(await netnsAvailable()))
      throw new Error('discovery-netns: cannot create network namespaces here (needs root + iproute2)');
    topo = await departmentTopology(5);
    for (const key of ['a', 'b'] as const) {
      const d = topo[key];
      const child = topo.spawn(d.ns, [
        ...TSX,
        path.join(ROOT, 'sim/cameras/run.ts'),
        '--count',
        String(PER_DEPT),
        '--hosts',
        d.cameraHosts.join(','),
        '--base-port',
        String(PORTS[0]),
        '--no-rtsp',
        '--rtsp-port',
        '8554',
        '--discovery-port',
        '3702',
        '--multicast-interface',
        d.cameraHosts[0]!,
      ]);
      cams[key] = await ready(child);
    }
  });
  after(async () => topo?.close());

  const discover = async (ns: string, args: string[]): Promise<Found> =>
    JSON.parse(
      await topo!.exec(ns, [...TSX, path.join(ROOT, 'sim/cameras/discover-cli.ts'), ...args], 40_000),
    ) as Found;

  it('the simulated cameras run on several addresses and ports in each department', () => {
    assert.equal(cams.a.length + cams.b.length, 50);
    assert.equal(new Set(cams.a.map((c) => c.host)).size, 5);
    assert.deepEqual([...new Set(cams.b.map((c) => c.port))].sort(), PORTS);
  });

  it("multicast from A finds exactly A's cameras, and none of B's", async () => {
    const r = await discover(topo!.a.ns, ['multicast', topo!.a.gateway, '2000']);
    assert.deepEqual(r.devices.map((d) => d.endpoint).sort(), cams.a.map((c) => c.endpoint).sort());
    const bEndpoints = new Set(cams.b.map((c) => c.endpoint));
    assert.ok(r.devices.every((d) => !bEndpoints.has(d.endpoint)));
    assert.deepEqual(r.devices.map((d) => d.xaddrs[0]).sort(), cams.a.map((c) => c.xaddr).sort());
  });

  it("a unicast sweep from A across the router finds B's cameras (WS-Discovery datagrams + HTTP on host:port)", async () => {
    const r = await discover(topo!.a.ns, ['sweep', '10.201.2.0/27', PORTS.join(','), '1000']);
    assert.deepEqual(
      r.devices.map((d) => d.endpoint).sort(),
      cams.b.map((c) => c.endpoint).sort(),
      'all found by the unicast Probe, HTTP finds merged by XAddr',
    );
    assert.equal(r.stats.probed, 30);
  });

  it("50 cameras in total: multicast inside B finds B's 25, a WS-Discovery-only sweep of A's camera hosts finds A's 25, 50 distinct", async () => {
    const [mb, sa] = await Promise.all([
      discover(topo!.b.ns, ['multicast', topo!.b.gateway, '2000']),
      discover(topo!.a.ns, ['sweep', '10.201.1.8/29,10.201.1.16/32', '', '500']),
    ]);
    const all = new Set([...mb.devices.map((d) => d.endpoint), ...sa.devices.map((d) => d.endpoint)]);
    assert.equal(mb.devices.length, 25);
    assert.equal(sa.devices.length, 25, "a WS-Discovery-only sweep of A's own camera hosts");
    assert.equal(all.size, 50);
  });
});
