// An alarm records its chosen cameras even when their recording plan is off: with the rule's rolls, the pre-roll being
// what the pull holds (a camera watched live has some, one nobody pulled has none); the plan is back in force after.
import assert from 'node:assert/strict';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import type { RecordingService } from '../../gateway/recordings/recording-service';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { alarmWorld, listen, P, postAlarmEvent, type AlarmListener, type AlarmWorld } from '../helpers/alarms';

describe('alarms: a camera whose recording plan is off is recorded when an alarm chooses it', function () {
  this.timeout(120_000);
  let rtsp: RtspProcess;
  let t: TestGateway;
  let w: AlarmWorld;
  let rec: RecordingService;
  let traffic: AlarmListener;
  let viewer: LiveClient;
  const state = (cam: string) => rec.status().find((s) => s.cameraId === cam);
  const segsOf = async (cam: string, eventId: string, atMs: number) =>
    (
      await rec.footage.segments(cam, new Date(atMs - 60_000).toISOString(), new Date(atMs + 60_000).toISOString())
    ).filter((x) => x.eventIds.includes(eventId));

  before(async () => {
    rtsp = new RtspProcess({ count: 2, codec: 'h264', port: 0, width: 320, height: 240, fps: 25 });
    await rtsp.start();
    t = await startTestGateway({ recording: { segmentSeconds: 2, planIntervalS: 0.5, retryS: 1 } });
    rec = t.gw.services.recordings;
    w = await alarmWorld(t, { west: rtsp.url(0, 'main'), south: rtsp.url(1, 'main') });
    const r = await t.api('POST', '/api/v1/alarm-rules', {
      token: w.tokens.tadm,
      body: { name: 'boxes', kinds: ['alarm'], preRollS: 2, postRollS: 3, ackTimeoutS: 600 },
    });
    assert.equal(r.status, 201, r.text);
    traffic = await listen(t, w.tokens.top);
    // west is watched live: its pull holds a few seconds for the pre-roll; nobody pulls south
    const open = await t.api('POST', `/api/v1/cameras/${w.cams.west}/streams`, {
      token: w.tokens.top,
      body: { profile: 'main' },
    });
    assert.equal(open.status, 201, open.text);
    viewer = await LiveClient.open(t.base.replace(/^http/, 'ws') + open.body.live);
    await viewer.until(() => viewer.fragments.length > 0, 15_000, 'live video of west');
    await new Promise((res) => setTimeout(res, 4000));
  });
  after(async () => {
    traffic?.socket.close();
    await viewer?.close();
    await t?.close();
    await rtsp?.close();
  });

  it('the plan is off: nothing records before the alarm', async () => {
    assert.equal(rec.planOf({ id: w.cams.west, departmentId: t.departments.traffic, tags: [] }).mode, 'off');
    assert.deepEqual(rec.status(), []);
  });

  it('the alarm records both chosen cameras with its rolls, then the plan (off) holds again', async () => {
    const eventId = await postAlarmEvent(t, w, 'box-off-1', P);
    const m = await traffic.next((x) => x.reason === 'raised');
    assert.deepEqual(
      m.alarm.cameras.map((c: { id: string; recording: boolean }) => [c.id, c.recording]),
      [
        [w.cams.west, true],
        [w.cams.south, true],
      ],
    );
    const atMs = Date.parse(m.event.at);
    for (const cam of [w.cams.west, w.cams.south]) {
      await waitFor(async () => (await segsOf(cam, eventId, atMs)).length > 0 && state(cam)?.state === 'off', {
        what: `camera ${cam}: event footage, then off again`,
        timeoutMs: 40_000,
      });
      await rec.settled();
      const segs = await segsOf(cam, eventId, atMs);
      for (const x of segs) assert.equal(x.kind, 'event');
      const from = segs[0]!.startMs - atMs;
      const to = segs.at(-1)!.endMs - atMs;
      console.log(`      camera ${cam}: event footage from ${from} ms to +${to} ms around the alarm`);
      // west: the rule's 2 s pre-roll from the live pull's buffer; south: from when its pull started
      if (cam === w.cams.west) assert.ok(from <= -900 && from >= -3600, `west pre-roll: footage from ${from} ms`);
      else assert.ok(from > -1000, `south had no pull to replay: footage from ${from} ms`);
      assert.ok(to >= 2500 && to <= 12_000, `post-roll: footage to +${to} ms`);
    }
    // the plan is off again: no more footage is written
    await rec.settled();
    const count = async () =>
      (
        await Promise.all(
          [w.cams.west, w.cams.south].map((c) =>
            rec.footage.segments(c, new Date(atMs - 60_000).toISOString(), new Date(Date.now() + 1000).toISOString()),
          ),
        )
      ).flat().length;
    const n = await count();
    await new Promise((res) => setTimeout(res, 5000));
    await rec.settled();
    assert.equal(await count(), n, 'nothing recorded after the post-roll');
    assert.ok(viewer.closed === null, 'live viewing went on throughout');
  });
});
