// Source URL and spec validation: every rejected shape throws TranscoderInputError naming the value.
import assert from 'node:assert/strict';
import { TranscoderInputError } from '../../transcoder/errors';
import { maskUrl, validateSourceUrl, validateSpec, type StreamSpec } from '../../transcoder/stream-spec';

const BAD_URLS: Array<[string, unknown]> = [
  ['file scheme', 'file:///etc/passwd'],
  ['concat protocol', 'concat:rtsp://a/b|file:///etc/passwd'],
  ['concat inside an rtsp url', 'rtsp://10.0.0.1/concat:x'],
  ['file inside an rtsp url', 'rtsp://10.0.0.1/?u=file:/etc/passwd'],
  ['http scheme', 'http://10.0.0.1/stream'],
  ['https scheme', 'https://10.0.0.1/stream'],
  ['udp scheme', 'udp://10.0.0.1:1234'],
  ['data scheme', 'data:text/plain,hello'],
  ['leading dash (option injection)', '-i rtsp://10.0.0.1/a'],
  ['leading dash without spaces', '-filter_complex'],
  ['space', 'rtsp://10.0.0.1/a b'],
  ['tab', 'rtsp://10.0.0.1/a\tb'],
  ['newline', 'rtsp://10.0.0.1/a\nb'],
  ['NUL', 'rtsp://10.0.0.1/a\u0000b'],
  ['DEL', 'rtsp://10.0.0.1/a\u007fb'],
  ['pipe', 'rtsp://10.0.0.1/a|b'],
  ['command substitution', 'rtsp://10.0.0.1/$(id)'],
  ['backticks', 'rtsp://10.0.0.1/`id`'],
  ['redirection', 'rtsp://10.0.0.1/a>b'],
  ['quotes', 'rtsp://10.0.0.1/a"b'],
  ['backslash', 'rtsp://10.0.0.1\\a'],
  ['non-ASCII', 'rtsp://10.0.0.1/摄像头'],
  ['upper-case scheme (ffmpeg: "Protocol not found")', 'RTSP://10.0.0.1/live'],
  ['mixed-case scheme', 'Rtsps://10.0.0.1/live'],
  ['no host', 'rtsp:///path'],
  ['scheme only', 'rtsp:'],
  ['empty', ''],
  ['not a string', 42],
  ['too long', `rtsp://10.0.0.1/${'a'.repeat(2100)}`],
];

const GOOD_URLS = [
  'rtsp://10.0.0.1/Streaming/Channels/101',
  'rtsp://admin:s3cret@10.0.0.1:554/cam/realmonitor?channel=1&subtype=0',
  'rtsps://cam.example.org:322/live/main',
  'rtsp://[fe80::1]:554/h264',
  'rtsp://u:p%20w@host/a;b=c',
];

describe('transcoder validateSourceUrl', () => {
  for (const [name, url] of BAD_URLS) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => validateSourceUrl(url),
        (e: unknown) => {
          assert.ok(e instanceof TranscoderInputError);
          assert.match(e.message, /^transcoder: source url .* rejected: /);
          return true;
        },
      );
    });
  }
  for (const url of GOOD_URLS) it(`accepts ${url}`, () => assert.equal(validateSourceUrl(url), url));

  it('masks the password in the error message', () => {
    assert.throws(
      () => validateSourceUrl('http://admin:topsecret@10.0.0.1/'),
      (e: Error) => !e.message.includes('topsecret') && e.message.includes('admin:***@'),
    );
  });
});

describe('transcoder validateSpec', () => {
  const ok: StreamSpec = { cameraId: 'cam-1_A', profile: 'main', url: 'rtsp://10.0.0.1/a', codec: 'H264' };
  const BAD: Array<[string, Partial<StreamSpec> | Record<string, unknown>, RegExp]> = [
    ['camera id with a dot', { cameraId: 'a.b' }, /cameraId "a.b"/],
    ['camera id with a slash', { cameraId: '../etc' }, /cameraId "..\/etc"/],
    ['empty camera id', { cameraId: '' }, /cameraId ""/],
    ['camera id too long', { cameraId: 'x'.repeat(65) }, /cameraId/],
    ['bad profile', { profile: 'hd' }, /profile "hd"/],
    ['codec with an option', { codec: '-c:v' }, /codec "-c:v"/],
    ['audio codec with spaces', { audioCodec: 'aac -i x' }, /audioCodec "aac -i x"/],
    ['password with a newline', { password: 'a\nb' }, /password of camera cam-1_A/],
    ['bad url', { url: 'concat:a|b' }, /source url "concat:a\|b"/],
  ];
  for (const [name, over, re] of BAD) {
    it(`rejects ${name}`, () =>
      assert.throws(
        () => validateSpec({ ...ok, ...over } as StreamSpec),
        (e: Error) => e instanceof TranscoderInputError && re.test(e.message),
      ));
  }
  it('normalises codec names to lower case', () => {
    assert.deepEqual(validateSpec({ ...ok, audioCodec: 'AAC' }), { ...ok, codec: 'h264', audioCodec: 'aac' });
  });
});

describe('transcoder maskUrl', () => {
  const CASES: Array<[string, string]> = [
    ['rtsp://admin:pw@10.0.0.1/a', 'rtsp://admin:***@10.0.0.1/a'],
    ['rtsp://10.0.0.1/a', 'rtsp://10.0.0.1/a'],
    ['rtsp://admin@10.0.0.1/a', 'rtsp://admin@10.0.0.1/a'],
  ];
  for (const [inp, out] of CASES) it(`${inp} → ${out}`, () => assert.equal(maskUrl(inp), out));
});
