// A GB/T 28181 channel plays like any camera: the simulated IPC's channel over the live WebSocket (decodable fMP4), a second viewer
// on the same INVITE, BYE when the pull stops; a channel whose media never comes is a clear error, retried, with no session left behind.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { SimGbDevice } from '../../sim/gb28181/device';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const IPC = '43070200001320000001';
const CHANNEL = '43070200001310000001';
const SILENT = '43070200001310000002';
const PORTS: [number, number] = [40000 + (process.pid % 200) * 100, 40099 + (process.pid % 200) * 100];

/**
 * What a leaked session would leave: our sockets on the media ports (UDP and TCP), open fds, child processes.
 * Only sockets of this process count (by inode): the media ports lie among the ephemeral ones, where other
 * processes' connections come and go, and a closed TCP socket lingers in TIME_WAIT owned by none.
 */
function resources(): { mediaSockets: number; fds: number; children: string } {
  const fds = readdirSync('/proc/self/fd');
  const ours = new Set<string>();
  for (const fd of fds) {
    const m = /^socket:\[(\d+)\]$/.exec(readlinkSafe(`/proc/self/fd/${fd}`));
    if (m) ours.add(m[1]!);
  }
  let mediaSockets = 0;
  for (const table of ['udp', 'tcp'])
    for (const line of readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const port = parseInt(cols[1]?.split(':')[1] ?? '', 16);
      if (port >= PORTS[0] && port <= PORTS[1] && ours.has(cols[9] ?? '')) mediaSockets++;
    }
  const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
  return { mediaSockets, fds: fds.length, children };
}

function readlinkSafe(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return ''; // the fd closed meanwhile
  }
}

