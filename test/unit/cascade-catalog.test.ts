// The cascade catalog item check (registry input from a lower platform): a table of hostile items, each refused
// with a message naming the item and the field; and the link's own message parser.
import assert from 'node:assert/strict';
import { catalogItem, parseMessage } from '../../gateway/cascade/protocol';
import { CascadeRefused } from '../../gateway/cascade/errors';
import { checkPeer } from '../../gateway/cascade/peer-server';

const OK = {
  id: 'c-1',
  name: '镇口',
  lng: 111.7,
  lat: 29.03,
  bearing: 90,
  fov: 60,
  rangeM: 80,
  address: '镇政府',
  status: 'online',
  ptz: true,
  playback: false,
  codec: 'h264',
};

const HOSTILE: Array<[string, unknown, RegExp]> = [
  ['not an object', 'x', /not an object/],
  ['an array', [OK], /not an object/],
  ['no id', { ...OK, id: undefined }, /id "undefined"/],
  ['path in the id', { ...OK, id: '../etc' }, /id "..\/etc"/],
  ['id too long', { ...OK, id: 'a'.repeat(65) }, /id/],
  ['markup in the name', { ...OK, name: '<img src=x onerror=alert(1)>' }, /camera c-1: name .* forbidden characters/],
  ['bidi override in the name', { ...OK, name: 'abc\u202edef' }, /forbidden characters/],
  ['control character in the address', { ...OK, address: 'a\u0000b' }, /address .* forbidden/],
  ['name too long', { ...OK, name: 'x'.repeat(201) }, /name longer than 200/],
  ['empty name', { ...OK, name: '  ' }, /name is empty/],
  ['longitude off the globe', { ...OK, lng: 181 }, /longitude 181/],
  ['latitude not a number', { ...OK, lat: '29' }, /latitude "29"/],
  ['NaN-like position', { ...OK, lng: null }, /longitude null/],
  ['bearing out of range', { ...OK, bearing: 720 }, /bearing 720/],
  ['unknown status', { ...OK, status: 'pwned' }, /status "pwned"/],
  ['unknown codec', { ...OK, codec: 'mjpeg' }, /codec "mjpeg"/],
  ['ptz not a boolean', { ...OK, ptz: 'yes' }, /ptz and playback/],
  ['an address to connect to', { ...OK, mainUri: 'rtsp://10.0.0.1/' }, /unknown field "mainUri"/],
  ['a prototype key', JSON.parse('{"__proto__":{"x":1},"id":"c-2"}'), /unknown field "__proto__"/],
];

describe('cascade catalog items (registry input)', () => {
  it('accepts a clean item as it is', () => {
    assert.deepEqual(catalogItem(OK), OK);
  });
  for (const [name, item, message] of HOSTILE)
    it(`refuses ${name}`, () => {
      assert.throws(
        () => catalogItem(item),
        (err: unknown) => err instanceof CascadeRefused && message.test(err.message),
      );
    });
});

describe('cascade link messages', () => {
  for (const [name, text, why] of [
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['an unknown type', '{"t":"shell"}', /unknown message type "shell"/],
  ] as const)
    it(`refuses ${name}`, () => {
      const r = parseMessage(text);
      assert.ok('refused' in r && why.test(r.refused));
    });
});

describe('cascade peer check', () => {
  const peers = [{ name: 'town-a', token: 'secret-token-0123456789', commonName: 'town-a' }];
  const tls = { authorized: true, commonName: 'town-a' };
  const cases: Array<[string, Parameters<typeof checkPeer>, number | null, RegExp | null]> = [
    ['the right certificate, name and token', [peers, tls, 'town-a', 'Bearer secret-token-0123456789'], null, null],
    [
      'a certificate of another CA',
      [
        peers,
        { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', commonName: 'town-a' },
        'town-a',
        'Bearer secret-token-0123456789',
      ],
      401,
      /client certificate refused \(UNABLE_TO_VERIFY/,
    ],
    [
      'no certificate',
      [peers, { authorized: false, commonName: null }, 'town-a', 'Bearer secret-token-0123456789'],
      401,
      /no certificate presented/,
    ],
    ['an unknown peer', [peers, tls, 'town-z', 'Bearer secret-token-0123456789'], 403, /no peer named "town-z"/],
    ['a wrong token', [peers, tls, 'town-a', 'Bearer wrong'], 401, /wrong token for peer town-a/],
    ['no token', [peers, tls, 'town-a', ''], 401, /wrong token/],
    [
      "another peer's certificate",
      [peers, { authorized: true, commonName: 'town-b' }, 'town-a', 'Bearer secret-token-0123456789'],
      403,
      /certificate of "town-b" is not peer town-a's/,
    ],
  ];
  for (const [name, args, status, why] of cases)
    it(status ? `refuses ${name} (${status})` : `accepts ${name}`, () => {
      const r = checkPeer(...args);
      if (status === null) return assert.ok('peer' in r);
      assert.ok('status' in r && r.status === status && why!.test(r.why), JSON.stringify(r));
    });
});
