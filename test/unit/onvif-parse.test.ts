// Parses every real vendor capture in test/fixtures/onvif/ and checks what the gateway relies on.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  OnvifXmlError,
  parseCapabilities,
  parseDeviceInformation,
  parseMediaUri,
  parseNotifications,
  parseProbeMatches,
  parseProfiles,
  parsePullPointSubscription,
  parseServices,
  parseSystemDateAndTime,
  parsePresets,
  parseXml,
  readFault,
  validateSnapshotUri,
  validateStreamUri,
} from '../../gateway/onvif/index';
import type { XNode } from '../../gateway/onvif/xml';
import { findDeep } from '../../gateway/onvif/xml';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/onvif');
const raw = (f: string): string => readFileSync(path.join(DIR, f), 'utf8');
const doc = (f: string): XNode => parseXml(raw(f));
const hostOf = (u: string): string => new URL(u).hostname;

type Check = (file: string) => void;

const fault =
  (code: string, subcodes: string[], reason: RegExp): Check =>
  (f) => {
    const x = readFault(doc(f));
    assert.ok(x, 'no fault found');
    assert.equal(x.code, code);
    assert.deepEqual(x.subcodes, subcodes);
    assert.match(x.reason, reason);
  };
const devinfo =
  (manufacturer: string, model: string, firmware: RegExp): Check =>
  (f) => {
    const d = parseDeviceInformation(doc(f));
    assert.equal(d.manufacturer, manufacturer);
    assert.equal(d.model, model);
    assert.match(d.firmwareVersion, firmware);
  };
const profiles =
  (
    expect: Array<
      [
        token: string,
        encoding: string,
        w: number | undefined,
        h: number | undefined,
        fps: number | undefined,
        ptz: boolean,
      ]
    >,
    service: 1 | 2,
  ): Check =>
  (f) => {
    const p = parseProfiles(doc(f));
    assert.deepEqual(
      p.map((x) => [x.token, x.encoding, x.width, x.height, x.fps, x.ptz]),
      expect,
    );
    assert.ok(
      p.every((x) => x.service === service),
      `expected Media${service}`,
    );
  };
const streamUri =
  (uri: string): Check =>
  (f) => {
    const u = parseMediaUri(doc(f), 'GetStreamUri');
    assert.equal(u, uri);
    assert.equal(validateStreamUri(u, { deviceHost: hostOf(u) }), u);
  };
const snapshotUri =
  (uri: string): Check =>
  (f) => {
    const u = parseMediaUri(doc(f), 'GetSnapshotUri');
    assert.equal(u, uri);
    assert.equal(validateSnapshotUri(u, { deviceHost: hostOf(u) }), u);
  };
const probe =
  (relatesTo: string, endpoint: string, xaddrs: string[], name?: string): Check =>
  (f) => {
    const p = parseProbeMatches(raw(f));
    assert.equal(p.relatesTo, relatesTo);
    assert.equal(p.matches.length, 1);
    assert.equal(p.matches[0]!.endpoint, endpoint);
    assert.deepEqual(p.matches[0]!.xaddrs, xaddrs);
    if (name) assert.ok(p.matches[0]!.scopes.includes(`onvif://www.onvif.org/name/${name}`));
  };
const clock =
  (iso: string, tz: string): Check =>
  (f) => {
    const c = parseSystemDateAndTime(doc(f));
    assert.equal(new Date(c.utcMs!).toISOString(), iso);
    assert.equal(c.timeZone, tz);
  };
const events =
  (expect: Array<[kind: string, topic: string, active: boolean | undefined]>, time: string): Check =>
  (f) => {
    const ev = parseNotifications(doc(f));
    const interesting = ev.filter((e) => e.kind !== 'other').map((e) => [e.kind, e.topic, e.active]);
    assert.deepEqual(interesting, expect);
    assert.equal(ev[0]!.time.toISOString(), time);
  };
