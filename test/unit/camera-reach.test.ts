// CameraReach: which camera addresses the gateway may connect to, as a table of named cases.
import assert from 'node:assert/strict';
import { CameraReach, inCidr, type ReachCamera } from '../../gateway/cameras/camera-reach';

const NETS = [
  { id: 1, departmentId: 7, name: 'police-lan', cidrs: ['10.1.0.0/16'] },
  { id: 2, departmentId: 7, name: 'police-hq', cidrs: ['192.168.5.0/24'] },
  { id: 3, departmentId: 8, name: 'traffic-lan', cidrs: ['10.2.0.0/16'] },
  { id: 4, departmentId: 9, name: 'loop-lan', cidrs: ['127.0.0.0/8'] },
];
const DNS: Record<string, string[]> = {
  'cam.police': ['10.1.4.4'],
  'evil.example': ['10.1.4.5', '169.254.169.254'],
  'db.internal': ['10.1.9.9'],
};

const reach = (exceptions: string[] = []): CameraReach =>
  new CameraReach({
    networks: async (dep) => NETS.filter((n) => n.departmentId === dep),
    services: () => [
      { service: 'HTTP', port: 8080, hosts: '*' },
      { service: 'database', port: 5432, hosts: ['db.internal', '10.1.9.9'] },
    ],
    exceptions,
    resolve: async (h) => {
      const a = DNS[h];
      if (!a) throw new Error(`ENOTFOUND ${h}`);
      return a;
    },
  });

const cam = (over: Partial<ReachCamera>): ReachCamera => ({ departmentId: 7, networkId: 1, ...over });

const CASES: Array<{ name: string; cam: ReachCamera; exceptions?: string[]; want: RegExp | null }> = [
  { name: 'stream inside the network', cam: cam({ mainUri: 'rtsp://10.1.2.3/live' }), want: null },
  {
    name: 'stream on another host of the same network (an NVR)',
    cam: cam({ xaddr: 'http://10.1.2.3/onvif/device_service', mainUri: 'rtsp://10.1.200.1:8554/ch1' }),
    want: null,
  },
  {
    name: 'stream outside the network',
    cam: cam({ mainUri: 'rtsp://10.2.0.5/live' }),
    want: /mainUri 10\.2\.0\.5 lies outside the CIDRs of network police-lan \(10\.1\.0\.0\/16\)/,
  },
  {
    name: 'another network of the department does not count when the camera names its own',
    cam: cam({ mainUri: 'rtsp://192.168.5.9/live' }),
    want: /outside/,
  },
  {
    name: 'without a network: any network of the department',
    cam: cam({ networkId: null, mainUri: 'rtsp://192.168.5.9/live' }),
    want: null,
  },
  {
    name: "without a network: not another department's",
    cam: cam({ networkId: null, mainUri: 'rtsp://10.2.0.5/live' }),
    want: /outside the CIDRs of network police-lan, police-hq/,
  },
  {
    name: 'a department without networks reaches nothing',
    cam: { departmentId: 99, mainUri: 'rtsp://10.1.2.3/live' },
    want: /none has CIDRs/,
  },
  { name: 'snapshot outside', cam: cam({ snapshotUri: 'http://8.8.8.8/snap.jpg' }), want: /^snapshotUri/ },
  {
    name: 'xaddr outside (health posts SOAP there)',
    cam: cam({ xaddr: 'http://169.254.169.254/latest/meta-data' }),
    want: /^xaddr/,
  },
  {
    name: "the gateway's HTTP port, even inside the network",
    cam: { departmentId: 9, networkId: 4, mainUri: 'rtsp://127.0.0.1:8080/x' },
    want: /127\.0\.0\.1:8080 is the gateway's own HTTP port/,
  },
  {
    name: "the gateway's HTTP port at another local address",
    cam: { departmentId: 9, networkId: 4, xaddr: 'http://127.0.0.2:8080/onvif/device_service' },
    want: /own HTTP port/,
  },
  {
    name: 'another port of the same host is a camera',
    cam: { departmentId: 9, networkId: 4, mainUri: 'rtsp://127.0.0.1:8554/x' },
    want: null,
  },
  {
    name: 'an admin exception opens even a service port',
    cam: { departmentId: 9, networkId: 4, mainUri: 'rtsp://127.0.0.1:8080/x' },
    exceptions: ['127.0.0.1:8080'],
    want: null,
  },
  {
    name: 'the database by name',
    cam: cam({ mainUri: 'rtsp://db.internal:5432/x' }),
    want: /db\.internal:5432 is the gateway's own database port/,
  },
  { name: 'the database by address', cam: cam({ snapshotUri: 'http://10.1.9.9:5432/' }), want: /own database port/ },
  {
    name: 'the database host on another port is a camera like any other',
    cam: cam({ mainUri: 'rtsp://10.1.9.9:554/x' }),
    want: null,
  },
  { name: 'a name resolving inside', cam: cam({ mainUri: 'rtsp://cam.police/live' }), want: null },
  {
    name: 'a name resolving partly outside',
    cam: cam({ mainUri: 'rtsp://evil.example/live' }),
    want: /evil\.example \(169\.254\.169\.254\) lies outside/,
  },
  {
    name: 'a name that does not resolve',
    cam: cam({ mainUri: 'rtsp://nowhere.invalid/live' }),
    want: /does not resolve/,
  },
  {
    name: 'an IPv6 literal is outside any IPv4 network',
    cam: cam({ mainUri: 'rtsp://[fe80::1]/live' }),
    want: /outside/,
  },
  {
    name: 'an admin exception by CIDR',
    cam: cam({ mainUri: 'rtsp://10.2.0.5/live' }),
    exceptions: ['10.2.0.0/24'],
    want: null,
  },
  {
    name: 'an admin exception by host:port',
    cam: cam({ mainUri: 'rtsp://10.1.9.9:5432/x' }),
    exceptions: ['10.1.9.9:5432'],
    want: null,
  },
  {
    name: 'an exception for another port does not cover this one',
    cam: cam({ mainUri: 'rtsp://10.2.0.5:554/x' }),
    exceptions: ['10.2.0.5:8554'],
    want: /outside/,
  },
];

