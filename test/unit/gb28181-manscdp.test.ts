// MANSCDP bodies: the captures' Catalog/Keepalive/DeviceStatus/RecordInfo/Alarm documents, GB2312 and UTF-8, built pages read back, hostile XML refused.
import assert from 'node:assert/strict';
import {
  CatalogCollector,
  ManscdpError,
  buildAlarmNotify,
  buildCatalogPages,
  buildDeviceInfoResponse,
  buildDeviceStatusResponse,
  buildKeepalive,
  buildPtzControl,
  buildQuery,
  buildRecordInfoQuery,
  buildRecordInfoResponse,
  declaredCharset,
  decodeBody,
  encodeGb2312,
  parseManscdp,
  parseSip,
  readAlarm,
  readCatalog,
  readDeviceInfo,
  readDeviceStatus,
  readKeepalive,
  readRecordInfo,
  type CatalogItem,
} from '../../gateway/gb28181/index';
import { completeWireBytes, readGb } from '../helpers/gb-fixtures';

const body = (file: string): Buffer => parseSip(completeWireBytes(file)).body;

describe('gb28181 MANSCDP captures', () => {
  it('gbsolution Catalog response: one item, "null" fields absent, no position', () => {
    const doc = parseManscdp(body('gbsolution-catalog-response.sip'));
    assert.deepEqual(
      [doc.root, doc.cmdType, doc.sn, doc.deviceId],
      ['Response', 'Catalog', 248, '34010000001310000001'],
    );
    const page = readCatalog(doc);
    assert.deepEqual([page.sumNum, page.num, page.items.length], [1, 1, 1]);
    assert.deepEqual(page.items[0], {
      deviceId: '34010000001310000001',
      name: 'Camera01',
      parental: 0,
      secrecy: 0,
      registerWay: 1,
      ipAddress: '192.168.230.100',
      port: 5060,
      status: 'ON',
    });
  });

  it('gbsolution Catalog query and Keepalive (no encoding declared)', () => {
    const q = parseManscdp(body('gbsolution-catalog-query.sip'));
    assert.deepEqual([q.root, q.cmdType, q.sn], ['Query', 'Catalog', 248]);
    const k = parseManscdp(body('gbsolution-keepalive.sip'));
    assert.equal(declaredCharset(body('gbsolution-keepalive.sip')), undefined);
    assert.deepEqual(readKeepalive(k), { deviceId: '34010000001310000001', status: 'OK', faulty: [] });
  });

  it('gbt_sip_server DeviceStatus query on one line and its Keepalive', () => {
    const q = parseManscdp(body('gbtsipserver-devicestatus-query.sip'));
    assert.deepEqual([q.root, q.cmdType, q.sn, q.deviceId], ['Query', 'DeviceStatus', 1, '44010200492000400301']);
    const k = parseManscdp(body('gbtsipserver-keepalive.sip'));
    assert.equal(readKeepalive(k).status, 'OK');
  });

  it('lunasaw RecordInfo response: SumNum 130 with one pasted item', () => {
    const r = readRecordInfo(parseManscdp(readGb('lunasaw-recordinfo-response.xml')));
    assert.deepEqual([r.deviceId, r.sumNum, r.num, r.items.length], ['33010602010002719420', 130, 130, 1]);
    assert.deepEqual(r.items[0], {
      startTime: '2023-10-16T00:05:00',
      endTime: '2023-10-16T00:10:03',
      secrecy: 0,
      fileSize: 6245911,
      filePath:
        '/home/www/ZLMediaKit/release/linux/Debug/www/record/onvif/037a00020053fafd470f__D01_CH01_Main/2023-10-16/000500-001003.mp4',
    });
  });

  const alarms: Array<[string, object]> = [
    [
      'wvp-alarm-notify-no-alarmtype.xml',
      {
        method: 7,
        longitude: 0,
        latitude: 0,
        description: '1001,1780623964994529058,55123456781381000010,25123456781381000050,55LCPCweb10',
      },
    ],
    [
      'wvp-alarm-notify-videoloss.xml',
      { method: 2, type: 1, longitude: 116.397, latitude: 39.908, description: 'Video loss alarm' },
    ],
    [
      'wvp-alarm-notify-info-alarmtype.xml',
      { method: 5, type: 2, longitude: 116.397, latitude: 39.908, description: 'Motion detection' },
    ],
  ];
  for (const [file, want] of alarms)
    it(`wvp alarm ${file}`, () => {
      const doc = parseManscdp(readGb(file));
      assert.equal(doc.cmdType, '');
      const a = readAlarm(doc);
      assert.deepEqual(
        { ...a, deviceId: undefined, priority: undefined, time: undefined },
        { ...want, deviceId: undefined, priority: undefined, time: undefined },
      );
      assert.equal(a.priority, 1);
    });
});

