// Digest authentication of REGISTER: the captures' 401/REGISTER pairs verify, and the server's own nonces expire and refuse replays.
import assert from 'node:assert/strict';
import {
  DigestServer,
  authorizationHeader,
  digestResponse,
  header,
  parseDigest,
  parseSip,
  RateLimiter,
} from '../../gateway/gb28181/index';
import { wireBytes } from '../helpers/gb-fixtures';

/**
 * The captures' passwords: 12345678 is GB28181.Solution's lab device password (it also appears in the
 * capture's SDP); d383cf85b0e8ce0b is gbt_sip_server's default sip_password (src/cli.rs), see SOURCES.md.
 */
const PAIRS: Array<[string, string, string]> = [
  ['gbsolution-register-401.sip', 'gbsolution-register-digest.sip', '12345678'],
  ['gbtsipserver-register-401.sip', 'gbtsipserver-register-digest.sip', 'd383cf85b0e8ce0b'],
];

describe('gb28181 digest authentication', () => {
  for (const [challengeFile, registerFile, password] of PAIRS) {
    it(`${registerFile} answers the challenge of ${challengeFile} with password ${password}`, () => {
      const challenge = parseDigest(header(parseSip(wireBytes(challengeFile)), 'WWW-Authenticate') ?? '');
      const reg = parseSip(wireBytes(registerFile));
      const auth = parseDigest(header(reg, 'Authorization') ?? '');
      assert.ok(challenge && auth);
      assert.equal(auth.nonce, challenge.nonce);
      assert.equal(auth.realm, challenge.realm);
      const input = {
        username: auth.username ?? '',
        realm: auth.realm ?? '',
        method: 'REGISTER',
        uri: auth.uri ?? '',
        nonce: auth.nonce ?? '',
      };
      assert.equal(digestResponse({ ...input, password }), auth.response);
      assert.notEqual(digestResponse({ ...input, password: `${password}x` }), auth.response);
    });
  }

  it('the unregister capture (Expires: 0) carries a valid digest too', () => {
    const reg = parseSip(wireBytes('gbsolution-unregister-digest.sip'));
    const a = parseDigest(header(reg, 'Authorization') ?? '') ?? {};
    const r = digestResponse({
      username: a.username ?? '',
      realm: a.realm ?? '',
      password: '12345678',
      method: 'REGISTER',
      uri: a.uri ?? '',
      nonce: a.nonce ?? '',
    });
    assert.equal(r, a.response);
    assert.equal(header(reg, 'Expires'), '0');
  });

  it('a capture replayed against our server is refused: its nonce was not issued here', () => {
    const server = new DigestServer({ realm: '3401000000' });
    const auth = header(parseSip(wireBytes('gbsolution-register-digest.sip')), 'Authorization') ?? '';
    assert.equal(server.verify(auth, 'REGISTER', '12345678'), 'bad-nonce');
  });

  const answer = (server: DigestServer, password: string, qop: boolean, stale = false): string => {
    const c = parseDigest(server.challenge(stale)) ?? {};
    if (!qop) delete c.qop;
    return authorizationHeader(c, {
      username: '34020000001320000001',
      password,
      method: 'REGISTER',
      uri: 'sip:34020000002000000001@3402000000',
    });
  };

  it('qop=auth and no qop both verify; a wrong password, realm or method does not', () => {
    let t = 1_000_000;
    const server = new DigestServer({ realm: '3402000000', now: () => t });
    assert.equal(server.verify(answer(server, 'pw', true), 'REGISTER', 'pw'), 'ok');
    assert.equal(server.verify(answer(server, 'pw', false), 'REGISTER', 'pw'), 'ok');
    assert.equal(server.verify(answer(server, 'pw', true), 'REGISTER', 'other'), 'bad-response');
    assert.equal(server.verify(answer(server, 'pw', true), 'MESSAGE', 'pw'), 'bad-response');
    assert.equal(server.verify(answer(server, 'pw', true), 'REGISTER', undefined), 'bad-response');
    const otherRealm = new DigestServer({ realm: '4401020049', now: () => t });
    assert.equal(server.verify(answer(otherRealm, 'pw', true), 'REGISTER', 'pw'), 'bad-response');
    t += 1;
  });

  it('a nonce past its TTL is stale (the password was right), a forged one is refused', () => {
    let t = 5_000_000;
    const server = new DigestServer({ realm: '3402000000', nonceTtlMs: 60_000, now: () => t });
    const auth = answer(server, 'pw', true);
    t += 61_000;
    assert.equal(server.verify(auth, 'REGISTER', 'pw'), 'stale');
    assert.equal(server.verify(auth, 'REGISTER', 'bad'), 'bad-response');
    assert.equal(
      server.verify(auth.replace(/nonce="[0-9a-f]{12}/, 'nonce="000000000001'), 'REGISTER', 'pw'),
      'bad-nonce',
    );
    assert.match(server.challenge(true), /stale=true/);
  });

  it('with qop, the same nonce count twice is a replay', () => {
    const server = new DigestServer({ realm: '3402000000' });
    const auth = answer(server, 'pw', true);
    assert.equal(server.verify(auth, 'REGISTER', 'pw'), 'ok');
    assert.equal(server.verify(auth, 'REGISTER', 'pw'), 'replay');
  });

  it('malformed Authorization headers are refused, not thrown', () => {
    const server = new DigestServer({ realm: 'r' });
    for (const bad of [
      '',
      'Basic abc',
      'Digest',
      'Digest username="a"',
      'Digest username="a", nonce="n", uri="u", response="r", algorithm=SHA-256',
    ])
      assert.equal(server.verify(bad, 'REGISTER', 'pw'), 'malformed', bad);
  });

  it('the flood limiter passes a burst, then drops one address and not another, and tracks a bounded number', () => {
    let t = 0;
    const rl = new RateLimiter({ ratePerSecond: 2, burst: 5, maxAddresses: 100, now: () => t });
    const passed = Array.from({ length: 20 }, () => rl.take('10.0.0.1')).filter(Boolean).length;
    assert.equal(passed, 5);
    assert.equal(rl.take('10.0.0.2'), true);
    t += 1000;
    assert.equal([rl.take('10.0.0.1'), rl.take('10.0.0.1'), rl.take('10.0.0.1')].filter(Boolean).length, 2);
    for (let i = 0; i < 1000; i++) rl.take(`10.1.${i >> 8}.${i & 255}`);
    assert.equal(rl.tracked, 100);
  });
});
