// GB/T 28181 channels as registry cameras: which catalog items are channels, GCJ-02 positions, departments, hostile items refused; the config section.
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../config/load';
import { ChannelRefused, channelCamera, departmentFor, isChannel } from '../../gateway/gb-platform/channel-camera';
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../gis/index';
import { Gb28181Server, type CatalogItem } from '../../gateway/gb28181/index';
import { GbMediaSource } from '../../gateway/gb-platform/gb-media-source';
import { TranscoderInputError, validateSpec } from '../../transcoder/index';

const rules = {
  coordinates: 'WGS-84' as const,
  civilCodes: { '43': 'province', '430702': 'wuling' },
  defaultDepartment: 'police',
  fallback: [111.69, 29.03] as [number, number],
};
const item = (over: Partial<CatalogItem> = {}): CatalogItem => ({
  deviceId: '43070200001310000001',
  name: '武陵大道 球机',
  civilCode: '430702',
  longitude: 111.7,
  latitude: 29.04,
  ptzType: 1,
  status: 'ON',
  ...over,
});

describe('gb-platform channels', () => {
  it('converts GCJ-02 to WGS-84 (the published reference pair) and back', () => {
    // coordtransform's documented example: wgs84togcj02(116.404, 39.915) = [116.41024449916938, 39.91640428150164]
    const [gx, gy] = wgs84ToGcj02(116.404, 39.915);
    assert.ok(Math.abs(gx - 116.41024449916938) < 1e-9 && Math.abs(gy - 39.91640428150164) < 1e-9);
    const [x, y] = gcj02ToWgs84(gx, gy);
    assert.ok(Math.abs(x - 116.404) < 1e-8 && Math.abs(y - 39.915) < 1e-8, `${x},${y}`);
    assert.deepEqual(gcj02ToWgs84(2.35, 48.85), [2.35, 48.85], 'outside China GCJ-02 is WGS-84');
  });

  it('tells channels from devices, civil codes and business groups', () => {
    assert.equal(isChannel(item(), '43070200001180000001'), true);
    assert.equal(isChannel(item({ deviceId: '43070200001320000009' }), 'x'), true, 'IPC type 132');
    assert.equal(isChannel(item({ deviceId: '430702' }), 'x'), false, 'a civil code entry');
    assert.equal(isChannel(item({ deviceId: '43070200002150000001', parental: 1 }), 'x'), false, 'business group');
    assert.equal(isChannel(item({ deviceId: '43070200001180000001', parental: 0 }), '43070200001180000001'), false);
    assert.equal(isChannel(item({ deviceId: '43070200001110000002', parental: 0 }), 'x'), true, 'a leaf DVR input');
  });

  it('maps name, position (GCJ-02 converted), department by longest civil-code prefix, PTZ and status', () => {
    const c = channelCamera(item(), rules);
    assert.deepEqual(
      { name: c.name, lng: c.lng, lat: c.lat, dep: c.departmentCode, ptz: c.ptz, on: c.online },
      { name: '武陵大道 球机', lng: 111.7, lat: 29.04, dep: 'wuling', ptz: true, on: true },
    );
    const g = channelCamera(item(), { ...rules, coordinates: 'GCJ-02' });
    assert.deepEqual([g.lng, g.lat], gcj02ToWgs84(111.7, 29.04));
    assert.ok(Math.abs(g.lng - 111.7) > 1e-4, 'the GCJ-02 offset is applied');
    assert.equal(departmentFor('430100', rules), 'province');
    assert.equal(departmentFor('110105', rules), 'police');
    assert.equal(departmentFor(undefined, rules), 'police');
    const fixed = channelCamera(item({ ptzType: 3, status: 'OFF' }), rules);
    assert.deepEqual([fixed.ptz, fixed.online], [false, false]);
    const nowhere = channelCamera(item({ longitude: 0, latitude: 0, name: '' }), rules);
    assert.deepEqual(
      [nowhere.lng, nowhere.lat, nowhere.positioned, nowhere.name],
      [111.69, 29.03, false, '43070200001310000001'],
    );
  });

  for (const [what, over, why] of [
    ['a bidi override in the name', { name: 'gate\u202eexe.jpg' }, /name .* forbidden characters/],
    ['markup in the name', { name: '<img src=x onerror=alert(1)>' }, /forbidden characters/],
    ['a control character in the address', { address: 'a\u0007b' }, /address .* forbidden/],
    ['a name of 201 characters', { name: 'x'.repeat(201) }, /longer than 200/],
    ['a longitude of 999', { longitude: 999 }, /not a longitude\/latitude/],
    ['a latitude of NaN', { latitude: Number.NaN }, /not a longitude\/latitude/],
  ] as Array<[string, Partial<CatalogItem>, RegExp]>)
    it(`refuses ${what}`, () => {
      assert.throws(
        () => channelCamera(item(over), rules),
        (e: Error) => e instanceof ChannelRefused && why.test(e.message),
      );
    });

  it('reads the gb28181 config section and names a bad key', () => {
    const c = loadConfig({
      env: { CLOUDEYE_GB28181__ID: '34020000002000000009', CLOUDEYE_GB28181__REALM: '3402000000' },
    });
    assert.equal(c.gb28181.enabled, false);
    assert.equal(c.gb28181.id, '34020000002000000009', 'a 20-digit id from the environment stays a string');
    assert.deepEqual(c.gb28181.mediaPorts, [30000, 30999]);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ id: '123' }, /gb28181\.id = "123": must be 20 digits/],
      [{ mediaPorts: [31000, 30000] }, /gb28181\.mediaPorts .*first port 31000 is above last 30000/],
      [{ coordinates: 'BD-09' }, /gb28181\.coordinates/],
      [{ civilCodes: { abc: 'police' } }, /gb28181\.civilCodes\.abc .*Invalid key/],
      [{ devicePasswords: { '1': 'x' } }, /gb28181\.devicePasswords\.1 .*Invalid key/],
    ];
    for (const [over, re] of bad)
      assert.throws(
        () => loadConfig({ env: {}, overrides: { gb28181: over } }),
        (e: Error) => e instanceof ConfigError && re.test(e.message),
      );
  });

  it('refuses a gb28181:// stream address that is not a device and channel id, before anything is opened', () => {
    const server = new Gb28181Server({
      id: '34020000002000000001',
      realm: '3402000000',
      host: '127.0.0.1',
      password: 'x',
    });
    const media = new GbMediaSource(server, { host: '127.0.0.1', transport: 'udp', ports: [30000, 30001] });
    const spec = { cameraId: '7', profile: 'main' as const, codec: 'h264' };
    const ok = `gb28181://${'1'.repeat(20)}/${'2'.repeat(20)}`;
    assert.equal(validateSpec({ ...spec, url: ok }, [media]).url, ok);
    for (const url of [
      'gb28181://123/456',
      `gb28181://${'1'.repeat(20)}/${'2'.repeat(20)}/../x`,
      `gb28181://${'1'.repeat(20)}/a`,
    ])
      assert.throws(
        () => validateSpec({ ...spec, url }, [media]),
        (e: Error) => e instanceof TranscoderInputError && /not gb28181:\/\/<20-digit device id>/.test(e.message),
      );
    // without the source (GB/T 28181 disabled) the scheme is no stream address at all
    assert.throws(() => validateSpec({ ...spec, url: ok }), TranscoderInputError);
    assert.equal(media.sessions.size, 0);
  });
});