const items = (n: number): CatalogItem[] =>
  Array.from({ length: n }, (_, i) => ({
    deviceId: `3402000000132000${String(i + 1).padStart(4, '0')}`,
    name: `武陵区 路口${i + 1} 球机`,
    manufacturer: 'Hikvision',
    civilCode: '430702',
    parentId: '34020000001110000001',
    status: i % 5 === 4 ? 'OFF' : 'ON',
    longitude: 111.69 + i / 1000,
    latitude: 29.03 + i / 1000,
    ptzType: i % 2 ? 1 : 3,
  }));

describe('gb28181 MANSCDP built and read back', () => {
  it('GB2312 bodies: encoded, declared, decoded; Chinese names survive', () => {
    const [page] = buildCatalogPages(7, '34020000001110000001', items(2), 4, 'GB2312');
    assert.ok(page);
    assert.equal(declaredCharset(page), 'gb2312');
    assert.ok(!page.includes(Buffer.from('武陵区', 'utf8')), 'not UTF-8 bytes');
    assert.ok(page.includes(encodeGb2312('武陵区')));
    assert.equal(readCatalog(parseManscdp(page)).items[0]?.name, '武陵区 路口1 球机');
  });

  it('a 130-item catalog in pages of 4: SumNum, DeviceList Num, every field, put together by the collector', () => {
    const all = items(130);
    const pages = buildCatalogPages(9, '34020000001110000001', all, 4);
    assert.equal(pages.length, 33);
    const c = new CatalogCollector();
    for (const p of pages.reverse()) {
      const page = readCatalog(parseManscdp(p));
      assert.equal(page.sumNum, 130);
      assert.equal(page.num, page.items.length);
      assert.equal(c.complete, false);
      c.add(page);
    }
    assert.equal(c.complete, true);
    assert.deepEqual(
      c.list().sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
      all.map((i) => ({ ...i, parental: 0, registerWay: 1, secrecy: 0 })),
    );
  });

  it('a catalog claiming more items than the bound is refused', () => {
    const c = new CatalogCollector(100);
    assert.throws(() => c.add({ deviceId: 'x', sumNum: 1_000_000, num: 0, items: [] }), ManscdpError);
  });

  it('queries, Keepalive, DeviceInfo, DeviceStatus, RecordInfo, Alarm and PTZ control read back in UTF-8 and GB2312', () => {
    for (const cs of ['UTF-8', 'GB2312'] as const) {
      const q = parseManscdp(buildQuery('DeviceInfo', 3, '34020000001320000001', [], cs));
      assert.deepEqual([q.root, q.cmdType, q.sn], ['Query', 'DeviceInfo', 3]);
      assert.equal(readKeepalive(parseManscdp(buildKeepalive(4, '34020000001320000001', cs))).status, 'OK');
      const info = {
        deviceId: '34020000001320000001',
        deviceName: '模拟 IPC',
        manufacturer: 'CloudEye',
        model: 'SIM-1',
        firmware: '1.0',
        channels: 1,
        result: 'OK',
      };
      assert.deepEqual(readDeviceInfo(parseManscdp(buildDeviceInfoResponse(5, info, cs))), info);
      const st = readDeviceStatus(
        parseManscdp(
          buildDeviceStatusResponse(
            6,
            { deviceId: info.deviceId, alarms: [{ deviceId: info.deviceId, status: 'ONDUTY' }] },
            cs,
          ),
        ),
      );
      assert.deepEqual(
        [st.online, st.status, st.result, st.alarms],
        ['ONLINE', 'OK', 'OK', [{ deviceId: info.deviceId, status: 'ONDUTY' }]],
      );
      const rq = parseManscdp(buildRecordInfoQuery(8, info.deviceId, '2026-12-06T00:00:00', '2026-12-06T23:59:59', cs));
      assert.equal(rq.node.StartTime, '2026-12-06T00:00:00');
      const rec = [{ startTime: '2026-12-06T01:00:00', endTime: '2026-12-06T01:10:00', fileSize: 1000 }];
      const rr = readRecordInfo(parseManscdp(buildRecordInfoResponse(8, info.deviceId, '通道1', rec, cs)));
      assert.deepEqual([rr.sumNum, rr.name, rr.items[0]?.fileSize, rr.items[0]?.name], [1, '通道1', 1000, '通道1']);
      const al = readAlarm(
        parseManscdp(
          buildAlarmNotify(
            9,
            { deviceId: info.deviceId, priority: 1, method: 5, type: 2, description: '移动侦测' },
            cs,
          ),
        ),
      );
      assert.deepEqual([al.type, al.description], [2, '移动侦测']);
      assert.equal(
        parseManscdp(buildPtzControl(10, info.deviceId, 'A50F01021F0000D6', cs)).node.PTZCmd,
        'A50F01021F0000D6',
      );
    }
  });
});

