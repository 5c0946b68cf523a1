// Hostile or broken RTSP peers on 127.0.0.1: each ends in one 'closed' with a clear reason, the socket gone, no timer left.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { RtspSession, type RtspSessionOptions } from '../../transcoder/rtsp/rtsp-session';
import { answer, FakeCamera, goodAnswer, rtpFrame, type Script } from '../helpers/rtsp-fake-camera';
import { waitFor } from '../helpers/wait-for';

const TIMEOUT_MS = 400;

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

interface Outcome {
  reason: string;
  events: string[];
  logs: string[];
  cam: FakeCamera;
}

/** Runs a session against a scripted peer to its 'closed', and checks what every case must hold. */
async function against(
  script: Script,
  opts: Partial<RtspSessionOptions> = {},
  onSession?: (s: RtspSession) => void,
): Promise<Outcome> {
  const cam = await FakeCamera.start(script);
  const before = timers();
  const session = new RtspSession({ url: cam.url(), timeoutMs: TIMEOUT_MS, ...opts });
  const events: string[] = [];
  const logs: string[] = [];
  session.on('described', () => events.push('described'));
  session.on('playing', () => events.push('playing'));
  session.on('log', (l) => logs.push(l));
  onSession?.(session);
  const closed = once(session, 'closed');
  session.on('closed', () => events.push('closed'));
  session.start();
  const [reason] = (await closed) as [string];
  try {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([
      cam.disconnected,
      new Promise((_, reject) => (t = setTimeout(() => reject(new Error('socket still open')), 2000))),
    ]);
    clearTimeout(t);
    await waitFor(() => timers() <= before, { what: 'no timer of the session left', timeoutMs: 1000 });
    // a second close is a no-op that resolves
    await session.close('again');
    assert.equal(events.filter((e) => e === 'closed').length, 1);
  } finally {
    await cam.close();
  }
  return { reason, events, logs, cam };
}

