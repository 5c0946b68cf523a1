// Hostile XML refused before parsing; RFC 7616 digest vectors; WS-UsernameToken with clock skew.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  digestAuthorization,
  parseDigestChallenge,
  parseXml,
  usernameToken,
  OnvifXmlError,
  verifyDigestAuthorization,
  readFault,
  parseProbeMatches,
} from '../../gateway/onvif/index';

const XXE =
  '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>&xxe;</x></s:Body></s:Envelope>';
const LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';

describe('onvif XML safety', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['XXE external entity', XXE, /DOCTYPE\/ENTITY/],
    ['billion laughs', LAUGHS, /DOCTYPE\/ENTITY/],
    ['lower-case doctype', '<!doctype x><x/>', /DOCTYPE\/ENTITY/],
    ['ENTITY without DOCTYPE', '<x><!ENTITY a "b"></x>', /DOCTYPE\/ENTITY/],
    ['truncated envelope', '<s:Envelope xmlns:s="x"><s:Body><tds:GetSystemDateAndTimeResponse><tds:Sys', /bad XML/],
    ['mismatched tags', '<a><b></a></b>', /InvalidTag/],
    ['empty body', '   ', /empty document/],
    ['plain text', 'HTTP/1.1 200 OK', /bad XML/],
  ];
  for (const [name, xml, re] of bad) {
    it(`refuses ${name}`, () =>
      assert.throws(
        () => parseXml(xml),
        (e: unknown) => e instanceof OnvifXmlError && re.test(e.message),
      ));
  }
  it('never expands entities, even predefined ones, into structure', () => {
    const d = parseXml('<r><a>&lt;b&gt;x&lt;/b&gt; &amp;amp; &#65;&#x42;</a></r>');
    assert.deepEqual(d, { r: { a: '&lt;b&gt;x&lt;/b&gt; &amp;amp; &#65;&#x42;' } });
  });
  it('readFault/text decode the five XML entities once', () => {
    const f = readFault(
      parseXml(
        '<Envelope><Body><Fault><Code><Value>s:Sender</Value></Code><Reason><Text>a &amp;lt; b &lt; c</Text></Reason></Fault></Body></Envelope>',
      ),
    );
    assert.equal(f?.reason, 'a &lt; b < c');
  });
  it('a ProbeMatches datagram with a DOCTYPE is refused', () =>
    assert.throws(() => parseProbeMatches(XXE), OnvifXmlError));
});

describe('HTTP Digest (RFC 7616 section 3.9.1 vectors)', () => {
  const header =
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5,' +
    ' nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
  const req = {
    method: 'GET',
    uri: '/dir/index.html',
    username: 'Mufasa',
    password: 'Circle of Life',
    nc: 1,
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };
  const cases: Array<[string, string, string]> = [
    ['MD5', header, '8ca523f5e9506fed4657c9700eebdbec'],
    [
      'SHA-256',
      header.replace('algorithm=MD5', 'algorithm=SHA-256'),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    ],
  ];
  for (const [name, h, expected] of cases) {
    it(`${name} response`, () => {
      const ch = parseDigestChallenge(h);
      assert.ok(ch);
      const auth = digestAuthorization(ch, req);
      assert.match(auth, new RegExp(`response="${expected}"`));
      assert.match(auth, /qop=auth, nc=00000001, cnonce="f2\/wE4/);
      assert.match(auth, /opaque="FQhe/);
    });
  }
  it('finds Digest among several challenges and ignores Basic-only', () => {
    assert.equal(parseDigestChallenge(['Basic realm="x"', 'Digest realm="r", nonce="n"'])?.nonce, 'n');
    assert.equal(parseDigestChallenge('Basic realm="x"'), undefined);
    assert.equal(parseDigestChallenge('Digest realm="r"'), undefined, 'no nonce');
    assert.equal(
      parseDigestChallenge('Digest realm="r", nonce="n", algorithm=SHA-512-256'),
      undefined,
      'unsupported algorithm',
    );
  });
  it('server-side verification accepts the right password only', () => {
    const ch = { realm: 'cam', nonce: 'abc', algorithm: 'MD5', qop: 'auth' as const };
    const ok = digestAuthorization(ch, {
      method: 'POST',
      uri: '/onvif/device_service',
      username: 'admin',
      password: 'pw',
      nc: 1,
    });
    const bad = digestAuthorization(ch, {
      method: 'POST',
      uri: '/onvif/device_service',
      username: 'admin',
      password: 'nope',
      nc: 1,
    });
    const users = { username: 'admin', password: 'pw', realm: 'cam', nonce: 'abc' };
    assert.equal(verifyDigestAuthorization(ok, 'POST', users), true);
    assert.equal(verifyDigestAuthorization(bad, 'POST', users), false);
  });
});

describe('WS-UsernameToken PasswordDigest', () => {
  it('digest = base64(sha1(nonce + created + password)) with Created shifted by the skew', () => {
    const nonce = Buffer.from('0123456789abcdef');
    const skewMs = -3 * 3600_000; // device clock 3 h behind
    const now = Date.UTC(2024, 0, 2, 12, 0, 0, 500);
    const xml = usernameToken('admin', 'secret', now + skewMs, nonce);
    const created = /<wsu:Created>([^<]+)</.exec(xml)?.[1];
    assert.equal(created, '2024-01-02T09:00:00Z');
    const expected = createHash('sha1')
      .update(Buffer.concat([nonce, Buffer.from(created!), Buffer.from('secret')]))
      .digest('base64');
    assert.match(xml, new RegExp(`PasswordDigest">${expected.replace(/[+/]/g, (c) => `\\${c}`)}<`));
    assert.match(xml, new RegExp(`<wsse:Nonce [^>]*>${nonce.toString('base64')}<`));
  });
  it('escapes the username', () =>
    assert.match(usernameToken('a<b&', 'p', 0), /<wsse:Username>a&lt;b&amp;<\/wsse:Username>/));
});
