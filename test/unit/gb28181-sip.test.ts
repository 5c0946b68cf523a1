// Parses every SIP capture of test/fixtures/gb28181 (files and both pcapng captures), round-trips them, and refuses hostile messages.
import assert from 'node:assert/strict';
import {
  SipParseError,
  SipStreamFramer,
  SipTooLargeError,
  header,
  headerValues,
  parseCSeq,
  parseManscdp,
  parseNameAddr,
  parseSdp,
  parseSip,
  parseVia,
  serializeSip,
  type SipMessage,
} from '../../gateway/gb28181/index';
import { SHORT_BODY, classOf, completeWireBytes, readGb, sipFixtures, wireBytes } from '../helpers/gb-fixtures';
import { readPcapng } from '../helpers/pcapng';

/** What each capture must read as: start line, Call-ID and CSeq (checked for every file). */
const EXPECT: Record<string, [string, string, string]> = {
  'gbsolution-ack.sip': ['ACK', 'c17d9a28ae451c777e68576eee627e8b@0.0.0.0', '1 ACK'],
  'gbsolution-bye-200ok.sip': ['200', '', '2 BYE'],
  'gbsolution-bye.sip': ['BYE', '', '2 BYE'],
  'gbsolution-catalog-query.sip': ['MESSAGE', '', '1 MESSAGE'],
  'gbsolution-catalog-response.sip': ['MESSAGE', '2091677733', '20 MESSAGE'],
  'gbsolution-invite-100-trying.sip': ['100', 'c17d9a28ae451c777e68576eee627e8b@0.0.0.0', '1 INVITE'],
  'gbsolution-invite-200ok-udp.sip': ['200', 'c17d9a28ae451c777e68576eee627e8b@0.0.0.0', '1 INVITE'],
  'gbsolution-invite-udp.sip': ['INVITE', 'c17d9a28ae451c777e68576eee627e8b@0.0.0.0', '1 INVITE'],
  'gbsolution-keepalive-200ok.sip': ['200', '', '20 MESSAGE'],
  'gbsolution-keepalive.sip': ['MESSAGE', '', '20 MESSAGE'],
  'gbsolution-register-200ok.sip': ['200', '507780873', '2 REGISTER'],
  'gbsolution-register-401.sip': ['401', '507780873', '1 REGISTER'],
  'gbsolution-register-digest.sip': ['REGISTER', '507780873', '2 REGISTER'],
  'gbsolution-register-noauth.sip': ['REGISTER', '507780873', '1 REGISTER'],
  'gbsolution-unregister-digest.sip': ['REGISTER', '', '3 REGISTER'],
  'gbtsipserver-ack.sip': ['ACK', '87CA42974A4542FBABA739D962039D58@192.168.3.139:5060', '2 INVITE'],
  'gbtsipserver-bye.sip': ['BYE', '', ''],
  'gbtsipserver-devicestatus-query.sip': [
    'MESSAGE',
    '5891C49C3F594284AAF5E50F9892BDEA@192.168.3.139:5060',
    '1 MESSAGE',
  ],
  'gbtsipserver-invite-200ok-udp.sip': ['200', '', '2 INVITE'],
  'gbtsipserver-invite-udp.sip': ['INVITE', '87CA42974A4542FBABA739D962039D58@192.168.3.139:5060', '2 INVITE'],
  'gbtsipserver-keepalive.sip': ['MESSAGE', '00004AE100006784@192.168.3.139', '1 MESSAGE'],
  'gbtsipserver-register-200ok.sip': ['200', '0000525E00000306@192.168.3.139', '2 REGISTER'],
  'gbtsipserver-register-401.sip': ['401', '0000525E00000306@192.168.3.139', '1 REGISTER'],
  'gbtsipserver-register-digest.sip': ['REGISTER', '0000525E00000306@192.168.3.139', '2 REGISTER'],
  'gbtsipserver-register-noauth.sip': ['REGISTER', '0000525E00000306@192.168.3.139', '1 REGISTER'],
  'thinkgos-dahua-ack.sip': ['ACK', 'VqjJJAvkxIICQz2yDSdjkswI87nPvu5e', '2 ACK'],
  'thinkgos-dahua-bye-200ok.sip': ['200', 'VqjJJAvkxIICQz2yDSdjkswI87nPvu5e', ''],
  'thinkgos-dahua-bye.sip': ['BYE', 'VqjJJAvkxIICQz2yDSdjkswI87nPvu5e', ''],
  'thinkgos-dahua-invite-100-trying.sip': ['100', 'VqjJJAvkxIICQz2yDSdjkswI87nPvu5e', '1 INVITE'],
  'thinkgos-dahua-invite-101-dialog-establishment.sip': ['101', 'VqjJJAvkxIICQz2yDSdjkswI87nPvu5e', '1 INVITE'],
  'thinkgos-dahua-invite-200ok-tcp-active.sip': ['200', 'VqjJJAvkxIICQz2yDSdjkswI87nPvu5e', '1 INVITE'],
  'thinkgos-dahua-invite-tcp-passive.sip': ['INVITE', 'VqjJJAvkxIICQz2yDSdjkswI87nPvu5e', '1 INVITE'],
  'thinkgos-register-200ok.sip': ['200', '', '2 REGISTER'],
  'thinkgos-register-noauth.sip': ['REGISTER', '1455222403', '1 REGISTER'],
};

