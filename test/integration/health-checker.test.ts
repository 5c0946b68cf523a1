// HealthChecker against simulated cameras: offline when stopped, back online, unauthorized, degraded, changes only.
import assert from 'node:assert/strict';
import net from 'node:net';
import { verifyDigestAuthorization } from '../../gateway/onvif/http-digest';
import { HealthChecker, type HealthChange, type HealthTarget } from '../../gateway/health/health-checker';
import { probeRtsp } from '../../gateway/health/rtsp-probe';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';

const USER = 'admin';
const PASS = 'Health-1';

/**
 * A minimal RTSP server that demands Digest auth on DESCRIBE (rtsp_server.py's --user mode fails on
 * this machine's GstRtspServer bindings: no RTSPAuthMethod), so the probe's auth path is tested here.
 */
async function digestRtspStub(): Promise<{ url: string; close(): Promise<void> }> {
  const nonce = 'stubnonce';
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    let buf = '';
    s.on('data', (c) => {
      buf += c.toString('latin1');
      let end;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const cseq = /CSeq: (\d+)/i.exec(head)?.[1] ?? '0';
        const method = head.split(' ')[0]!;
        const auth = /^Authorization: (.*)$/im.exec(head)?.[1];
        const ok =
          auth !== undefined &&
          verifyDigestAuthorization(auth, method, { username: USER, password: PASS, realm: 'stub', nonce });
        if (method === 'OPTIONS') s.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n`);
        else if (!ok)
          s.write(
            `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Digest realm="stub", nonce="${nonce}"\r\n\r\n`,
          );
        else
          s.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Type: application/sdp\r\nContent-Length: 3\r\n\r\nv=0`);
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    url: `rtsp://127.0.0.1:${port}/live`,
    close: () =>
      new Promise<void>((r) => {
        srv.close(() => r());
        for (const s of socks) s.destroy();
      }),
  };
}

describe('camera health checker', function () {
  this.timeout(40_000);
  let sim: SimCameras;
  let checker: HealthChecker | undefined;
  const reports: HealthChange[][] = [];
  const latest = new Map<string, HealthChange>();
  let targets: HealthTarget[] = [];
  let stub: Awaited<ReturnType<typeof digestRtspStub>>;

  const waitFor = async (id: string, state: string, ms = 15000): Promise<HealthChange> => {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      const c = latest.get(id);
      if (c?.state === state) return c;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${id} did not become ${state} within ${ms} ms (is ${JSON.stringify(latest.get(id))})`);
  };

  before(async () => {
    sim = await startSimCameras({ count: 4, codec: 'h264', username: USER, password: PASS });
    stub = await digestRtspStub();
    const [c0, c1, c2] = sim.cameras;
    targets = [
      { id: 'onvif-ok', kind: 'onvif', xaddr: c0!.xaddr, rtspUrl: c0!.rtspMain, username: USER, password: PASS },
      { id: 'onvif-wrong-password', kind: 'onvif', xaddr: c1!.xaddr, username: USER, password: 'wrong' },
      { id: 'rtsp-ok', kind: 'rtsp', rtspUrl: c2!.rtspMain, username: USER, password: PASS },
      { id: 'rtsp-wrong-password', kind: 'rtsp', rtspUrl: stub.url, username: USER, password: 'wrong' },
      { id: 'rtsp-digest-ok', kind: 'rtsp', rtspUrl: stub.url, username: USER, password: PASS },
    ];
    checker = new HealthChecker(
      {
        list: () => targets,
        report: (changes) => {
          reports.push(changes);
          for (const c of changes) latest.set(c.id, c);
        },
        // rtsp_server.py prepares media per DESCRIBE (~1 s, serialised), hence the generous limits
      },
      { intervalMs: 500, flushMs: 100, concurrency: 4, timeoutMs: 5000, slowMs: 5000 },
    );
    checker.start();
  });
  after(async () => {
    await checker?.close();
    await checker?.close();
    await sim?.close();
    await stub?.close();
  });

  it('rtsp probe: OPTIONS + DESCRIBE with digest auth; wrong password and missing stream are told apart', async () => {
    const cases: Array<[string, string, string | undefined, string]> = [
      ['simulated camera stream', sim.cameras[0]!.rtspMain, PASS, 'ok'],
      ['digest: right password', stub.url, PASS, 'ok'],
      ['digest: wrong password', stub.url, 'x', 'unauthorized'],
      ['no such mount', sim.cameras[0]!.rtspMain.replace('/cam/0/', '/cam/99/'), PASS, 'not-found'],
      ['nothing listening', 'rtsp://127.0.0.1:9/x', PASS, 'unreachable'],
    ];
    for (const [name, url, password, outcome] of cases) {
      const r = await probeRtsp(url, { username: USER, ...(password ? { password } : {}), timeoutMs: 6000 });
      assert.equal(r.outcome, outcome, `${name}: ${r.detail}`);
    }
  });

  it('first verdicts: online, unauthorized (ONVIF and RTSP)', async () => {
    await waitFor('onvif-ok', 'online');
    await waitFor('rtsp-ok', 'online');
    const u1 = await waitFor('onvif-wrong-password', 'unauthorized');
    assert.match(u1.reason, /not authorized/);
    assert.ok(u1.lastSeen instanceof Date, 'an answering device is seen even when it refuses us');
    await waitFor('rtsp-wrong-password', 'unauthorized');
    await waitFor('rtsp-digest-ok', 'online');
  });

  it('an ONVIF camera whose server stops goes offline and comes back online after restart', async () => {
    const cam = sim.cameras[0]!.camera;
    const before = latest.get('onvif-ok')!.lastSeen!;
    await cam.close();
    const off = await waitFor('onvif-ok', 'offline');
    assert.ok(off.lastSeen && off.lastSeen.getTime() >= before.getTime());
    await cam.restart();
    await waitFor('onvif-ok', 'online');
  });

  it('ONVIF up but its RTSP stream down → degraded; an RTSP camera whose stream goes down → offline; both recover', async () => {
    await sim.rtsp!.down(0);
    await sim.rtsp!.down(2);
    const d = await waitFor('onvif-ok', 'degraded');
    assert.match(d.reason, /RTSP does not/);
    await waitFor('rtsp-ok', 'offline');
    await sim.rtsp!.up(0);
    await sim.rtsp!.up(2);
    await waitFor('onvif-ok', 'online');
    await waitFor('rtsp-ok', 'online');
  });

  it('reports only changes, in batches', () => {
    const perId = new Map<string, string[]>();
    for (const batch of reports) for (const c of batch) perId.set(c.id, [...(perId.get(c.id) ?? []), c.state]);
    for (const [id, states] of perId)
      for (let i = 1; i < states.length; i++)
        assert.notEqual(states[i], states[i - 1], `${id} reported ${states[i]} twice in a row`);
    assert.deepEqual(perId.get('onvif-wrong-password'), ['unauthorized']);
    assert.ok(reports.length < 40, `${reports.length} batches`);
  });
});