describe('camera reach (where the gateway may connect)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const problems = await reach(c.exceptions).problems(c.cam);
      if (c.want === null) assert.deepEqual(problems, []);
      else {
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(`${problems[0]!.field} ${problems[0]!.message}`, c.want);
      }
    });
  }

  it('assert() throws AddressPolicyError naming the camera and the field', async () => {
    const named = (e: Error & { field?: string }): boolean =>
      e.name === 'AddressPolicyError' && e.field === 'subUri' && /camera 42: subUri/.test(e.message);
    await assert.rejects(reach().assert(cam({ subUri: 'rtsp://10.2.0.5/sub' }), '42'), named);
  });

  it('reads the networks at each check, or reuses a read at most maxAgeMs old', async () => {
    let reads = 0;
    let cidrs = ['10.1.0.0/16'];
    const r = new CameraReach({
      networks: async () => (reads++, [{ id: 1, departmentId: 7, name: 'n', cidrs }]),
      services: () => [],
    });
    const c = cam({ mainUri: 'rtsp://10.1.2.3/live' });
    assert.deepEqual(await r.problems(c), []);
    cidrs = ['10.2.0.0/16'];
    assert.equal((await r.problems(c)).length, 1, 'a shrunk network refuses at once');
    assert.equal(reads, 2);
    await r.problems(c, 60_000);
    await r.problems(c, 60_000);
    assert.equal(reads, 2, 'a periodic caller reuses the recent read');
  });

  it('inCidr', () => {
    assert.equal(inCidr('10.1.255.255', '10.1.0.0/16'), true);
    assert.equal(inCidr('10.2.0.0', '10.1.0.0/16'), false);
    assert.equal(inCidr('1.2.3.4', '0.0.0.0/0'), true);
    assert.equal(inCidr('10.0.0.1', '10.0.0.1'), true);
    assert.equal(inCidr('10.0.0.1', '10.0.0.1/33'), false);
    assert.equal(inCidr('::1', '0.0.0.0/0'), false);
    assert.equal(CameraReach.hostInCidrs('10.1.3.3', ['10.1.0.0/16']), true);
    assert.equal(CameraReach.hostInCidrs('nvr.local', ['10.1.0.0/16']), false);
  });
});