function parseFixture(file: string): SipMessage {
  const bytes = wireBytes(file);
  const short = SHORT_BODY[file];
  if (!short) return parseSip(bytes);
  assert.throws(
    () => parseSip(bytes),
    (e: unknown) => e instanceof SipParseError && /Content-Length/.test(e.message),
  );
  return parseSip(completeWireBytes(file));
}

/** The checks every message gets: structured headers parse, and the body parses as its Content-Type says. */
function checkStructure(m: SipMessage): void {
  for (const v of headerValues(m, 'Via')) assert.match(parseVia(v).transport, /^(UDP|TCP)$/);
  assert.ok(parseNameAddr(header(m, 'From') ?? '').uri.user.length > 0);
  assert.ok(parseNameAddr(header(m, 'To') ?? '').uri.host.length > 0);
  const type = (header(m, 'Content-Type') ?? '').toLowerCase();
  if (type.includes('sdp')) assert.ok(parseSdp(m.body.toString()).port > 0);
  if (type.includes('manscdp') || m.body.toString().startsWith('<?xml')) assert.ok(parseManscdp(m.body).cmdType);
  const round = parseSip(serializeSip(m));
  assert.deepEqual(
    round.headers.filter((h) => h.name !== 'Content-Length'),
    m.headers.filter((h) => h.name !== 'Content-Length'),
  );
  assert.deepEqual(round.body, m.body);
}

describe('gb28181 SIP messages', () => {
  it('every .sip fixture has an expectation here', () => {
    assert.deepEqual(sipFixtures(), Object.keys(EXPECT).sort());
  });

  for (const [file, [start, callId, cseq]] of Object.entries(EXPECT)) {
    it(`${classOf(file)} capture ${file}`, () => {
      const m = parseFixture(file);
      assert.equal(m.kind === 'request' ? m.method : String(m.status), start);
      if (callId) assert.equal(header(m, 'Call-ID'), callId);
      if (cseq) assert.deepEqual(parseCSeq(header(m, 'CSeq') ?? ''), parseCSeq(cseq));
      checkStructure(m);
      if (classOf(file) === 'wire') assert.deepEqual(m.body.length, Number(header(m, 'Content-Length')));
    });
  }

  it('log captures as printed (request line swapped) are refused with a SipParseError', () => {
    assert.throws(() => parseSip(readGb('gbtsipserver-register-noauth.sip')), SipParseError);
  });

  it('transcripts with LF line ends: headers parse, a body short of Content-Length is refused', () => {
    const m = parseSip(Buffer.concat([readGb('thinkgos-register-noauth.sip'), Buffer.from('\n')]));
    assert.equal(header(m, 'User-Agent'), 'IP Camera');
    assert.throws(() => parseSip(readGb('thinkgos-dahua-invite-tcp-passive.sip')), /Content-Length 261/);
  });

  it('details GB/T 28181 relies on: compact Content-Length padding, Subject, Date, digest challenge, rport', () => {
    const cat = parseFixture('gbsolution-catalog-response.sip');
    assert.equal(header(cat, 'Content-Length'), '586');
    const inv = parseFixture('gbsolution-invite-udp.sip');
    assert.equal(header(inv, 'Subject'), '34010000001310000001:0-4-0,34010000002000000001:1');
    assert.equal(parseNameAddr(header(inv, 'Contact') ?? '').display, '34010000002000000001');
    assert.equal(header(parseFixture('gbsolution-register-200ok.sip'), 'Date'), '2018-03-16T18:04:03.877');
    const r401 = parseFixture('gbsolution-register-401.sip');
    assert.match(header(r401, 'WWW-Authenticate') ?? '', /nonce="9450c474d1150064"/);
    const via = parseVia(header(r401, 'Via') ?? '');
    assert.deepEqual(
      [via.params.rport, via.params.received, via.params.branch],
      ['5060', '192.168.230.100', 'z9hG4bK982903573'],
    );
    const dahua = parseFixture('thinkgos-dahua-invite-tcp-passive.sip');
    assert.equal(header(dahua, 'Supported'), '');
    const sdp = parseSdp(dahua.body.toString());
    assert.deepEqual([sdp.transport, sdp.ssrc, sdp.port, sdp.rtpmap[96]], ['tcp-passive', '0200000001', 10000, 'PS']);
    const answer = parseSdp(parseFixture('thinkgos-dahua-invite-200ok-tcp-active.sip').body.toString());
    assert.deepEqual(
      [answer.transport, answer.direction, answer.format],
      ['tcp-active', 'sendonly', 'v/0/0/0/0/0a/0/0/0'],
    );
    const gbt = parseSdp(parseFixture('gbtsipserver-invite-udp.sip').body.toString());
    assert.deepEqual([gbt.address, gbt.rtpmap[99], gbt.ssrc], ['127.0.0.1', 'HEVC', undefined]);
  });

  for (const pcap of ['gbsolution-reg-auth.pcapng', 'gbsolution-invite-live-catalog.pcapng']) {
    it(`every SIP payload of ${pcap} parses, and each matches its extracted .sip file byte for byte`, () => {
      const packets = readPcapng(readGb(pcap));
      assert.equal(packets.length, pcap.includes('reg') ? 8 : 12);
      const files = new Map(
        sipFixtures()
          .filter((f) => f.startsWith('gbsolution-'))
          .map((f) => [readGb(f).toString('latin1'), f]),
      );
      let matched = 0;
      for (const p of packets) {
        const m = parseSip(p.payload);
        checkStructure(m);
        assert.equal(m.body.length, Number(header(m, 'Content-Length')));
        if (files.has(p.payload.toString('latin1'))) matched++;
      }
      assert.equal(matched, pcap.includes('reg') ? 7 : 8); // the packets SOURCES.md lists as extracted
    });
  }
});

