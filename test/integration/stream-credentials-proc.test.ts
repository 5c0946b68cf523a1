// Camera passwords stay out of every process's command line and environment while streams run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const run = promisify(execFile);

/** Pids whose parent is this test process (the gateway runs in it and spawns ffmpeg itself). */
async function ourChildren(): Promise<Set<number>> {
  const out = new Set<number>();
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis
      const stat = await readFile(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) out.add(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Every process's /proc/<pid>/<file> that can be read, keyed by pid. */
async function procFiles(file: 'cmdline' | 'environ'): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      out.set(Number(d), (await readFile(`/proc/${d}/${file}`)).toString('latin1').replace(/\0/g, ' '));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return out;
}

describe('streams: camera credentials are not in the process list', function () {
  this.timeout(90000);
  const USER = 'cam-admin';
  const PASSWORD = "Pq9'w:x@Zk41vq";
  let t: TestGateway;
  let rtsp: RtspProcess;

  before(async () => {
    rtsp = await RtspProcess.start({ count: 2, codec: 'h264', user: USER, password: PASSWORD });
    // ffmpeg pulls here: the test reads its command lines (a native pull runs no process at all: transcoder-native)
    t = await startTestGateway({ transcoder: { pullEngine: 'ffmpeg' } });
    await t.addUser('cadm', 'admin', 'police');
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  it('four authenticated streams play, and no command line or environment shows the password', async () => {
    const tok = await t.login('cadm');
    const ids: string[] = [];
    for (const i of [0, 1]) {
      // one camera with the credentials in its URI, one with them given apart
      const body =
        i === 0
          ? { name: `cam ${i}`, mainUri: rtsp.url(i, 'main'), subUri: rtsp.url(i, 'sub'), lng: 111.69, lat: 29.03 }
          : {
              name: `cam ${i}`,
              mainUri: rtsp.url(i, 'main', false),
              subUri: rtsp.url(i, 'sub', false),
              username: USER,
              password: PASSWORD,
              lng: 111.69,
              lat: 29.03,
            };
      const r = await t.api('POST', '/api/v1/cameras', {
        token: tok,
        body: { ...body, streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } } },
      });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    for (const id of ids) {
      for (const profile of ['main', 'sub']) {
        const s = await t.api('POST', `/api/v1/cameras/${id}/streams`, { token: tok, body: { profile } });
        // 201 only once the pull published its first keyframe: the credentials reached the camera
        assert.equal(s.status, 201, s.text);
      }
    }
    const secrets = [PASSWORD, encodeURIComponent(PASSWORD), 'Zk41vq'];
    const cmdlines = await procFiles('cmdline');
    for (const [file, map] of [
      ['cmdline', cmdlines],
      ['environ', await procFiles('environ')],
    ] as const) {
      for (const [pid, text] of map) {
        if (pid === rtsp.pid) continue; // the simulated camera itself is told its password on its command line
        for (const s of secrets)
          assert.ok(!text.includes(s), `/proc/${pid}/${file} shows the camera password: ${text.slice(0, 300)}`);
      }
    }
    const mine = await ourChildren();
    const workers = [...cmdlines].filter(([pid, c]) => mine.has(pid) && /ffmpeg .*-i pipe:3/.test(c));
    const ffmpegs = [...cmdlines.values()].filter((c) => c.includes('ffmpeg')).join('\n');
    assert.equal(workers.length, 4, `one ffmpeg per stream, reading its source on fd 3:\n${ffmpegs}`);
    // as another local user (nobody): every command line and environment it can read
    const other = await run(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        'sh',
        '-c',
        'for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ; do tr "\\0" " " < "$f" 2>/dev/null; echo; done',
      ],
      { maxBuffer: 64 << 20 },
    );
    assert.match(other.stdout, /-i pipe:3/, 'the other user does see the workers');
    const seen = other.stdout.split('\n').filter((l) => !l.includes('rtsp_server.py'));
    for (const s of secrets) assert.ok(!seen.some((l) => l.includes(s)), `another user reads the password: ${s}`);
  });

  it('a snapshot grabbed from the stream by ffmpeg shows no password either', async () => {
    const tok = await t.login('cadm');
    // a camera whose streams do not run: a running stream's snapshot is read from its own output, not the camera
    const cam = await t.api('POST', '/api/v1/cameras', {
      token: tok,
      body: {
        name: 'cam idle',
        mainUri: rtsp.url(1, 'main', false),
        subUri: rtsp.url(1, 'sub', false),
        username: USER,
        password: PASSWORD,
        lng: 111.69,
        lat: 29.03,
        streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
      },
    });
    const id = cam.body.id as string;
    const seen = new Set<string>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const cmdlines = await procFiles('cmdline');
        const mine = await ourChildren();
        for (const [pid, text] of cmdlines)
          if (pid !== rtsp.pid && text.includes('ffmpeg')) seen.add(`${mine.has(pid) ? 'ours' : 'other'} ${text}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const r = await t.api('GET', `/api/v1/cameras/${id}/snapshot`, { token: tok });
    polling = false;
    await poll;
    assert.equal(r.status, 200, r.text);
    const grabs = [...seen].filter((c) => c.startsWith('ours ') && c.includes('image2'));
    assert.ok(grabs.length > 0, `the snapshot's ffmpeg was seen: ${[...seen].join('\n')}`);
    for (const c of seen)
      assert.ok(
        !c.includes(PASSWORD) && !c.includes(encodeURIComponent(PASSWORD)) && !c.includes('Zk41vq'),
        `password in ${c}`,
      );
    assert.ok(
      grabs.every((c) => c.includes('-i pipe:3')),
      grabs.join('\n'),
    );
  });
});