const presets =
  (count: number, first: { token: string; name: string; pan?: number }): Check =>
  (f) => {
    const p = parsePresets(doc(f));
    assert.equal(p.length, count);
    assert.equal(p[0]!.token, first.token);
    assert.equal(p[0]!.name, first.name);
    assert.equal(p[0]!.position?.pan, first.pan);
  };
const emptyResponse =
  (name: string): Check =>
  (f) =>
    assert.equal(findDeep(doc(f), name), '');

const CASES: Record<string, Check> = {
  'agsh-fault.xml': fault('fault code', ['fault subcode', 'fault subcode'], /^fault reason$/),
  'agsh-getprofiles.xml': profiles([['main', 'H264', 1920, 1080, 5, true]], 1),
  'agsh-getstreamuri.xml': streamUri('rtsp://192.168.68.111/h264main'),
  'agsh-probematches.xml': probe('RELATES_TO', 'uuid:c9790c3a-701b-464d-a189-0060351c8ada', [], 'PREDATOR'), // SERVICE_URI placeholder is not http(s): dropped
  'amcrest-ip5m-b1186e-probematches.xml': probe(
    'uuid:44f881db-4b2e-43b6-913c-123d771d2f19',
    'uuid:2a46daf1-86f6-91ad-5458-3d184eb186f6',
    ['http://192.168.0.205/onvif/device_service'],
    'Amcrest',
  ),
  'axis-m2025le-getdeviceinformation.xml': devinfo('AXIS', 'M2025-LE', /^9\.80\.3\.13$/),
  'axis-m2025le-getprofiles.xml': profiles(
    [
      ['profile_1_h264', 'H264', 1920, 1080, 30, false],
      ['profile_1_jpeg', 'JPEG', 1920, 1080, 30, false],
    ],
    1,
  ),
  'axis-m2025le-getsnapshoturi-media2.xml': snapshotUri(
    'http://192.168.0.209/onvif-cgi/jpg/image.cgi?resolution=1920x1080&compression=30',
  ),
  'axis-m2025le-getstreamuri-media2.xml': streamUri(
    'rtsp://192.168.0.209/onvif-media/media.amp?profile=profile_1_h264&sessiontimeout=60&streamtype=unicast',
  ),
  'axis-m2025le-probematches.xml': probe(
    'uuid:63a205c4-7eae-4dd5-99dc-75e38ff576b3',
    'urn:uuid:3ea96f68-b845-4c0b-87cf-eee904c4be65',
    [
      'http://192.168.0.209/onvif/device_service',
      'https://192.168.0.209/onvif/device_service',
      'http://169.254.251.249/onvif/device_service',
      'https://169.254.251.249/onvif/device_service',
    ],
    'AXIS%20M2025-LE',
  ),
  'axis-q6045-createpullpointsubscription.xml': (f) => {
    const s = parsePullPointSubscription(doc(f), raw(f));
    assert.equal(s.address, 'http://192.168.0.19/onvif/services');
    assert.equal(s.terminationTime, '2018-03-27T23:10:30Z');
    assert.match(
      s.referenceParametersXml,
      /^<dom0:SubscriptionId\s+xmlns:dom0="http:\/\/www\.axis\.com\/2009\/event">5\s*<\/dom0:SubscriptionId>$/,
    );
  },
  'axis-q6045-fault-notauthorized.xml': fault('Sender', ['NotAuthorized'], /^Sender not authorized$/),
  'axis-q6045-fault-pullmessages-invalidargs.xml': fault('Sender', ['InvalidArgs'], /^$/),
  'axis-q6045-getpresets.xml': presets(21, { token: '22', name: 'Living Room', pan: -4.66240772e-6 }),
  'axis-q6045-getstreamuri.xml': streamUri(
    'rtsp://192.168.0.19/onvif-media/media.amp?profile=profile_1_jpeg&sessiontimeout=60&streamtype=unicast',
  ),
  'dahua-amcrest-getprofiles.xml': profiles(
    [
      ['MediaProfile00000', 'H264', 2592, 1944, 20, false],
      ['MediaProfile00001', 'H264', 704, 480, 20, false],
    ],
    1,
  ),
  'dahua-getcapabilities.xml': (f) =>
    assert.deepEqual(parseCapabilities(doc(f)), {
      device: 'http://192.168.1.123/onvif/device_service',
      media: 'http://192.168.1.123/onvif/media_service',
      events: 'http://192.168.1.123/onvif/event_service',
      imaging: 'http://192.168.1.123/onvif/imaging_service',
    }),
  'dahua-getsnapshoturi.xml': snapshotUri(
    'http://192.168.1.123/onvifsnapshot/media_service/snapshot?channel=1&subtype=1',
  ),
  'dahua-getstreamuri.xml': streamUri(
    'rtsp://192.168.1.123:554/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif',
  ),
  'dlink-dcs6511-getdeviceinformation.xml': devinfo('D-Link Corporation', 'DCS-6511', /^1\.16\.00$/),
  'dlink-dcs6511-getprofiles.xml': profiles(
    [
      ['Profile1', 'H264', 1280, 1024, 7, false],
      ['Profile2', 'H264', 640, 480, 30, false],
    ],
    1,
  ),
  'dlink-dcs6511-getsystemdateandtime.xml': clock('2023-03-07T16:14:53.000Z', 'COT5'),
  'hikvision-createpullpointsubscription.xml': (f) => {
    const s = parsePullPointSubscription(doc(f), raw(f));
    assert.equal(s.address, 'http://192.168.8.120/onvif/Events/PullSubManager_20250415T164937Z_0');
    assert.equal(s.referenceParametersXml, '');
  },
  'hikvision-ds2cd2145fwd-probematches.xml': (f) => {
    const p = parseProbeMatches(raw(f));
    assert.equal(p.relatesTo, 'uuid:537d141e-1309-47bf-927e-1a42727e262d');
    assert.equal(p.matches[0]!.endpoint, 'urn:uuid:6eff0000-9fd2-11b4-8331-bcbac2a4dee3');
    assert.ok(p.matches[0]!.scopes.includes('onvif://www.onvif.org/hardware/DS-2CD2145FWD-I'));
    assert.deepEqual(p.matches[0]!.xaddrs, [
      'http://192.168.1.17/onvif/device_service',
      'http://[fd8f:ff1b:35a3:e24d:beba:c2ff:fea4:dee3]/onvif/device_service',
    ]);
  },
  'hikvision-getprofiles-media2.xml': profiles(
    [
      ['Profile_1', 'H264', 3840, 2160, 20, false],
      ['Profile_2', 'H264', 640, 360, 30, false],
      ['Profile_3', 'H264', 1280, 720, 30, false],
    ],
    2,
  ),
  'hikvision-getprofiles.xml': profiles(
    [
      ['Profile_1', 'H264', 1920, 1080, 10, false],
      ['Profile_2', 'H264', 640, 360, 25, false],
    ],
    1,
  ),
  'hikvision-oem-enp1a14-fault-operationprohibited.xml': fault(
    'Sender',
    ['OperationProhibited', 'Password'],
    /^Too weak password\.$/,
  ),
  'hikvision-oem-enp1a14-getprofiles-media2.xml': profiles(
    [
      ['Profile_1', 'unknown', undefined, undefined, undefined, false],
      ['Profile_2', 'unknown', undefined, undefined, undefined, false],
      ['Profile_3', 'unknown', undefined, undefined, undefined, false],
    ],
    2,
  ),
  'hikvision-oem-enp1a14-getstreamuri-media2.xml': streamUri(
    'rtsp://192.168.1.182/Streaming/Channels/101?transportmode=unicast&profile=Profile_1',
  ),
  'hikvision-ptz-continuousmove.xml': emptyResponse('ContinuousMoveResponse'),
  'hikvision-ptz-getcapabilities.xml': (f) =>
    assert.equal(parseCapabilities(doc(f)).ptz, 'http://10.10.1.60/onvif/PTZ'),
  'hikvision-ptz-getdeviceinformation.xml': devinfo('HIKVISION', 'DS-2DF7276-AEL', /^V5\.1\.6 build 140401$/),
  'hikvision-ptz-geteventproperties.xml': (f) => {
    const ts = findDeep(doc(f), 'TopicSet') as XNode;
    assert.ok(ts && 'RuleEngine' in ts && 'VideoSource' in ts, 'TopicSet lacks RuleEngine/VideoSource');
  },
  'hikvision-ptz-getpresets.xml': (f) => {
    presets(255, { token: '1', name: 'preset 1' })(f);
    const p = parsePresets(doc(f));
    assert.equal(p.filter((x) => x.name !== '').length, 31);
    assert.ok(p.every((x) => x.position === undefined));
  },
  'hikvision-ptz-getprofiles.xml': profiles(
    [
      ['Profile_1', 'H264', 1280, 720, 10, true],
      ['Profile_2', 'H264', 704, 480, 30, true],
      ['Profile_3', 'H264', 704, 480, 30, true],
    ],
    1,
  ),
  'hikvision-ptz-getservices.xml': (f) => {
    const s = parseServices(doc(f));
    assert.equal(s.ptz, 'http://10.10.1.60/onvif/PTZ');
    assert.equal(s.media2, undefined);
  },
  'hikvision-ptz-getsnapshoturi.xml': snapshotUri('http://10.10.1.60/onvif/snapshot'),
  'hikvision-ptz-getstreamuri.xml': streamUri(
    'rtsp://10.10.1.60:554/Streaming/Channels/3?transportmode=unicast&profile=Profile_3',
  ),
  'hikvision-ptz-getsystemdateandtime.xml': clock(
    '2018-02-27T18:28:01.000Z',
    'CST7:00:00DST01:00:00,M3.2.0/02:00:00,M11.1.0/02:00:00',
  ),
  'hikvision-ptz-gotopreset.xml': emptyResponse('GotoPresetResponse'),
  'hikvision-pullmessages-motion.xml': events(
    [
      ['motion', 'VideoSource/MotionAlarm', false],
      ['motion', 'RuleEngine/CellMotionDetector/Motion', false],
      ['tamper', 'RuleEngine/TamperDetector/Tamper', false],
      ['intrusion', 'RuleEngine/FieldDetector/ObjectsInside', false],
    ],
    '2025-04-18T20:34:05.000Z',
  ),
  'hikvision-pullmessages-raw.xml': (f) => {
    const ev = parseNotifications(doc(f));
    assert.ok(
      ev.some(
        (e) =>
          e.kind === 'motion' &&
          e.topic === 'RuleEngine/CellMotionDetector/Motion' &&
          e.data.IsMotion === 'false' &&
          e.source.Rule === 'MyMotionDetectorRule',
      ),
    );
    assert.ok(
      ev.some(
        (e) =>
          e.kind === 'motion' &&
          e.topic === 'VideoSource/MotionAlarm' &&
          e.active === false &&
          e.source.Source === 'VideoSource_1',
      ),
    );
    assert.ok(ev.some((e) => e.topic === 'Device/HardwareFailure/StorageFailure' && e.kind === 'other'));
  },
  'ipd-h4k8m05-fault-method-not-implemented.xml': fault(
    'Sender',
    [],
    /^Method 'GetStorageConfigurations' not implemented/,
  ),
  'ipd-h4k8m05-getdeviceinformation.xml': devinfo('', 'IPD-H4K8M05-BS', /^V1\.04\.10-190309$/),
  'ipg8150pss-fault-actionnotsupported.xml': fault('Receiver', ['ActionNotSupported'], /^Action Not Implemented$/),
  'lorex-lnb45abb-getprofiles.xml': profiles(
    [
      ['Profile000', 'unknown', undefined, undefined, undefined, true],
      ['Profile001', 'H264', 704, 480, 30, true],
    ],
    1,
  ),
  'milesight-ms-c8165-getdeviceinformation.xml': devinfo(
    'Milesight Technology Co.,Ltd.',
    'MS-C8165-PE',
    /^61\.8\.0\.3-r8$/,
  ),
  'onvifrs-apg-probematches.xml': probe(
    'uuid:84ede3de-7dec-11d0-c360-F01234567890',
    'urn:uuid:a1f48ac2-dc8b-11df-b255-00408c1836b2',
    ['http://169.254.76.145/onvif/services', 'http://192.168.1.24/onvif/services'],
    'VENDOR%20MODEL',
  ),
  'onvifrs-pullmessages-fragment.xml': events(
    [['motion', 'RuleEngine/CellMotionDetector/Motion', false]],
    '2023-09-28T16:01:15.000Z',
  ),
  'pelco-getdeviceinformation.xml': devinfo('Pelco', 'D6230L', /^2\.9\.0\.4\.9340-A0\.0$/),
  'pelco-getpresets.xml': presets(6, {
    token: 'b8eb9b60-96b2-415e-aaa5-82a40217b93d',
    name: "Shane's Room",
    pan: -0.26,
  }),
  'pelco-getprofiles.xml': profiles(
    [
      ['0', 'H264', 1920, 1080, 30, true],
      ['1', 'JPEG', 1920, 1080, 5, true],
    ],
    1,
  ),
  'pelco-pullmessages.xml': (f) => {
    const ev = parseNotifications(doc(f));
    const m = ev.find((e) => e.kind === 'motion');
    assert.ok(m, 'no motion event');
    assert.equal(m.topic, 'RuleEngine/CellMotionDetector/Motion');
    assert.equal(ev[0]!.time.toISOString(), '2018-02-27T18:27:56.070Z');
  },
  'tplink-tapo-c500-getsystemdateandtime.xml': clock('2023-08-25T07:44:59.000Z', 'UTC+01:00'),
  'trendnet-fault-notauthorized.xml': fault('Sender', ['NotAuthorized'], /sender is not authorized$/),
  'uniview-oem-gx728mf-getdeviceinformation.xml': devinfo('NONE', 'GX728MF-IR28', /^IPC_G6106/),
  'uniview-oem-gx728mf-getprofiles-media2.xml': profiles(
    [
      ['media_profile1', 'unknown', undefined, undefined, undefined, false],
      ['media_profile2', 'unknown', undefined, undefined, undefined, false],
      ['media_profile3', 'unknown', undefined, undefined, undefined, false],
    ],
    2,
  ),
  'uniview-oem-gx728mf-getservices.xml': (f) =>
    assert.equal(parseServices(doc(f)).media2, 'http://192.168.1.127:80/onvif/media2'),
  'xiongmai-xm530-getdeviceinformation.xml': devinfo('H264', 'XM530_50X50-WG_8M', /ONVIF 16\.12$/),
  'xiongmai-xm530-getstreamuri-media2.xml': streamUri(
    'rtsp://192.168.15.40:554/user=admin_password=_channel=1_stream=0&protocol=unicast&onvif=ture.sdp?real_stream',
  ),
};

describe('onvif parsers on real vendor captures', () => {
  it('every fixture file has a case (and every case a file)', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.xml'))
      .sort();
    assert.deepEqual(Object.keys(CASES).sort(), files);
  });
  for (const [file, check] of Object.entries(CASES)) it(file, () => check(file));

  it('a strict parser would reject agsh-fault.xml (curly-quote declaration); we tolerate only the declaration', () => {
    assert.match(raw('agsh-fault.xml'), /^<\?xml version=”1\.0” \?>/);
    assert.throws(() => parseXml('<a>”</b>'), OnvifXmlError);
  });
});