describe('gb28181 SIP hostile and edge input', () => {
  const reg = readGb('gbsolution-register-noauth.sip');
  const cases: Array<[string, () => unknown, RegExp | (new (...a: never[]) => Error)]> = [
    ['an oversized datagram', () => parseSip(Buffer.concat([reg, Buffer.alloc(70_000, 0x41)])), SipTooLargeError],
    [
      'too many headers',
      () => parseSip(Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\n${'X-A: 1\r\n'.repeat(100)}\r\n`)),
      SipTooLargeError,
    ],
    [
      'one huge header line',
      () => parseSip(Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\nX-A: ${'a'.repeat(5000)}\r\n\r\n`)),
      SipTooLargeError,
    ],
    ['no blank line', () => parseSip(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: x')), SipParseError],
    ['binary garbage', () => parseSip(Buffer.from([0, 1, 2, 0xff, 13, 10, 13, 10])), SipParseError],
    ['an http request', () => parseSip(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), SipParseError],
    ['a tel: request URI', () => parseSip(Buffer.from('INVITE tel:110 SIP/2.0\r\n\r\n')), SipParseError],
    ['a header without a colon', () => parseSip(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia\r\n\r\n')), SipParseError],
    [
      'a negative Content-Length',
      () => parseSip(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: -5\r\n\r\n')),
      SipParseError,
    ],
    [
      'a body short of Content-Length',
      () => parseSip(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 50\r\n\r\nabc')),
      /Content-Length 50/,
    ],
    ['status 999', () => parseSip(Buffer.from('SIP/2.0 999 What\r\n\r\n')), SipParseError],
    ['a CSeq that is not one', () => parseCSeq('x REGISTER'), SipParseError],
    ['a Via that is not one', () => parseVia('HTTP/1.1 host'), SipParseError],
  ];
  for (const [name, fn, err] of cases) it(`refuses ${name}`, () => assert.throws(fn, err as RegExp));

  it('compact forms are expanded and folded lines joined', () => {
    const m = parseSip(
      Buffer.from(
        'MESSAGE sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\ni: abc\r\nf: <sip:1@d>;tag=1\r\nt: <sip:2@d>\r\n' +
          'm: <sip:1@h:5060>\r\nc: Application/MANSCDP+xml\r\ns: x,\r\n y\r\nl: 2\r\n\r\nhi',
      ),
    );
    assert.deepEqual(
      [header(m, 'Call-ID'), header(m, 'Contact'), header(m, 'Subject'), m.body.toString()],
      ['abc', '<sip:1@h:5060>', 'x, y', 'hi'],
    );
    assert.deepEqual(
      m.headers.map((h) => h.name),
      ['Via', 'Call-ID', 'From', 'To', 'Contact', 'Content-Type', 'Subject', 'Content-Length'],
    );
  });

  it('TCP framing: messages split anywhere and several per chunk come out whole, by Content-Length', () => {
    const a = wireBytes('gbsolution-catalog-response.sip');
    const b = wireBytes('gbsolution-keepalive.sip');
    const stream = Buffer.concat([Buffer.from('\r\n\r\n'), a, b, wireBytes('thinkgos-dahua-ack.sip')]);
    for (const step of [1, 7, 100, stream.length]) {
      const f = new SipStreamFramer();
      const got: SipMessage[] = [];
      for (let at = 0; at < stream.length; at += step) got.push(...f.push(stream.subarray(at, at + step)));
      assert.equal(got.length, 3, `step ${step}`);
      assert.equal(got[0]?.body.length, 586);
      assert.equal(got[1]?.body.length, 151);
      assert.equal(f.buffered, 0);
    }
  });

  it('TCP framing: a header section or body over the limit throws instead of buffering', () => {
    const f = new SipStreamFramer();
    assert.throws(() => f.push(Buffer.alloc(70_000, 0x41)), SipTooLargeError);
    const g = new SipStreamFramer();
    assert.throws(
      () => g.push(Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 999999\r\n\r\n')),
      SipTooLargeError,
    );
  });
});
