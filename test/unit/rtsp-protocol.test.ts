// RTSP wire pieces: Digest/Basic answers (RFC 2617 worked example), message/frame splitting with bounds, RTCP reports.
import assert from 'node:assert/strict';
import { RtspError } from '../../transcoder/errors';
import { RtcpReceiver } from '../../transcoder/rtsp/rtcp';
import { Authenticator, digestResponse, parseChallenge } from '../../transcoder/rtsp/rtsp-auth';
import { header, RtspReader, type RtspMessage } from '../../transcoder/rtsp/rtsp-reader';

describe('RTSP authentication', () => {
  it('computes the RFC 2617 §3.5 worked example (MD5, qop=auth)', () => {
    const r = digestResponse({
      username: 'Mufasa',
      password: 'Circle Of Life',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    assert.equal(r, '6629fae49393a05397450978507c4ef1');
  });

  it('computes the RFC 7616 §3.9.1 example with SHA-256', () => {
    const r = digestResponse({
      username: 'Mufasa',
      password: 'Circle of Life',
      realm: 'http-auth@example.org',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
      algorithm: 'SHA-256',
    });
    assert.equal(r, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('parses a challenge with quoted commas and escapes', () => {
    const c = parseChallenge('Digest realm="a, \\"b\\"", nonce="n1", qop="auth,auth-int", algorithm=MD5, stale=FALSE');
    assert.equal(c.scheme, 'digest');
    assert.deepEqual(Object.fromEntries(c.params), {
      realm: 'a, "b"',
      nonce: 'n1',
      qop: 'auth,auth-int',
      algorithm: 'MD5',
      stale: 'FALSE',
    });
  });

  it('answers Digest without qop as RFC 2069 does, with opaque, and counts nc with qop', () => {
    const a = Authenticator.from(['Basic realm="x"', 'Digest realm="cam", nonce="abc", opaque="op"'], 'u', 'p')!;
    assert.equal(a.scheme, 'digest');
    const h = a.authorization('DESCRIBE', 'rtsp://h/x');
    const want = digestResponse({
      username: 'u',
      password: 'p',
      realm: 'cam',
      nonce: 'abc',
      method: 'DESCRIBE',
      uri: 'rtsp://h/x',
      qop: '',
      nc: '',
      cnonce: '',
    });
    assert.match(
      h,
      new RegExp(`^Digest username="u", realm="cam", nonce="abc", uri="rtsp://h/x", response="${want}", opaque="op"$`),
    );
    const q = Authenticator.from(['Digest realm="cam", nonce="abc", qop="auth"'], 'u', 'p')!;
    assert.match(q.authorization('SETUP', 'rtsp://h/x'), /qop=auth, nc=00000001, cnonce="[0-9a-f]{16}"$/);
    assert.match(q.authorization('PLAY', 'rtsp://h/x'), /nc=00000002/);
  });

  it('prefers SHA-256 Digest over MD5, answers Basic alone, refuses unknown schemes and auth-int only', () => {
    assert.match(
      Authenticator.from(
        ['Digest realm="r", nonce="n"', 'Digest realm="r", nonce="n", algorithm=SHA-256'],
        'u',
        'p',
      )!.authorization('X', 'u'),
      /algorithm=SHA-256/,
    );
    assert.equal(
      Authenticator.from(['Basic realm="cam"'], 'admin', 'pä:ss')!.authorization('X', 'u'),
      `Basic ${Buffer.from('admin:pä:ss').toString('base64')}`,
    );
    assert.equal(
      Authenticator.from(['Bearer realm="x"', 'Digest realm="r", nonce="n", qop="auth-int"'], 'u', 'p'),
      null,
    );
    assert.equal(Authenticator.from(['Digest realm="r", nonce="n", algorithm=SHA-512-256'], 'u', 'p'), null);
  });
});

function reader(maxMessage = 1024, maxFrame = 1024) {
  const frames: Array<[number, string]> = [];
  const messages: RtspMessage[] = [];
  const r = new RtspReader(
    maxMessage,
    maxFrame,
    (ch, p) => frames.push([ch, p.toString('latin1')]),
    (m) => messages.push(m),
  );
  return { r, frames, messages };
}
const frame = (ch: number, body: string): Buffer =>
  Buffer.concat([Buffer.from([0x24, ch, 0, body.length]), Buffer.from(body, 'latin1')]);

describe('RTSP reader', () => {
  it('splits answers and interleaved frames mixed, whatever the chunk boundaries', () => {
    const wire = Buffer.concat([
      Buffer.from(
        'RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Length: 5\r\nWWW-Authenticate: a\r\nWWW-Authenticate: b\r\n\r\nhello',
      ),
      frame(0, 'rtp-1'),
      frame(1, 'rtcp'),
      Buffer.from('\r\nRTSP/1.0 454 Session Not Found\r\nCSeq: 4\r\n\r\n'),
      frame(0, 'rtp-2'),
      Buffer.from('SET_PARAMETER rtsp://h/x RTSP/1.0\r\nCSeq: 1\r\n\r\n'),
    ]);
    for (const step of [1, 3, 7, wire.length]) {
      const { r, frames, messages } = reader();
      for (let i = 0; i < wire.length; i += step) r.push(wire.subarray(i, i + step), 0);
      assert.deepEqual(frames, [
        [0, 'rtp-1'],
        [1, 'rtcp'],
        [0, 'rtp-2'],
      ]);
      assert.deepEqual(
        messages.map((m) => [m.status, m.reason, header(m, 'cseq'), m.body.toString()]),
        [
          [200, 'OK', '3', 'hello'],
          [454, 'Session Not Found', '4', ''],
          [0, 'SET_PARAMETER rtsp://h/x RTSP/1.0', '1', ''],
        ],
      );
      assert.deepEqual(
        messages[0]!.headers.filter(([k]) => k === 'www-authenticate').map(([, v]) => v),
        ['a', 'b'],
      );
    }
  });

  it('reads answers whose lines end with LF alone, as a few cameras send them', () => {
    const { r, frames, messages } = reader();
    r.push(Buffer.concat([Buffer.from('RTSP/1.0 200 OK\nCSeq: 2\nContent-Length: 3\n\nv=0'), frame(0, 'x')]), 0);
    assert.deepEqual(
      messages.map((m) => [m.status, header(m, 'cseq'), m.body.toString()]),
      [[200, '2', 'v=0']],
    );
    assert.deepEqual(frames, [[0, 'x']]);
  });

  const hostile: Array<[string, string | Buffer, RegExp]> = [
    ['an HTTP answer', 'HTTP/1.1 200 OK\r\n\r\n', /hostile or garbled answer \(not RTSP\): "HTTP\/1\.1"/],
    ['binary garbage', Buffer.from([0x16, 3, 1, 0, 0xa5]), /not RTSP/],
    [
      'a Content-Length over the limit',
      'RTSP/1.0 200 OK\r\nContent-Length: 999999999\r\n\r\n',
      /hostile Content-Length 999999999/,
    ],
    ['a garbled Content-Length', 'RTSP/1.0 200 OK\r\nContent-Length: -5\r\n\r\n', /garbled Content-Length "-5"/],
    ['a head without an end', `RTSP/1.0 200 OK\r\nX: ${'y'.repeat(2000)}`, /head longer than 1024 bytes/],
    ['a header line without a colon', 'RTSP/1.0 200 OK\r\nnonsense\r\n\r\n', /garbled header line "nonsense"/],
    ['a garbled status line', 'RTSP/1.0 abc\r\n\r\n', /garbled status line/],
    [
      'too many header lines',
      `RTSP/1.0 200 OK\r\n${'a:b\r\n'.repeat(200)}\r\n`,
      /hostile answer with 20\d header lines \(limit 128\)/,
    ],
    [
      'a frame over the limit',
      Buffer.from([0x24, 0, 0xff, 0xff]),
      /hostile interleaved frame of 65535 bytes \(limit 1024\)/,
    ],
  ];
  for (const [name, bytes, why] of hostile)
    it(`throws RtspError on ${name}`, () => {
      const { r } = reader(name.includes('header lines') ? 65536 : 1024);
      assert.throws(
        () => r.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), 0),
        (e: unknown) => e instanceof RtspError && why.test(e.message),
      );
    });
});

describe('RTCP receiver reports', () => {
  it('reports the stream SSRC, losses, the highest sequence number, and LSR/DLSR from a sender report', () => {
    const rx = new RtcpReceiver();
    assert.equal(
      rx.report({ ssrc: 7, received: 0, extendedSeq: -1, baseSeq: 0 }, 0),
      null,
      'nothing before the first packet',
    );
    const sr = Buffer.alloc(28);
    sr[0] = 0x80;
    sr[1] = 200;
    sr.writeUInt16BE(6, 2);
    sr.writeUInt32BE(0x11223344, 8);
    sr.writeUInt32BE(0x55667788, 12);
    rx.onPacket(sr, 1000);
    const rr = rx.report({ ssrc: 7, received: 90, extendedSeq: 65535 + 100, baseSeq: 65535 }, 1500)!;
    assert.deepEqual([rr[0], rr[1], rr.readUInt16BE(2)], [0x81, 201, 7]);
    assert.equal(rr.readUInt32BE(4), rx.ssrc);
    assert.equal(rr.readUInt32BE(8), 7);
    assert.equal(rr[12], Math.floor((11 * 256) / 101), 'fraction lost');
    assert.equal(rr.readUIntBE(13, 3), 11, 'cumulative lost');
    assert.equal(rr.readUInt32BE(16), 65635);
    assert.equal(rr.readUInt32BE(24), 0x33445566, 'LSR: the middle 32 bits of the NTP time');
    assert.equal(rr.readUInt32BE(28), 32768, 'DLSR: 0.5 s in 1/65536 s');
    assert.deepEqual(
      [rr[32], rr[33], (rr.readUInt16BE(34) + 1) * 4, rr.length - 32],
      [0x81, 202, rr.length - 32, rr.length - 32],
    );
    assert.equal(rr.toString('latin1', 42, 42 + rr[41]!), 'cloudeye');
  });
});
