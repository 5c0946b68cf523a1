// A camera that repeats parameter sets before every slice: the hub's fragments hold each picture as one sample, keyframes a GOP apart.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Supervisor, type StreamSpec } from '../../transcoder/index';
import { HubRecorder } from '../helpers/hub-recorder';
import { SimCam } from '../helpers/simcam-rtsp';

/** ffprobe's packets (dts seconds, key flag) of a fragmented MP4 file. */
function packets(file: string): Array<{ t: number; key: boolean }> {
  const csv = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'packet=dts_time,flags', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  return csv
    .trim()
    .split('\n')
    .map((l) => {
      const [t, flags] = l.split(',');
      return { t: Number(t), key: (flags ?? '').startsWith('K') };
    });
}

describe('transcoder: pictures split by the camera are served whole (integration)', function () {
  this.timeout(60_000);
  let root: string;
  const open: Array<{ close(): Promise<void> }> = [];

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-split-'));
  });
  after(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
    rmSync(root, { recursive: true, force: true });
  });

  for (const c of [
    { repeat: true, what: 'parameter sets before every slice' },
    { repeat: false, what: 'parameter sets once a keyframe' },
  ]) {
    it(`H.264 copied from a camera sending ${c.what}: one key packet per keyframe, none split`, async () => {
      // 640×360: x264's sliced threads make two slices a frame
      const cam = await SimCam.start({ count: 1, codec: 'h264', repeatParameterSets: c.repeat });
      open.push(cam);
      const sup = new Supervisor({ hlsDir: path.join(root, c.repeat ? 'rep' : 'once') });
      open.push(sup);
      await sup.start();
      const spec: StreamSpec = { cameraId: 'cam0', profile: 'main', url: cam.url(0), codec: 'h264', audioCodec: null };
      const states: string[] = [];
      sup.on('state', (e) => states.push(`${e.state}: ${e.reason}`));
      // the second cold start knows from the first whether the camera splits pictures
      for (const round of [1, 2]) {
        const r = await sup.acquire(spec);
        const rec = new HubRecorder(sup.hub(r.key)!);
        // three GOPs and a bit (15 fps, 1 s GOP)
        await rec.waitFragments(50, 15_000);
        const joined = path.join(root, `joined-${c.repeat}-${round}.mp4`);
        writeFileSync(joined, rec.bytes());
        const keys = packets(joined)
          .filter((p) => p.key)
          .map((p) => p.t);
        assert.ok(keys.length >= 3, `keyframes: ${keys.join(' ')}`);
        // a split picture shows as two key packets a tick apart; whole ones are a GOP apart (a new
        // session or a restarted run may bring its keyframe earlier, never within half a second)
        for (let i = 1; i < keys.length; i++)
          assert.ok(
            keys[i]! - keys[i - 1]! > 0.5,
            `cold start ${round}: one key packet per keyframe: ${keys.map((k) => k.toFixed(6)).join(' ')} (${states.join('; ')})`,
          );
        await sup.stop(r.key);
      }
    });
  }
});
