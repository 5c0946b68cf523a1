// Gateways with cluster.enabled: each registers as a node; one started with a live node's name is refused before serving.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway } from '../../gateway/main';
import { NodeNameInUseError } from '../../gateway/cluster/errors';
import { dropSchema, testConfig } from '../helpers/gateway';
import { hashPassword } from '../../gateway/auth/passwords';
import { waitFor } from '../helpers/wait-for';
import { io } from 'socket.io-client';

describe('cluster: gateways as nodes', function () {
  this.timeout(90_000);
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dirs: string[] = [];
  const running: Gateway[] = [];
  const start = async (nodeName: string, cluster: Record<string, unknown> = { enabled: true }): Promise<Gateway> => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-cluster-'));
    dirs.push(dir);
    const config = testConfig({
      server: { nodeName },
      cluster: { heartbeatMs: 200, ttlMs: 1000, fenceMarginMs: 200, ...cluster },
      transcoder: { hlsDir: path.join(dir, 'hls') },
      recording: { volumes: [{ path: dir, quotaBytes: 0 }], reserveBytes: 0 },
    });
    const gw = await startGateway(config, { schema, log: () => undefined });
    running.push(gw);
    return gw;
  };
  after(async () => {
    for (const gw of running.splice(0).reverse()) await gw.close();
    await dropSchema(schema);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs alone with no cluster parts unless cluster.enabled', async () => {
    const gw = await start('solo', { enabled: false });
    assert.equal(gw.cluster, null);
    await gw.close();
  });

  it('registers each gateway under its node name with its advertised address', async () => {
    const one = await start('gw-1', { enabled: true, advertisedAddress: 'http://10.0.0.1:8080' });
    await start('gw-2', { enabled: true, advertisedAddress: 'http://10.0.0.2:8080' });
    const live = await one.cluster!.node.liveNodes();
    assert.deepEqual(
      live.map((n) => [n.name, n.address]),
      [
        ['gw-1', 'http://10.0.0.1:8080'],
        ['gw-2', 'http://10.0.0.2:8080'],
      ],
    );
    const key = { cameraId: 'cam-9', profile: 'main' };
    const holder = await one.cluster!.node.acquire(key);
    assert.ok(holder && ['gw-1', 'gw-2'].includes(holder.node));
    const owner = running.find((g) => g.cluster?.node.name === holder.node)!;
    await waitFor(() => owner.cluster!.node.holds(key), { what: `${holder.node} holding cam-9/main` });
  });

  it('refuses to start a gateway with the name of a live node, naming it, and leaves the live one untouched', async () => {
    await assert.rejects(start('gw-1'), (err: unknown) => {
      assert.ok(err instanceof NodeNameInUseError, String(err));
      assert.match(err.message, /node name "gw-1" is in use by a live node at http:\/\/10\.0\.0\.1:8080/);
      return true;
    });
    const one = running.find((g) => g.cluster?.node.name === 'gw-1')!;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(one.cluster!.node.fenced, false);
    assert.ok((await one.cluster!.node.liveNodes()).some((n) => n.bootId === one.cluster!.node.bootId));
  });

  it('shows changes made on one node in another node’s spatial answers, and its events on its sockets, within 1 s', async () => {
    const [one, two] = ['gw-1', 'gw-2'].map((n) => running.find((g) => g.cluster?.node.name === n)!) as [
      Gateway,
      Gateway,
    ];
    const deps = Object.fromEntries((await one.repos.org.departments()).map((d) => [d.code, d.id]));
    const user = async (username: string, role: 'admin' | 'operator', dept: string): Promise<void> => {
      await one.repos.accounts.createUser({
        username,
        displayName: username,
        passwordHash: await hashPassword(`pw-${username}`),
        role,
        departmentId: deps[dept]!,
        areaGridId: null,
        locale: 'zh-CN',
      });
    };
    await user('c-police', 'admin', 'police');
    await user('c-traffic', 'operator', 'traffic');
    const call = async (gw: Gateway, method: string, url: string, token?: string, body?: unknown) => {
      const r = await fetch(`http://127.0.0.1:${gw.port}${url}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      return { status: r.status, text, body: text ? JSON.parse(text) : undefined };
    };
    const login = async (gw: Gateway, u: string): Promise<string> =>
      (await call(gw, 'POST', '/api/v1/auth/login', undefined, { username: u, password: `pw-${u}` })).body.accessToken;
    const police1 = await login(one, 'c-police');
    const police2 = await login(two, 'c-police');
    const traffic2 = await login(two, 'c-traffic');
    const nearby = async (gw: Gateway, token: string, lng: number): Promise<string[]> => {
      const r = await call(gw, 'GET', `/api/v1/gis/nearby?lng=${lng}&lat=29.02&radius=50`, token);
      assert.equal(r.status, 200, r.text);
      return (r.body.items as Array<{ camera: { name: string } }>).map((h) => h.camera.name);
    };
    const seen = async (what: string, check: () => Promise<boolean>): Promise<number> => {
      const t0 = performance.now();
      await waitFor(check, { what, timeoutMs: 5000, intervalMs: 10 });
      const ms = performance.now() - t0;
      console.log(`      ${what}: ${Math.round(ms)} ms`);
      assert.ok(ms < 1000, `${what} after ${Math.round(ms)} ms`);
      return ms;
    };
    const created = await call(one, 'POST', '/api/v1/cameras', police1, {
      name: 'cluster-cam',
      departmentId: deps.police,
      mainUri: 'rtsp://10.1.0.9/main',
      lng: 111.9,
      lat: 29.02,
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    await seen('created on gw-1, found near its place on gw-2', async () =>
      (await nearby(two, police2, 111.9)).includes('cluster-cam'),
    );
    assert.equal(two.services.directory.lookup(id)?.lng, 111.9);
    const moved = await call(one, 'PATCH', `/api/v1/cameras/${id}`, police1, { lng: 111.95 });
    assert.equal(moved.status, 200, moved.text);
    await seen(
      'moved on gw-1, at its new place on gw-2',
      async () => two.services.directory.lookup(id)?.lng === 111.95,
    );
    // shares: traffic sees nothing of police until police shares, on gw-1, with traffic
    assert.deepEqual(await nearby(two, traffic2, 111.95), []);
    const share = await call(one, 'POST', '/api/v1/shares', police1, { toDepartmentId: deps.traffic, kind: 'all' });
    assert.equal(share.status, 201, share.text);
    await seen('shared on gw-1, visible to traffic on gw-2', async () =>
      (await nearby(two, traffic2, 111.95)).includes('cluster-cam'),
    );
    // realtime: an event of the camera stored on gw-1 reaches a socket of gw-2 that may see the camera
    const socket = io(`http://127.0.0.1:${two.port}`, {
      path: '/socket.io',
      auth: { token: police2 },
      transports: ['websocket'],
    });
    try {
      const got: string[] = [];
      socket.on('camera:event', (e: { cameraId: string; type: string }) => got.push(`${e.cameraId}:${e.type}`));
      await new Promise((r) => socket.on('connect', () => r(null)));
      const ev = await call(one, 'POST', '/api/v1/events', police1, {
        cameraId: id,
        type: 'alarm.intrusion',
        data: {},
      });
      assert.equal(ev.status, 201, ev.text);
      await seen('an event stored on gw-1, pushed to a socket of gw-2', async () =>
        got.includes(`${id}:alarm.intrusion`),
      );
    } finally {
      socket.close();
    }
    assert.equal((await call(one, 'DELETE', `/api/v1/cameras/${id}`, police1)).status, 204);
    await seen('deleted on gw-1, gone from gw-2', async () => two.services.directory.lookup(id) === undefined);
  });

  it('frees the name when a gateway closes: it may start again at once', async () => {
    const two = running.find((g) => g.cluster?.node.name === 'gw-2')!;
    await two.close();
    const again = await start('gw-2');
    assert.notEqual(again.cluster!.node.bootId, two.cluster!.node.bootId);
  });
});