describe('gb28181 channels played through the gateway', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let ipc: SimGbDevice;
  let token: string;
  const invites: string[] = [];
  const byes: string[] = [];
  const wsUrl = (p: string): string => t.base.replace(/^http/, 'ws') + p;

  const cameraOf = async (channelId: string): Promise<string> =>
    waitFor(
      async () => {
        const r = await t.api('GET', '/api/v1/cameras?limit=100', { token });
        return (r.body.items as any[]).find((c) => c.gbChannelId === channelId && c.status === 'online')?.id as string;
      },
      { timeoutMs: 15_000, what: `the camera of channel ${channelId}` },
    );

  before(async () => {
    t = await startTestGateway({
      gb28181: {
        enabled: true,
        id: SERVER_ID,
        realm: REALM,
        udpPort: 0,
        tcpPort: 0,
        password: 'ipc-pass',
        mediaTimeoutS: 2,
        mediaPorts: PORTS,
      },
      transcoder: { backoffInitialMs: 200, backoffMaxMs: 1000 },
      recording: { segmentSeconds: 2 },
    });
    await t.addUser('gbview', 'admin', null);
    token = await t.login('gbview');
    const server = t.gw.services.gb!.server;
    ipc = new SimGbDevice({
      id: IPC,
      server: { host: '127.0.0.1', port: server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'ipc-pass',
      channels: [
        { id: CHANNEL, name: 'IPC 武陵大道', ptzType: 1, longitude: 111.69, latitude: 29.03 },
        { id: SILENT, name: 'IPC 无码流', ptzType: 3, longitude: 111.7, latitude: 29.03 },
      ],
      silentChannels: [SILENT],
      video: { width: 320, height: 240, fps: 25 },
    });
    ipc.on('invite', (i: { channelId: string }) => invites.push(i.channelId));
    ipc.on('bye', (channelId: string) => byes.push(channelId));
    await ipc.start();
  });

  after(async () => {
    await ipc?.close();
    await t?.close();
  });

  it('plays the channel over the live WebSocket as decodable fMP4; a second viewer, HLS and recording on one INVITE; BYE at stop', async () => {
    const camId = await cameraOf(CHANNEL);
    let hls = '';
    const open = async (): Promise<LiveClient> => {
      const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token, body: { profile: 'main' } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.codec, 'h264');
      hls = r.body.url;
      return LiveClient.open(wsUrl(r.body.live), { keep: true });
    };
    const a = await open();
    await a.until(
      () => a.fragments.filter((f) => f.keyframe).length >= 1 && a.fragments.length >= 40,
      20_000,
      '40 fragments',
    );
    const b = await open();
    await b.until(() => b.fragments.length >= 10, 10_000, 'the second viewer gets fragments');
    const playlist = await fetch(t.base + hls);
    assert.equal(playlist.status, 200);
    assert.match(await playlist.text(), /^#EXTM3U/);
    // continuous recording of the main stream: the same pull
    const system = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };
    const plan = await t.gw.services.recordings.setPlan(
      { scope: 'camera', cameraId: camId, mode: 'continuous' },
      system,
    );
    await waitFor(
      async () =>
        (await t.gw.db.knex('recording_segments').where({ camera_id: camId }).count<{ n: string }[]>('* as n'))[0]!
          .n !== '0',
      { timeoutMs: 20_000, what: 'a recorded segment' },
    );
    await t.gw.services.recordings.removePlan(plan.id, system);
    assert.deepEqual(invites, [CHANNEL], 'one INVITE for both viewers, HLS and the recording');
    assert.equal(t.gw.services.gb!.media.sessions.size, 1);
    assert.ok(resources().mediaSockets >= 1, "the session's media socket is seen (the check below can fail)");
    // a snapshot while it plays: decoded from the pull's newest keyframe
    const snap = await fetch(`${t.base}/api/v1/cameras/${camId}/snapshot`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(snap.status, 200);
    assert.deepEqual([...Buffer.from(await snap.arrayBuffer()).subarray(0, 2)], [0xff, 0xd8], 'a JPEG');
    const dec = decodeVideo(Buffer.concat(a.binaries));
    assert.ok(dec.frames >= 40, `decoded ${dec.frames} frames`);
    assert.equal(dec.errors, '');
    await a.close();
    await b.close();
    await t.gw.services.streams.stopCamera(camId, 'test stop');
    await t.gw.services.supervisor.stop(`${camId}.main`, 'test stop').catch(() => undefined);
    await waitFor(() => byes.includes(CHANNEL) && ipc.playing().length === 0, { timeoutMs: 10_000, what: 'the BYE' });
    assert.equal(t.gw.services.gb!.media.sessions.size, 0);
  });

  it('a channel whose media never arrives is a clear error, retried with backoff, no session left behind', async () => {
    const camId = await cameraOf(SILENT);
    // not playing: a still is refused with the reason (no picture is grabbed from a GB/T 28181 channel outside a pull)
    const still = await t.api('POST', `/api/v1/cameras/${camId}/stills`, { token });
    assert.ok(still.status >= 400 && still.status !== 500, `${still.status} ${still.text.slice(0, 300)}`);
    assert.match(still.text, /gb28181/);
    const before = resources();
    const started = Date.now();
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token, body: { profile: 'main' } });
    assert.equal(r.status, 503, r.text);
    assert.match(r.text, /no media for 2000 ms/);
    assert.ok(Date.now() - started < 15_000);
    assert.ok(invites.filter((c) => c === SILENT).length >= 2, 'retried');
    await t.gw.services.supervisor.stop(`${camId}.main`, 'test stop').catch(() => undefined);
    await waitFor(() => t.gw.services.gb!.media.sessions.size === 0 && ipc.playing().length === 0, {
      timeoutMs: 10_000,
      what: 'no session left (BYE sent to the device)',
    });
    // nothing left behind: no socket on the media ports, no process, no more fds than before (a few for pools' churn)
    // (children running before, e.g. the earlier test's pull or a probe, may end meanwhile: only new ones count)
    const had = new Set(before.children.split(/\s+/).filter(Boolean));
    await waitFor(
      () =>
        resources()
          .children.split(/\s+/)
          .filter((c) => c && !had.has(c)).length === 0,
      {
        timeoutMs: 10_000,
        what: `no process started and left (before: ${before.children}; now: ${resources().children})`,
      },
    );
    const after = resources();
    assert.equal(after.mediaSockets, 0, 'no socket on the media ports');
    assert.ok(after.fds <= before.fds + 2, `fds ${before.fds} → ${after.fds}`);
  });
});
