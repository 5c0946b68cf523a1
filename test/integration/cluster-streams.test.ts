// Three gateway nodes as processes on one schema: placement, cross-node viewing, the 1,000-open storm, SIGKILL fail-over.
import assert from 'node:assert/strict';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startClusterRig, type ClusterRig } from '../../bench/cluster-rig';
import type { NodeProcess } from '../../bench/cluster-nodes';
import { LiveClient } from '../helpers/live-client';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';
import { TEST_DATABASE_URL } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

describe('cluster: streams on three gateway nodes', function () {
  this.timeout(180_000);
  let rig: ClusterRig;
  let n: NodeProcess[];
  const byName = (name: string): NodeProcess => n.find((x) => x.name === name)!;

  before(async () => {
    rig = await startClusterRig({
      dbUrl: TEST_DATABASE_URL,
      names: ['n1', 'n2', 'n3'],
      cameras: 100,
      recorded: 30,
      config: { transcoder: { idleTimeoutS: 120 }, recording: { planIntervalS: 2 } },
    });
    n = rig.nodes.nodes;
  });
  after(async () => {
    await rig?.close();
  });

  it('records each recorded camera on exactly one node, spread over the three', async () => {
    const recording = await waitFor(
      async () => {
        const lists = await Promise.all(n.map((x) => x.recorders()));
        const all = lists.flat();
        return all.length === 30 ? lists : null;
      },
      { what: '30 cameras recording', timeoutMs: 30_000, intervalMs: 250 },
    );
    const all = recording.flat();
    assert.equal(new Set(all).size, 30, 'no camera recorded twice');
    for (const list of recording)
      assert.ok(list.length >= 5, `each node records some: ${recording.map((l) => l.length)}`);
    const leases = await rig.leases();
    for (const [i, list] of recording.entries()) for (const key of list) assert.equal(leases.get(key), n[i]!.name);
  });

  it('places each opened pull on one node, the least loaded, whichever node is asked', async () => {
    const cams = rig.cameras.slice(30, 90);
    for (const [i, cam] of cams.entries()) {
      const r = await rig.open(n[i % 3]!, cam.id, 'sub');
      assert.equal(r.status, 201, r.text);
    }
    const leases = await rig.leases();
    const pulls = await rig.nodes.pullMap();
    const counts = new Map<string, number>();
    for (const cam of cams) {
      const key = `${cam.id}.sub`;
      assert.deepEqual(pulls.get(key), [leases.get(key)], `${key} runs on its lease holder only`);
      counts.set(leases.get(key)!, (counts.get(leases.get(key)!) ?? 0) + 1);
    }
    const loads = [...counts.values()];
    assert.equal(loads.length, 3, `every node runs some: ${JSON.stringify([...counts])}`);
    assert.ok(Math.max(...loads) - Math.min(...loads) <= 6, `placed evenly: ${JSON.stringify([...counts])}`);
  });

  it('serves a viewer through a node that holds neither the stream nor its session: a frame decoded', async () => {
    const leases = await rig.leases();
    const cam = rig.cameras.slice(30, 90).find((c) => leases.get(`${c.id}.sub`) === 'n2')!;
    // asked of n1: the call is forwarded to n2, which opens the session; the viewer comes to n3
    const r = await rig.open(byName('n1'), cam.id, 'sub');
    assert.equal(r.status, 201, r.text);
    const viewer = await LiveClient.open(`ws://127.0.0.1:${byName('n3').port}${r.body.live as string}`, { keep: true });
    try {
      await waitFor(() => viewer.fragments.length >= 3, { what: 'fragments through n3', timeoutMs: 10_000 });
      const decoded = decodeVideo(Buffer.concat(viewer.binaries));
      assert.ok(decoded.frames >= 1, `frames decoded: ${decoded.frames} ${decoded.errors}`);
      // the same session's LL-HLS playlist, asked of n3 too (while the viewer keeps the session open)
      const hls = await fetch(`http://127.0.0.1:${byName('n3').port}${r.body.url as string}`);
      assert.equal(hls.status, 200, await hls.clone().text());
      assert.match(await hls.text(), /#EXTM3U/);
    } finally {
      viewer.ws.close();
    }
  });

  it('restarts every pull and recording of a SIGKILLed node on the others within 5 s, none twice', async () => {
    const before = await Promise.all(n.map(async (x) => ({ x, pulls: await x.live(), recs: await x.recorders() })));
    const victim = before.sort((a, b) => b.pulls.length - a.pulls.length)[0]!;
    // about 20 live streams and 10 recordings each: 60 streams and 30 recordings placed over three nodes
    assert.ok(victim.pulls.length >= 20 && victim.recs.length >= 7, `${victim.pulls.length} / ${victim.recs.length}`);
    const survivors = n.filter((x) => x !== victim.x);
    const duplicates: string[] = [];
    const t0 = performance.now();
    await rig.nodes.kill(victim.x);
    let done = 0;
    while (!done) {
      const [pulls, all, recLists] = await Promise.all([
        Promise.all(survivors.map((x) => x.live())),
        rig.nodes.pullMap(),
        Promise.all(survivors.map((x) => x.recorders())),
      ]);
      for (const [k, on] of all) if (on.length > 1) duplicates.push(`${k} on ${on}`);
      const recs = recLists.flat();
      const live = new Set(pulls.flat());
      if (victim.pulls.every((k) => live.has(k)) && victim.recs.every((k) => recs.includes(k)))
        done = performance.now() - t0;
      else if (performance.now() - t0 > 15_000) assert.fail('the dead node’s pulls did not come back within 15 s');
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(duplicates, []);
    console.log(
      `      ${victim.pulls.length} live pulls and ${victim.recs.length} recordings back after ${Math.round(done)} ms`,
    );
    assert.ok(done <= 5000, `${victim.pulls.length} pulls and ${victim.recs.length} recordings back after ${done} ms`);
  });
  it('opens 1,000 streams at once over the three nodes for 100 cameras with exactly one pull per camera', async () => {
    // the killed node back under its name (free once its registration expired): three nodes again
    await rig.nodes.start(n.find((x) => !x.alive)!.name);
    const live = n.filter((x) => x.alive);
    assert.equal(live.length, 3);
    rig.sim.resetPeak();
    // each viewer as the web player does: a 503 (Retry-After) is asked again after the time it names
    let retried = 0;
    const open = async (i: number): Promise<{ status: number; text: string }> => {
      for (let attempt = 0; ; attempt++) {
        const r = await rig.open(live[(i + attempt) % 3]!, rig.cameras[i % 100]!.id, 'main');
        if (r.status !== 503 || attempt === 4) return r;
        retried++;
        await new Promise((res) => setTimeout(res, 1000));
      }
    };
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => open(i)));
    console.log(
      `      1,000 opens answered in ${Math.round(performance.now() - t0)} ms (${retried} asked again after 503)`,
    );
    const bad = answers.filter((a) => a.status !== 201);
    assert.equal(bad.length, 0, `refused: ${bad.slice(0, 3).map((a) => `${a.status} ${a.text}`)}`);
    const pulls = await rig.nodes.pullMap();
    for (const cam of rig.cameras) {
      const key = `${cam.id}.main`;
      assert.equal(pulls.get(key)?.length, 1, `${key} runs on ${JSON.stringify(pulls.get(key))}`);
      assert.equal(rig.sim.peakSessions(RtspProcess.mount(cam.index, 'main')), 1, `${key}: one RTSP session`);
    }
  });
});
