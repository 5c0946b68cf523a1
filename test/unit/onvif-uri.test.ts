// validateStreamUri / validateSnapshotUri / pinServiceUrl: what a device may and may not point us at.
import assert from 'node:assert/strict';
import { OnvifUriError, pinServiceUrl, validateSnapshotUri, validateStreamUri } from '../../gateway/onvif/index';

const DEV = { deviceHost: '10.1.2.3' };

describe('onvif URI validation', () => {
  const streamOk: Array<[string, string]> = [
    ['plain rtsp', 'rtsp://10.1.2.3/Streaming/Channels/101'],
    ['rtsps with port and query', 'rtsps://10.1.2.3:322/cam/realmonitor?channel=1&subtype=0'],
    ['credentials for the device itself', 'rtsp://admin:pw@10.1.2.3:554/live'],
    [
      'xiongmai path with = and _',
      'rtsp://10.1.2.3:554/user=admin_password=_channel=1_stream=0&protocol=unicast&onvif=ture.sdp?real_stream',
    ],
  ];
  for (const [name, uri] of streamOk)
    it(`accepts stream URI: ${name}`, () => assert.equal(validateStreamUri(uri, DEV), uri));

  const streamBad: Array<[string, unknown, RegExp]> = [
    ['file URI', 'file:///etc/passwd', /scheme file:/],
    ['http as stream', 'http://10.1.2.3/live', /scheme http:/],
    ['internal service on another host', 'rtsp://127.0.0.1:5432/', /not the device's host/],
    ['http internal service', 'http://127.0.0.1:5432/', /scheme http:/],
    ['option injection', '-i /etc/passwd', /starts with '-'/],
    ['shell metacharacters', 'rtsp://x;rm -rf /', /metacharacters/],
    ['command substitution', 'rtsp://10.1.2.3/$(id)', /metacharacters/],
    ['backtick', 'rtsp://10.1.2.3/`id`', /metacharacters/],
    ['newline', 'rtsp://10.1.2.3/a\nb', /metacharacters/],
    ['credentials for another host', 'rtsp://user:pass@other-host/live', /credentials for another host/],
    ['another host', 'rtsp://10.9.9.9/live', /not the device's host/],
    ['empty', '', /empty/],
    ['not a string', 42, /empty or not a string/],
    ['relative', '/live/main', /not an absolute URI/],
    ['too long', `rtsp://10.1.2.3/${'a'.repeat(3000)}`, /too long/],
  ];
  for (const [name, uri, re] of streamBad) {
    it(`refuses stream URI: ${name}`, () =>
      assert.throws(
        () => validateStreamUri(uri, DEV),
        (e: unknown) => e instanceof OnvifUriError && re.test(e.message),
      ));
  }
  it('an explicitly allowed host passes', () =>
    assert.ok(validateStreamUri('rtsp://nvr.local/ch1', { ...DEV, allowHosts: ['NVR.local'] })));
  it('a host the caller accepts (inside the camera network) passes; others are still refused', () => {
    const allowHost = (h: string): boolean => h.startsWith('10.1.');
    assert.ok(validateStreamUri('rtsp://10.1.7.7/ch1', { ...DEV, allowHost }));
    assert.throws(() => validateStreamUri('rtsp://10.2.7.7/ch1', { ...DEV, allowHost }), /not the device's host/);
    assert.throws(
      () => validateStreamUri('rtsp://u:p@10.1.7.7/ch1', { ...DEV, allowHost }),
      /credentials for another host/,
    );
  });
  it('127.0.0.1:5432 is fine only when the device itself is 127.0.0.1', () => {
    assert.throws(() => validateSnapshotUri('http://127.0.0.1:5432/', DEV), OnvifUriError);
    assert.ok(validateSnapshotUri('http://127.0.0.1:5432/', { deviceHost: '127.0.0.1' }));
  });
  it('snapshot URIs must be http(s)', () => {
    assert.throws(() => validateSnapshotUri('rtsp://10.1.2.3/x', DEV), /scheme rtsp:/);
    assert.throws(() => validateSnapshotUri('ftp://10.1.2.3/x', DEV), OnvifUriError);
    assert.ok(validateSnapshotUri('https://10.1.2.3/snap.jpg?a=1&b=2', DEV));
  });
  it('IPv6 hosts compare without brackets', () =>
    assert.ok(validateStreamUri('rtsp://[fd00::1]:554/x', { deviceHost: '[FD00::1]' })));
});

describe('onvif service URL pinning', () => {
  const x = 'http://10.1.2.3:8080/onvif/device_service';
  const cases: Array<[string, string | undefined, string]> = [
    ['same host kept (own port)', 'http://10.1.2.3:8999/onvif/Media', 'http://10.1.2.3:8999/onvif/Media'],
    [
      'NAT-internal address rewritten to the xaddr host',
      'http://192.168.1.64/onvif/Media',
      'http://10.1.2.3:8080/onvif/Media',
    ],
    ['another host never followed', 'http://127.0.0.1:5432/x?y=1', 'http://10.1.2.3:8080/x?y=1'],
    ['credentials in the URL dropped', 'http://u:p@10.1.2.3/onvif/PTZ', 'http://10.1.2.3:8080/onvif/PTZ'],
    ['non-http scheme', 'file:///etc/passwd', 'http://10.1.2.3:8080/onvif/device_service'],
    ['relative path', '/onvif/Events', 'http://10.1.2.3:8080/onvif/Events'],
    ['missing', undefined, 'http://10.1.2.3:8080/onvif/device_service'],
  ];
  for (const [name, reported, expected] of cases) it(name, () => assert.equal(pinServiceUrl(x, reported), expected));
});
