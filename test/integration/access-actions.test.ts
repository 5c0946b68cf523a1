// Every route and every socket event of a real gateway asks the access policy for the action it names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { ACTIONS, ROLES, type Action, type Principal } from '../../gateway/auth/policy';
import { EVENT_ACTIONS, type AlarmMessage, type ServerEvents } from '../../gateway/realtime/realtime';
import { expressRoutes } from '../helpers/express-routes';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { listSources, stripComments } from '../helpers/imports';
import { waitFor } from '../helpers/wait-for';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One question put to the policy: who (null: no credentials) asked for which action. */
interface Asked {
  who: string | null;
  action: string;
}

describe('access: every route and socket event asks the policy for a named action', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let admin: string;
  let camId: string;
  /** 'deny': the policy answers no to everything (and records); 'pass': it answers as it is. */
  let mode: 'deny' | 'pass' = 'pass';
  const asked: Asked[] = [];

  before(async () => {
    rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0 });
    await rtsp.start();
    t = await startTestGateway();
    await t.addUser('walker', 'admin', null);
    admin = await t.login('walker');
    const cam = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: 'walked',
        departmentId: t.departments.police,
        mainUri: rtsp.url(0, 'main'),
        lng: 111.69,
        lat: 29.03,
        streams: { main: { codec: 'h264' } },
      },
    });
    assert.equal(cam.status, 201, cam.text);
    camId = cam.body.id;
    // a spy on the gateway's one AccessControl: every question is recorded; in 'deny' mode every answer is no
    const access = t.gw.services.access as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const method of ['permits', 'can', 'canDo', 'inDepartment', 'predicate', 'departmentScope'] as const) {
      const real = access[method]!.bind(access);
      access[method] = (...args: unknown[]) => {
        const p = args[0] as Principal | null;
        asked.push({ who: p?.name ?? null, action: method === 'predicate' ? 'view' : String(args[1]) });
        if (mode === 'pass') return real(...args);
        if (method === 'predicate') return () => false;
        return method === 'departmentScope' ? null : false;
      };
    }
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  const fill = (p: string): string => p.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => (name === 'id' ? '1' : 'x'));
  const key = (method: string, p: string): string => `${method} ${p.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;

  it('every /api route names an action of the policy, and is refused when the policy says no to it', async () => {
    const declared = new Map(
      t.gw.api.operations.map((op) => [
        `${op.method} ${op.path.startsWith('/hls/') ? op.path : `/api/v1${op.path}`}`,
        op.action,
      ]),
    );
    const served = expressRoutes(t.gw.app as unknown as { router: { stack: never[] } }).filter((r) =>
      r.path.startsWith('/api/v1/'),
    );
    assert.ok(served.length >= 40, `found only ${served.length} routes`);
    const problems: string[] = [];
    mode = 'deny';
    try {
      for (const r of served) {
        const action = declared.get(key(r.method, r.path));
        if (action === undefined || !ACTIONS.includes(action)) {
          problems.push(`${key(r.method, r.path)} names no action of the policy (${String(action)})`);
          continue;
        }
        asked.length = 0;
        const res = await t.api(r.method.toUpperCase(), fill(r.path), {
          token: admin,
          ...(r.method === 'get' || r.method === 'delete' ? {} : { body: {} }),
        });
        // the policy is asked first without credentials (public actions), then for the caller
        const want: Asked[] = [
          { who: null, action },
          { who: 'walker', action },
        ];
        if (res.status !== 403 || JSON.stringify(asked.slice(0, 2)) !== JSON.stringify(want))
          problems.push(`${key(r.method, r.path)} (${action}): ${res.status}, asked ${JSON.stringify(asked)}`);
      }
    } finally {
      mode = 'pass';
    }
    assert.deepEqual(problems, []);
  });

  it("the OpenAPI document names each operation's action, and the roles the policy lets take it", async () => {
    const doc = await t.api('GET', '/api/v1/openapi.json');
    for (const [p, ops] of Object.entries(
      doc.body.paths as Record<
        string,
        Record<string, { 'x-action'?: string; 'x-roles'?: string[]; security?: unknown[] }>
      >,
    ))
      for (const [m, op] of Object.entries(ops)) {
        assert.ok(ACTIONS.includes(op['x-action'] as Action), `${m} ${p}: x-action ${op['x-action']}`);
        if (op.security === undefined) assert.ok(op['x-roles']?.length, `${m} ${p} lists its roles`);
      }
    assert.deepEqual(doc.body.paths['/api/v1/users'].post['x-roles'], ['admin']);
    assert.equal(doc.body.paths['/api/v1/auth/login'].post['x-action'], 'sign-in');
  });

  it('the HLS route asks the policy for its action on every request', async () => {
    const hls = t.gw.api.operations.find((op) => op.path.startsWith('/hls/'));
    assert.ok(hls, 'the HLS route is documented');
    const served = expressRoutes(t.gw.app as unknown as { router: { stack: never[] } }).filter((r) =>
      r.path.startsWith('/hls/'),
    );
    assert.deepEqual(
      served.map((r) => key(r.method, r.path)),
      [`${hls.method} ${hls.path}`],
    );
    const open = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: admin, body: { profile: 'main' } });
    assert.equal(open.status, 201, open.text);
    assert.equal((await fetch(t.base + open.body.url)).status, 200);
    asked.length = 0;
    mode = 'deny';
    try {
      const refused = await fetch(t.base + open.body.url);
      assert.equal(refused.status, 403);
    } finally {
      mode = 'pass';
    }
    assert.ok(
      asked.some((a) => a.who === 'walker' && a.action === hls.action),
      `asked ${JSON.stringify(asked)}`,
    );
  });

  /** Makes the gateway publish one event of each kind about the walked camera; `n` tells two apart. */
  const TRIGGERS: { [E in keyof ServerEvents]: (n: number) => void } = {
    'camera:status': (n) => {
      t.gw.services.realtime.publishStatus([{ id: camId, status: 'online', reason: `r${n}`, lastSeen: null }]);
      t.gw.services.realtime.flush();
    },
    'camera:changed': () => t.gw.services.realtime.publishCamera('changed', camId),
    'camera:removed': () => t.gw.services.realtime.publishCamera('removed', camId),
    'stream:state': (n) =>
      t.gw.services.realtime.publishStreamState({ cameraId: camId, profile: 'main', state: `s${n}` }),
    'recording:state': (n) =>
      t.gw.services.realtime.publishRecordingState({
        cameraId: camId,
        state: `s${n}`,
        reason: 'walk',
        cause: null,
        volume: null,
        since: new Date().toISOString(),
      }),
    'camera:event': (n) =>
      t.gw.services.realtime.publishEvent({
        id: String(n),
        cameraId: camId,
        type: 'walk',
        at: new Date().toISOString(),
        data: { n },
      }),
    'scan:progress': (n) =>
      t.gw.services.realtime.publishScan(t.departments.police, {
        scanId: `scan-${n}`,
        probed: n,
        total: 2,
        found: 0,
        done: false,
      }),
    'alarm:notify': (n) =>
      t.gw.services.realtime.publishAlarm(t.departments.police, {
        reason: 'raised',
        alarm: { id: `alarm-${n}` } as AlarmMessage['alarm'],
        event: null,
        cameras: [],
      }),
    'wall:screen': (n) =>
      t.gw.services.realtime.publishScreen(t.departments.police, n, {
        id: n,
        departmentId: t.departments.police,
        closed: 'removed',
      }),
    'ptz:control': (n) =>
      t.gw.services.realtime.publishPtzControl({
        cameraId: camId,
        holder: { name: `h${n}`, priority: n, until: new Date().toISOString() },
        lost: null,
      }),
  };

  it('every server event the hub declares names an action of the policy and has a trigger here', () => {
    const source = stripComments(readFileSync(path.join(ROOT, 'gateway/realtime/server-events.ts'), 'utf8'));
    const block = /export interface ServerEvents \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
    const declared = [...block.matchAll(/'([a-z]+:[a-z]+)'\s*:/g)].map((m) => m[1]!);
    assert.ok(declared.length >= 6, `found ${declared.join(', ')}`);
    assert.deepEqual(Object.keys(EVENT_ACTIONS).sort(), [...declared].sort());
    assert.deepEqual(Object.keys(TRIGGERS).sort(), [...declared].sort());
    for (const action of Object.values(EVENT_ACTIONS)) assert.ok(ACTIONS.includes(action), action);
    // nothing in the gateway emits to sockets outside the hub, where the table is applied
    const emitters = listSources(ROOT, ['gateway']).filter((f) =>
      /\.emit\(\s*'[a-z]+:[a-z]+'/.test(readFileSync(path.join(ROOT, f), 'utf8')),
    );
    assert.deepEqual(emitters, ['gateway/realtime/realtime.ts']);
  });

  for (const event of Object.keys(EVENT_ACTIONS) as Array<keyof ServerEvents>) {
    it(`socket event ${event}: asks the policy for ${EVENT_ACTIONS[event]}, and is not sent when it says no`, async () => {
      const socket: Socket = io(t.base, { path: '/socket.io', auth: { token: admin }, transports: ['websocket'] });
      const got: unknown[] = [];
      socket.on(event as string, (m: unknown) => got.push(m));
      try {
        await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
        // the policy is asked when a socket's rooms are chosen: saying no there keeps the event away
        asked.length = 0;
        mode = 'deny';
        try {
          t.gw.services.realtime.invalidate();
          TRIGGERS[event](1);
        } finally {
          mode = 'pass';
        }
        assert.ok(
          asked.some((a) => a.who === 'walker' && a.action === EVENT_ACTIONS[event]),
          `asked ${JSON.stringify(asked)}`,
        );
        // the same event once the policy says yes: one connection delivers in order, so a denied
        // message would have arrived before this one
        t.gw.services.realtime.invalidate();
        TRIGGERS[event](2);
        await waitFor(() => got.length > 0, { what: `the allowed ${event}`, timeoutMs: 5000 });
        assert.equal(got.length, 1, `only the allowed one: ${JSON.stringify(got)}`);
        if (event !== 'camera:changed' && event !== 'camera:removed') assert.match(JSON.stringify(got[0]), /2/);
      } finally {
        socket.close();
      }
    });
  }

  // a role compared with a role name, a role looked up in a list, a list of roles
  const NAME = `['"](?:${ROLES.join('|')})['"]`;
  const BY_ROLE = new RegExp(
    `\\brole\\s*[!=]==\\s*${NAME}|${NAME}\\s*[!=]==|\\.includes\\([^()]*\\.role\\)|\\broles\\s*[:=]`,
    'g',
  );
  it('no code outside the policy decides by role', () => {
    const hits: string[] = [];
    for (const f of listSources(ROOT, ['gateway'])) {
      if (f === 'gateway/auth/policy.ts') continue;
      const code = stripComments(readFileSync(path.join(ROOT, f), 'utf8'));
      for (const m of code.matchAll(BY_ROLE)) hits.push(`${f}:${code.slice(0, m.index).split('\n').length} ${m[0]}`);
    }
    assert.deepEqual(hits, []);
  });
});