describe('gb28181 MANSCDP hostile bodies', () => {
  const gbDecl = (xml: string): Buffer =>
    Buffer.concat([Buffer.from('<?xml version="1.0" encoding="GB2312"?>'), encodeGb2312(xml)]);
  const cases: Array<[string, Buffer | string]> = [
    [
      'an external entity (XXE)',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Notify><CmdType>&e;</CmdType></Notify>',
    ],
    [
      'billion laughs',
      `<!DOCTYPE l [<!ENTITY a "aaaa">${'<!ENTITY b "&a;&a;&a;">'}]><Notify><CmdType>&b;</CmdType></Notify>`,
    ],
    ['a lone ENTITY', '<Notify><!ENTITY x "y"><CmdType>Keepalive</CmdType></Notify>'],
    ['a huge document', `<Response><CmdType>Catalog</CmdType>${'<Item></Item>'.repeat(30_000)}</Response>`],
    ['truncated XML', '<?xml version="1.0"?><Response><CmdType>Catalog</CmdType><DeviceList>'],
    ['an unknown root', '<?xml version="1.0"?><Envelope><CmdType>Catalog</CmdType></Envelope>'],
    [
      'GBK bytes declared UTF-8',
      Buffer.concat([
        Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Notify><CmdType>Keepalive</CmdType><Name>'),
        encodeGb2312('天网'),
        Buffer.from('</Name></Notify>'),
      ]),
    ],
    [
      'an unsupported charset',
      '<?xml version="1.0" encoding="EBCDIC-CP-US"?><Notify><CmdType>Keepalive</CmdType></Notify>',
    ],
    ['an empty body', ''],
  ];
  for (const [name, input] of cases)
    it(`refuses ${name}`, () =>
      assert.throws(() => parseManscdp(typeof input === 'string' ? Buffer.from(input) : input), ManscdpError));

  it('a GB2312 body without a declaration is read as GB18030 when it is not valid UTF-8', () => {
    const bytes = encodeGb2312(
      '<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>1</DeviceID><Status>正常</Status></Notify>',
    );
    assert.equal(decodeBody(bytes).includes('正常'), true);
    assert.equal(
      readKeepalive(parseManscdp(gbDecl('<Notify><CmdType>Keepalive</CmdType><Status>正常</Status></Notify>'))).status,
      '正常',
    );
  });
});
