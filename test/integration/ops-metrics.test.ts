// /metrics on a running gateway with a simulated camera: the values move as a viewer watches, plays HLS, records, posts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { LiveClient } from '../helpers/live-client';
import { waitFor } from '../helpers/wait-for';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { familiesOf, parseExposition, valueOf, type Sample } from '../helpers/prom-text';

const TOKEN = 'scrape-token-0123456789abcdef';
const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };

describe('metrics: /metrics of a running gateway', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let admin: string;
  let cam: string;
  const wsUrl = (p: string): string => t.base.replace(/^http/, 'ws') + p;

  async function scrape(): Promise<{ text: string; samples: Sample[] }> {
    const r = await fetch(`${t.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    return { text, samples: parseExposition(text) };
  }
  const value = async (name: string, labels: Record<string, string> = {}): Promise<number> =>
    valueOf((await scrape()).samples, name, labels) ?? NaN;

  before(async () => {
    rtsp = new RtspProcess({ count: 2, codec: 'h264', port: 0, width: 320, height: 240, fps: 25 });
    await rtsp.start();
    t = await startTestGateway({
      metrics: { auth: 'bearer', token: TOKEN },
      transcoder: { idleTimeoutS: 5 },
      recording: { segmentSeconds: 1, planIntervalS: 0.5, retryS: 1 },
    });
    await t.addUser('padm', 'admin', 'police');
    admin = await t.login('padm');
    const r = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: 'gate',
        mainUri: rtsp.url(0, 'main'),
        lng: 111.69,
        lat: 29.03,
        streams: { main: { codec: 'h264' } },
      },
    });
    assert.equal(r.status, 201, r.text);
    cam = r.body.id;
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  it('declares every family of the README with HELP and TYPE, and the process metrics', async () => {
    const { text } = await scrape();
    const families = familiesOf(text);
    const expected: Array<[string, string]> = [
      ['cloudeye_streams', 'gauge'],
      ['cloudeye_pulls', 'gauge'],
      ['cloudeye_pulls_started_total', 'counter'],
      ['cloudeye_pull_restarts_total', 'counter'],
      ['cloudeye_stream_first_frame_seconds', 'histogram'],
      ['cloudeye_fragment_lag_seconds', 'histogram'],
      ['cloudeye_viewers', 'gauge'],
      ['cloudeye_recording_bytes_total', 'counter'],
      ['cloudeye_volume_free_bytes', 'gauge'],
      ['cloudeye_events_ingested_total', 'counter'],
      ['cloudeye_alarms_open', 'gauge'],
      ['cloudeye_http_request_duration_seconds', 'histogram'],
      ['cloudeye_db_pool', 'gauge'],
      ['process_cpu_seconds_total', 'counter'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
    ];
    for (const [name, type] of expected) assert.equal(families.get(name), type, `${name} is a ${type}`);
    for (const name of families.keys()) assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'));
  });

  it('the Grafana dashboard (docs/grafana-dashboard.json) queries only metrics a gateway exposes', async () => {
    const families = familiesOf((await scrape()).text);
    const dashboard = JSON.parse(
      readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
    ) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    assert.ok(exprs.length >= 20, `${exprs.length} queries`);
    const names = new Set(
      exprs.flatMap((e) => [...e.matchAll(/\b(?:cloudeye|nodejs|process)_[a-z0-9_]+/g)].map((m) => m[0])),
    );
    for (const name of names) {
      const family = name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(families.has(name) || (families.get(family) === 'histogram' && family !== name), `${name} is exposed`);
    }
    for (const family of families.keys())
      if (family.startsWith('cloudeye_') && ![...names].some((n) => n.startsWith(family)))
        assert.fail(`${family} has no panel`);
  });

  it('a WebSocket viewer appears in viewers by transport, the first-frame count grows, fragments are measured', async () => {
    const before = await scrape();
    const firstFrames = valueOf(before.samples, 'cloudeye_stream_first_frame_seconds_count') ?? 0;
    const started = valueOf(before.samples, 'cloudeye_pulls_started_total')!;
    assert.equal(valueOf(before.samples, 'cloudeye_viewers', { transport: 'websocket' }), 0);
    const r = await t.api('POST', `/api/v1/cameras/${cam}/streams`, { token: admin, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const c = await LiveClient.open(wsUrl(r.body.live));
    try {
      await c.until(() => c.fragments.length > 10, 10_000, 'fragments');
      const now = await scrape();
      assert.equal(valueOf(now.samples, 'cloudeye_viewers', { transport: 'websocket' }), 1);
      assert.equal(valueOf(now.samples, 'cloudeye_stream_first_frame_seconds_count'), firstFrames + 1);
      assert.equal(valueOf(now.samples, 'cloudeye_pulls_started_total'), started + 1);
      assert.equal(valueOf(now.samples, 'cloudeye_streams', { state: 'live', kind: 'pull' }), 1);
      assert.equal(valueOf(now.samples, 'cloudeye_pulls'), 1);
      const firstFrameS = valueOf(now.samples, 'cloudeye_stream_first_frame_seconds_sum')!;
      assert.ok(firstFrameS > 0 && firstFrameS < 10, `first frame after ${firstFrameS} s`);
      assert.ok(valueOf(now.samples, 'cloudeye_fragment_lag_seconds_count')! > 5, 'fragments measured');
    } finally {
      await c.close();
    }
    await waitFor(async () => (await value('cloudeye_viewers', { transport: 'websocket' })) === 0, {
      timeoutMs: 5000,
      what: 'viewer gone',
    });
  });

  it('an HLS viewer appears in viewers by transport', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${cam}/streams`, { token: admin, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const pl = await fetch(t.base + r.body.url);
    assert.equal(pl.status, 200);
    await pl.text();
    assert.ok((await value('cloudeye_viewers', { transport: 'hls' })) >= 1);
  });

  it('bytes grow per volume while recording, and the volume shows its free space', async () => {
    const volume = [...t.gw.services.recordings.volumes.keys()][0]!;
    const b0 = await value('cloudeye_recording_bytes_total', { volume });
    assert.ok((await value('cloudeye_volume_free_bytes', { volume })) > 0);
    await t.gw.services.recordings.setPlan({ scope: 'camera', cameraId: cam, mode: 'continuous' }, SYSTEM);
    let b1 = b0;
    await waitFor(async () => (b1 = await value('cloudeye_recording_bytes_total', { volume })) > b0, {
      timeoutMs: 20_000,
      what: 'bytes',
    });
    await waitFor(async () => (await value('cloudeye_recording_bytes_total', { volume })) > b1, {
      timeoutMs: 20_000,
      what: 'more bytes',
    });
    assert.equal(await value('cloudeye_recorders', { state: 'recording' }), 1);
  });

  it('labels HTTP latency by route pattern, never by raw URL; counts ingested events and the pool', async () => {
    for (let i = 0; i < 3; i++)
      assert.equal((await t.api('GET', `/api/v1/cameras/${cam}`, { token: admin })).status, 200);
    assert.equal((await t.api('GET', '/api/v1/cameras/987654321', { token: admin })).status, 404);
    assert.equal((await t.api('GET', `/api/no/such/${cam}`)).status, 404);
    const ev0 = await value('cloudeye_events_ingested_total', { kind: 'custom' });
    const post = await t.api('POST', '/api/v1/events', {
      token: admin,
      body: { type: 'test', cameraId: cam },
    });
    assert.equal(post.status, 201, post.text);
    const { samples } = await scrape();
    const route = '/api/v1/cameras/:id';
    assert.equal(
      valueOf(samples, 'cloudeye_http_request_duration_seconds_count', { route, method: 'GET', status: '200' }),
      3,
    );
    assert.equal(valueOf(samples, 'cloudeye_http_request_duration_seconds_count', { route, status: '404' }), 1);
    for (const s of samples)
      assert.ok(!/\d{3,}|no\/such/.test(s.labels.route ?? ''), `raw URL in a label: ${s.labels.route}`);
    assert.ok(samples.some((s) => s.labels.route === '(unmatched)'));
    assert.equal(valueOf(samples, 'cloudeye_events_ingested_total', { kind: 'custom' }), ev0 + 1);
    assert.ok(
      valueOf(samples, 'cloudeye_db_pool', { state: 'idle' })! +
        valueOf(samples, 'cloudeye_db_pool', { state: 'used' })! >=
        1,
    );
    assert.equal(valueOf(samples, 'cloudeye_db_pool_max'), t.gw.config.database.poolMax);
    assert.equal(valueOf(samples, 'cloudeye_alarms_open', { state: 'new' }), 0);
  });
});