describe('RTSP session against hostile peers', function () {
  this.timeout(15000);

  it('a camera that never answers: "timeout" after timeoutMs', async () => {
    const t0 = Date.now();
    const o = await against(() => undefined);
    assert.equal(o.reason, `timeout: no answer to DESCRIBE within ${TIMEOUT_MS} ms`);
    assert.ok(Date.now() - t0 < TIMEOUT_MS + 1000);
  });

  it('nothing listening: a connection error', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
    const port = (free.address() as net.AddressInfo).port;
    await new Promise((r) => free.close(r));
    const s = new RtspSession({ url: `rtsp://u:secret@127.0.0.1:${port}/x`, timeoutMs: TIMEOUT_MS });
    const closed = once(s, 'closed');
    s.start();
    assert.match(String((await closed)[0]), /^connection error: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('an unparsable URL: closed, no throw', async () => {
    const s = new RtspSession({ url: 'rtsp://user:pw@[bad/x', timeoutMs: TIMEOUT_MS });
    const closed = once(s, 'closed');
    s.start();
    assert.deepEqual(await closed, ['not a URL: rtsp://[bad/x']);
  });

  it('a huge Content-Length: "hostile", nothing buffered', async () => {
    const o = await against((req, sock) =>
      sock.write(`RTSP/1.0 200 OK\r\nCSeq: ${req.cseq}\r\nContent-Length: 2000000000\r\n\r\nv=0`),
    );
    assert.equal(o.reason, 'hostile Content-Length 2000000000: the answer would exceed the 65536-byte limit');
  });

  it('garbage instead of RTSP (an HTTP server)', async () => {
    const o = await against((_req, sock) => sock.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    assert.equal(o.reason, 'hostile or garbled answer (not RTSP): "HTTP/1.1"');
  });

  it('an endless head without a blank line: "hostile" at maxMessageBytes', async () => {
    const o = await against(
      (req, sock) => sock.write(`RTSP/1.0 200 OK\r\nCSeq: ${req.cseq}\r\nX: ${'a'.repeat(10000)}`),
      { maxMessageBytes: 4096 },
    );
    assert.equal(o.reason, 'hostile answer head longer than 4096 bytes');
  });

  it('a 301 redirect is refused, credentials in its Location masked', async () => {
    const o = await against((req, sock) =>
      sock.write(answer(req, '301 Moved Permanently', { Location: 'rtsp://admin:hunter2@10.9.9.9/other' })),
    );
    assert.equal(
      o.reason,
      'DESCRIBE redirected (301 Moved Permanently) to rtsp://admin:***@10.9.9.9/other: redirects are refused',
    );
    assert.deepEqual(o.cam.methods(), ['DESCRIBE']);
  });

  it('401 forever: answered once, then "unauthorized"', async () => {
    const o = await against(
      (req, sock) =>
        sock.write(
          answer(req, '401 Unauthorized', { 'WWW-Authenticate': 'Digest realm="cam", nonce="n0", qop="auth"' }),
        ),
      { username: 'admin', password: 'hunter2' },
    );
    assert.equal(o.reason, 'unauthorized: DESCRIBE answered 401 Unauthorized to the digest credentials');
    assert.deepEqual(o.cam.methods(), ['DESCRIBE', 'DESCRIBE']);
    assert.match(
      o.cam.requests[1]!.headers.authorization!,
      /^Digest username="admin", realm="cam", nonce="n0", uri="rtsp:\/\/127\.0\.0\.1:\d+\/stream", response="[0-9a-f]{32}", qop=auth, nc=00000001, cnonce="/,
    );
    assert.ok(!o.logs.join('').includes('hunter2'));
  });

  it('a 404: closed with the status and reason phrase', async () => {
    const o = await against((req, sock) => sock.write(answer(req, '404 Stream Not Found')));
    assert.equal(o.reason, 'DESCRIBE answered 404 Stream Not Found');
  });

  it('an SDP without video', async () => {
    const sdp = 'v=0\r\nm=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n';
    const o = await against((req, sock) =>
      sock.write(answer(req, '200 OK', { 'Content-Type': 'application/sdp' }, sdp)),
    );
    assert.equal(o.reason, 'SDP offers no H.264/H.265 video at 90000 Hz (media: audio PCMA)');
  });

  it('a SETUP answered with UDP transport', async () => {
    const o = await against((req, sock) =>
      sock.write(
        req.method === 'SETUP'
          ? answer(req, '200 OK', { Transport: 'RTP/AVP;unicast;client_port=5000-5001', Session: '1' })
          : goodAnswer(req),
      ),
    );
    assert.equal(
      o.reason,
      'SETUP answered a transport other than TCP interleaved: "RTP/AVP;unicast;client_port=5000-5001"',
    );
  });

  it('a SETUP answer without Transport: channels 0-1 assumed, pictures arrive', async () => {
    let n = 0;
    const o = await against(
      (req, sock) => {
        sock.write(req.method === 'SETUP' ? answer(req, '200 OK', { Session: '77' }) : goodAnswer(req));
        if (req.method === 'PLAY') sock.write(Buffer.concat([rtpFrame(1, 0, 5), rtpFrame(2, 3000, 1)]));
      },
      {},
      (s) => s.on('accessUnit', () => ++n === 2 && void s.close('two pictures')),
    );
    assert.equal(o.reason, 'two pictures');
    assert.ok(o.logs.some((l) => /interleaved channels 0-1 assumed/.test(l)));
  });

  it('an interleaved frame longer than the limit after PLAY: "hostile"; TEARDOWN still tried', async () => {
    const o = await against(
      (req, sock) => {
        sock.write(goodAnswer(req));
        if (req.method === 'PLAY')
          sock.write(Buffer.concat([Buffer.from([0x24, 0, 0x40, 0x00]), Buffer.alloc(0x4000)]));
      },
      { maxMessageBytes: 4096 },
    );
    assert.equal(o.reason, 'hostile interleaved frame of 16384 bytes (limit 4096)');
    assert.deepEqual(o.cam.methods(), ['DESCRIBE', 'SETUP', 'PLAY', 'TEARDOWN']);
  });

  it('requests from the camera are answered (OPTIONS 200, others 501), logged only at first', async () => {
    const o = await against((req, sock) => {
      if (req.method.startsWith('RTSP/')) return;
      sock.write(goodAnswer(req));
      if (req.method === 'PLAY') {
        for (let i = 0; i < 5; i++) sock.write(`OPTIONS * RTSP/1.0\r\nCSeq: ${100 + i}\r\n\r\n`);
        sock.write('ANNOUNCE rtsp://127.0.0.1/x RTSP/1.0\r\nCSeq: 200\r\n\r\n');
      }
    });
    assert.match(o.reason, /^timeout: no RTP/);
    const answers = o.cam.requests.filter((r) => r.method.startsWith('RTSP/'));
    assert.deepEqual(
      answers.map((r) => `${r.url} ${r.cseq}`),
      ['200 100', '200 101', '200 102', '200 103', '200 104', '501 200'],
    );
    assert.equal(o.logs.filter((l) => l.startsWith('the camera sent')).length, 3);
  });

  it('a picture over maxAccessUnitBytes: closed, nothing handed on', async () => {
    let n = 0;
    const o = await against(
      (req, sock) => {
        sock.write(goodAnswer(req));
        if (req.method === 'PLAY') sock.write(rtpFrame(1, 0, 5, 5000));
      },
      { maxAccessUnitBytes: 4000 },
      (s) => s.on('accessUnit', () => n++),
    );
    assert.equal(o.reason, 'picture larger than the 4000-byte limit (hostile or broken stream)');
    assert.equal(n, 0);
  });

  it('silence after PLAY: "timeout" while playing, then TEARDOWN with the session', async () => {
    const o = await against((req, sock) => sock.write(goodAnswer(req)));
    assert.match(o.reason, /^timeout: no RTP or RTCP received for \d+ ms while playing$/);
    assert.deepEqual(o.events, ['described', 'playing', 'closed']);
    const teardown = o.cam.requests.at(-1)!;
    assert.deepEqual([teardown.method, teardown.headers.session], ['TEARDOWN', '12345678']);
  });

  it('the camera hangs up mid-session', async () => {
    const o = await against((req, sock) =>
      req.method === 'PLAY' ? sock.end(goodAnswer(req)) : sock.write(goodAnswer(req)),
    );
    assert.equal(o.reason, 'connection closed by the camera');
  });

  it('an accessUnit listener that throws: closed with its message, nothing escapes', async () => {
    const o = await against(
      (req, sock) => {
        sock.write(goodAnswer(req));
        if (req.method === 'PLAY') sock.write(Buffer.concat([rtpFrame(1, 0, 5), rtpFrame(2, 3000, 1)]));
      },
      {},
      (s) =>
        s.on('accessUnit', () => {
          throw new Error('muxer broke');
        }),
    );
    assert.equal(o.reason, 'muxer broke');
  });
});
