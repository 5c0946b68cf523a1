// The native RTSP client's upkeep of a playing session: keepalives, Digest renewal, RTCP reports, and RTSPS (TLS).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type net from 'node:net';
import { RtspSession } from '../../transcoder/rtsp/rtsp-session';
import { answer, FakeCamera, type FakeRequest, goodAnswer, rtpFrame } from '../helpers/rtsp-fake-camera';
import { waitFor } from '../helpers/wait-for';

/** Answers well and, after PLAY, sends a picture every 40 ms (a keyframe every 10) until stopped. */
function feeding(special?: (req: FakeRequest, sock: net.Socket) => boolean) {
  const feeds: NodeJS.Timeout[] = [];
  const script = (req: FakeRequest, sock: net.Socket): void => {
    if (special?.(req, sock)) return;
    sock.write(goodAnswer(req, 2));
    if (req.method === 'PLAY') {
      let seq = 0;
      feeds.push(
        setInterval(() => sock.writable && sock.write(rtpFrame(seq++, seq * 3000, seq % 10 === 1 ? 5 : 1)), 40),
      );
    }
  };
  return { script, stop: () => feeds.forEach((f) => clearInterval(f)) };
}

describe('RTSP session upkeep', function () {
  this.timeout(20000);

  it('keepalives (GET_PARAMETER, then OPTIONS after a 501) and RTCP receiver reports while playing', async () => {
    const feed = feeding(
      (req, sock) => req.method === 'GET_PARAMETER' && !!sock.write(answer(req, '501 Not Implemented')),
    );
    const cam = await FakeCamera.start(feed.script);
    const s = new RtspSession({ url: cam.url(), timeoutMs: 2000 });
    const aus: number[] = [];
    s.on('accessUnit', (au) => aus.push(au.timestamp));
    s.start();
    try {
      await waitFor(() => cam.frames.length > 0 && cam.methods().includes('OPTIONS'), {
        what: 'an RTCP report and an OPTIONS',
        timeoutMs: 8000,
      });
      const rr = cam.frames[0]!;
      assert.equal(rr.channel, 1);
      assert.deepEqual([rr.data[0], rr.data[1], rr.data.readUInt32BE(8)], [0x81, 201, 0xcafe]);
      assert.deepEqual(cam.methods().slice(0, 5), ['DESCRIBE', 'SETUP', 'PLAY', 'GET_PARAMETER', 'OPTIONS']);
      assert.ok(aus.length > 50);
    } finally {
      feed.stop();
      await s.close('done');
      await cam.close();
    }
    assert.equal(cam.methods().at(-1), 'TEARDOWN');
  });

  it('a 401 to a keepalive (expired Digest nonce): the fresh challenge is answered from the next request on', async () => {
    let nonce = 'n1';
    let keepalives = 0;
    const challenge = (req: FakeRequest, stale = false) =>
      answer(req, '401 Unauthorized', {
        'WWW-Authenticate': `Digest realm="cam", nonce="${nonce}"${stale ? ', stale=TRUE' : ''}`,
      });
    const feed = feeding((req, sock) => {
      const auth = req.headers.authorization ?? '';
      if (!auth.includes(`nonce="${nonce}"`)) return !!sock.write(challenge(req));
      if (req.method === 'GET_PARAMETER' && ++keepalives === 1) {
        nonce = 'n2';
        return !!sock.write(challenge(req, true));
      }
      return false;
    });
    const cam = await FakeCamera.start(feed.script);
    const s = new RtspSession({ url: cam.url('/stream', 'admin:pw@'), timeoutMs: 2000 });
    const logs: string[] = [];
    s.on('log', (l) => logs.push(l));
    let closedEarly = '';
    s.on('closed', (r) => (closedEarly = r));
    s.start();
    try {
      await waitFor(() => keepalives >= 2, { what: 'a second keepalive', timeoutMs: 8000 });
      const gets = cam.requests.filter((r) => r.method === 'GET_PARAMETER');
      assert.match(gets[0]!.headers.authorization!, /nonce="n1"/);
      assert.match(gets[1]!.headers.authorization!, /nonce="n2"/);
      assert.equal(closedEarly, '');
      assert.ok(logs.some((l) => /credentials renewed/.test(l)));
    } finally {
      feed.stop();
      await s.close('done');
      await cam.close();
    }
  });

  describe('over RTSPS', () => {
    let dir = '';
    let pair: { key: string; cert: string };
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'rtsps-'));
      const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=camera.local',
          '-keyout',
          key,
          '-out',
          cert,
        ],
        { stdio: 'ignore' },
      );
      pair = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('plays from a camera with a self-signed certificate', async () => {
      const feed = feeding();
      const cam = await FakeCamera.start(feed.script, pair);
      const s = new RtspSession({ url: cam.url(), timeoutMs: 2000 });
      let n = 0;
      s.on('accessUnit', () => n++);
      s.start();
      try {
        await waitFor(() => n >= 5, { what: 'five pictures over TLS' });
      } finally {
        feed.stop();
        await s.close('done');
        await cam.close();
      }
      assert.deepEqual(cam.methods(), ['DESCRIBE', 'SETUP', 'PLAY', 'TEARDOWN']);
    });

    it('refuses that certificate when told to verify it', async () => {
      const cam = await FakeCamera.start(() => undefined, pair);
      const s = new RtspSession({ url: cam.url(), timeoutMs: 2000, tlsVerify: true });
      const closed = once(s, 'closed');
      s.start();
      try {
        assert.match(String((await closed)[0]), /^connection error: self[- ]signed certificate/);
      } finally {
        await cam.close();
      }
    });
  });
});
