// /cameras/search and /cameras/tree: ranked matches on id, name, tag and address, the tree's counts, only visible cameras, clear 400s.
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { seedCity } from '../e2e/seed';
import type { Camera } from '../../gateway/contract';

describe('api: finding a camera', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let cams: Map<string, Camera>;
  let pview: string;
  let tview: string;
  let netId: number;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('city', 'admin', null);
    await t.addUser('padmin', 'admin', 'police');
    await t.addUser('pview', 'viewer', 'police');
    await t.addUser('tview', 'viewer', 'traffic');
    await t.addUser('paudit', 'auditor', 'police');
    cams = await seedCity(t, await t.login('city'));
    const net = await t.api('POST', '/api/v1/networks', {
      token: await t.login('padmin'),
      body: { name: '公安视频专网', cidrs: ['127.0.0.0/8'] },
    });
    assert.equal(net.status, 201, net.text);
    netId = net.body.id;
    const moved = await t.api('PATCH', `/api/v1/cameras/${cams.get('天网-步行街')!.id}`, {
      token: await t.login('padmin'),
      body: { networkId: netId },
    });
    assert.equal(moved.status, 200, moved.text);
    pview = await t.login('pview');
    tview = await t.login('tview');
  });
  after(async () => t?.close());

  const search = async (token: string, q: string): Promise<Array<{ id: string; name: string; match: string }>> => {
    const r = await t.api('GET', `/api/v1/cameras/search?q=${encodeURIComponent(q)}`, { token });
    assert.equal(r.status, 200, r.text);
    return r.body.items;
  };

  it('finds by name (prefix first), id, tag and address, only among visible cameras', async () => {
    const byName = await search(pview, '天网-人民');
    assert.deepEqual(byName.map((h) => h.name).sort(), ['天网-人民路口东', '天网-人民路口北']);
    assert.ok(byName.every((h) => h.match === 'name'));
    const west = cams.get('天网-西门')!;
    const byId = await search(pview, west.id);
    assert.equal(byId[0]?.id, west.id, 'the camera with that id first');
    assert.equal(byId[0]?.match, 'id');
    const byTag = await search(pview, 'station');
    assert.deepEqual(
      byTag.map((h) => [h.name, h.match]),
      [['天网-火车站广场', 'tag']],
    );
    // the seeded address repeats the name; a police viewer finds no traffic camera
    assert.deepEqual(await search(pview, '交通-'), []);
    assert.deepEqual(
      (await search(tview, '人民路')).map((h) => h.name),
      ['交通-人民路电警'],
    );
    assert.deepEqual(await search(await t.login('paudit'), '天网'), [], 'an auditor finds no camera');
    const old = cams.get('天网-滨江公园')!;
    const addr = await t.api('PATCH', `/api/v1/cameras/${old.id}`, {
      token: await t.login('padmin'),
      body: { address: '沿江大道 88 号' },
    });
    assert.equal(addr.status, 200, addr.text);
    assert.deepEqual(
      (await search(pview, '沿江大道')).map((h) => [h.id, h.match]),
      [[old.id, 'address']],
    );
  });

  it('counts the visible cameras by department and network or grid, and lists a group', async () => {
    const tree = await t.api('GET', '/api/v1/cameras/tree?by=network', { token: pview });
    assert.equal(tree.status, 200, tree.text);
    const police = [...cams.values()].filter((c) => c.departmentId === t.departments.police);
    assert.deepEqual(
      tree.body.departments.map((d: { id: number }) => d.id),
      [t.departments.police],
    );
    const groups = tree.body.departments[0].groups as Array<{ id: number | null; name: string; count: number }>;
    assert.deepEqual(groups, [
      { id: netId, name: '公安视频专网', count: 1 },
      { id: null, name: '', count: police.length - 1 },
    ]);
    const leaves = await t.api(
      'GET',
      `/api/v1/cameras/tree/cameras?by=network&department=${t.departments.police}&group=${netId}`,
      { token: pview },
    );
    assert.equal(leaves.status, 200, leaves.text);
    assert.deepEqual(
      leaves.body.items.map((c: { name: string }) => c.name),
      ['天网-步行街'],
    );
    const none = await t.api(
      'GET',
      `/api/v1/cameras/tree/cameras?by=network&department=${t.departments.police}&group=none`,
      { token: pview },
    );
    assert.equal(none.body.total, police.length - 1);
    const foreign = await t.api(
      'GET',
      `/api/v1/cameras/tree/cameras?by=network&department=${t.departments.police}&group=none`,
      { token: tview },
    );
    assert.deepEqual(
      foreign.body,
      { items: [], total: 0 },
      "a traffic viewer lists none of the police department's cameras",
    );
  });

  it("counts in the tree exactly the cameras the list shows, for whole departments and for a share's part of one", async () => {
    const padmin = await t.login('padmin');
    const share = await t.api('POST', '/api/v1/shares', {
      token: padmin,
      body: { toDepartmentId: t.departments.traffic, kind: 'tags', tags: ['crossing'] },
    });
    assert.equal(share.status, 201, share.text);
    try {
      for (const [who, token] of [
        ['traffic viewer', tview],
        ['city admin', await t.login('city')],
      ] as const) {
        const list = await t.api('GET', '/api/v1/cameras?limit=1000', { token });
        const perDept = new Map<number, number>();
        for (const c of list.body.items as Camera[])
          perDept.set(c.departmentId, (perDept.get(c.departmentId) ?? 0) + 1);
        for (const by of ['network', 'grid']) {
          const tree = await t.api('GET', `/api/v1/cameras/tree?by=${by}`, { token });
          assert.equal(tree.status, 200, tree.text);
          const counted = new Map(
            (tree.body.departments as Array<{ id: number; count: number; groups: Array<{ count: number }> }>).map(
              (d) => {
                assert.equal(
                  d.groups.reduce((a, g) => a + g.count, 0),
                  d.count,
                  `${who}, by ${by}: the groups add up`,
                );
                return [d.id, d.count] as const;
              },
            ),
          );
          assert.deepEqual(
            [...counted].sort(),
            [...perDept].sort(),
            `${who}, by ${by}: the tree counts what the list shows`,
          );
        }
      }
      const traffic = await t.api('GET', '/api/v1/cameras/tree?by=network', { token: tview });
      const police = (traffic.body.departments as Array<{ id: number; count: number }>).find(
        (d) => d.id === t.departments.police,
      );
      assert.equal(police?.count, 2, 'the two crossing cameras of the police are shared');
    } finally {
      await t.api('DELETE', `/api/v1/shares/${share.body.id}`, { token: padmin });
    }
  });

  it('refuses bad input with the field named', async () => {
    for (const [url, field] of [
      ['/api/v1/cameras/search?q=', 'q'],
      ['/api/v1/cameras/search?q=%20%20', 'q'],
      ['/api/v1/cameras/search?q=a&limit=0', 'limit'],
      ['/api/v1/cameras/search?q=a&limit=abc', 'limit'],
      ['/api/v1/cameras/tree?by=street', 'by'],
      ['/api/v1/cameras/tree/cameras?department=1&group=x', 'group'],
      ['/api/v1/cameras/tree/cameras?group=none', 'department'],
    ] as const) {
      const r = await t.api('GET', url, { token: pview });
      assert.equal(r.status, 400, `${url}: ${r.text}`);
      assert.ok(
        (r.body.errors as Array<{ path: string }>).some((e) => e.path.includes(field)),
        `${url} names ${field}: ${r.text}`,
      );
    }
    assert.equal((await t.api('GET', '/api/v1/cameras/search?q=a')).status, 401, 'no token, no search');
  });
});
