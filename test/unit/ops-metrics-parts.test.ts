// The scrape credential and the policy's decision on it, route labels, the fragment-lag measure, liveness.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { scrapeDecision, type ScrapeAuth, type ScrapeCaller } from '../../gateway/auth/policy';
import { scrapeCaller, type ScrapeCredentialConfig } from '../../gateway/auth/scrape-credential';
import { markMount, markRoute, routeOf } from '../../gateway/http/route-label';
import { FragmentLagTap } from '../../gateway/metrics/fragment-lag';
import { Liveness } from '../../gateway/probes/liveness';
import type { Fragment } from '../../transcoder/fmp4/types';

const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('scrape credential and policy', () => {
  const bearer: ScrapeCredentialConfig = { auth: 'bearer', token: 'T'.repeat(20), username: '', password: '' };
  const basicCfg: ScrapeCredentialConfig = { auth: 'basic', token: '', username: 'prom', password: 'p:ss wörd' };
  const cases: Array<[string, ScrapeCredentialConfig, string | undefined, ScrapeCaller]> = [
    ['bearer: the token', bearer, `Bearer ${'T'.repeat(20)}`, 'scraper'],
    ['bearer: lower-case scheme, extra blanks', bearer, `bearer   ${'T'.repeat(20)} `, 'scraper'],
    ['bearer: none', bearer, undefined, 'anonymous'],
    ['bearer: a prefix of the token', bearer, `Bearer ${'T'.repeat(19)}`, 'wrong'],
    ['bearer: two tokens', bearer, `Bearer ${'T'.repeat(20)} x`, 'wrong'],
    ['bearer: basic given', bearer, basic(`x:${'T'.repeat(20)}`), 'wrong'],
    ['bearer: no token configured', { ...bearer, token: '' }, `Bearer ${'T'.repeat(20)}`, 'unconfigured'],
    ['basic: user and password (":" inside the password)', basicCfg, basic('prom:p:ss wörd'), 'scraper'],
    ['basic: wrong password', basicCfg, basic('prom:p:ss word'), 'wrong'],
    ['basic: wrong user', basicCfg, basic('Prom:p:ss wörd'), 'wrong'],
    ['basic: no colon', basicCfg, basic('prom'), 'wrong'],
    ['basic: not base64', basicCfg, 'Basic ***', 'wrong'],
    ['basic: bearer given', basicCfg, 'Bearer p:ss', 'wrong'],
    ['basic: none configured', { ...basicCfg, username: '' }, basic('prom:p:ss wörd'), 'unconfigured'],
    ['none: whatever is sent', { ...bearer, auth: 'none' }, 'Bearer nonsense', 'anonymous'],
  ];
  for (const [name, cfg, header, caller] of cases)
    it(`${name} → ${caller}`, () => assert.equal(scrapeCaller(req(header), cfg), caller));

  const decisions: Array<[ScrapeAuth, ScrapeCaller, boolean, RegExp?]> = [
    ['bearer', 'scraper', true],
    ['bearer', 'wrong', false, /bearer credential does not match/],
    ['bearer', 'anonymous', false, /credentials required \(Authorization: Bearer\)/],
    ['bearer', 'unconfigured', false, /no scrape credential is configured \(metrics\.token\)/],
    ['basic', 'anonymous', false, /Authorization: Basic/],
    ['basic', 'unconfigured', false, /metrics\.username, metrics\.password/],
    ['none', 'anonymous', true],
  ];
  for (const [auth, caller, allowed, reason] of decisions)
    it(`policy: ${auth} and ${caller} → ${allowed ? 'allowed' : 'refused'}`, () => {
      const d = scrapeDecision(auth, caller);
      assert.equal(d.allowed, allowed);
      if (!d.allowed) assert.match(d.reason, reason!);
    });
});

describe('route labels', () => {
  const exchange = (status: number, route?: string) => {
    const res = { statusCode: status } as ServerResponse;
    const r = (route ? { route: { path: route } } : {}) as unknown as IncomingMessage;
    return { req: r, res };
  };
  it('the API router pattern, else mount + express route, else static or unmatched', () => {
    const a = exchange(200);
    markRoute(a.res, '/api/v1/cameras/:id');
    assert.equal(routeOf(a.req, a.res), '/api/v1/cameras/:id');
    const b = exchange(200, '/:key/index.m3u8');
    markMount(b.res, '/hls');
    assert.equal(routeOf(b.req, b.res), '/hls/:key/index.m3u8');
    const c = exchange(503, '/readyz');
    markMount(c.res, '/');
    assert.equal(routeOf(c.req, c.res), '/readyz');
    assert.equal(routeOf(exchange(200).req, exchange(200).res), '(static)');
    assert.equal(routeOf(exchange(404).req, exchange(404).res), '(unmatched)');
  });
});

describe('fragment lag', () => {
  const frag = (startS: number, receivedAt: number): Fragment => ({
    data: Buffer.alloc(0),
    keyframe: false,
    seq: 0,
    generation: 0,
    startS,
    durationS: 0.04,
    receivedAt,
  });
  it('measures each fragment against the least delayed one of its run; a new run starts afresh; seeded ones are skipped', () => {
    const seen: number[] = [];
    const t0 = Date.now() + 1000;
    const tap = new FragmentLagTap((s) => seen.push(Math.round(s * 1000)));
    tap.init();
    tap.fragment(frag(0, t0 - 5000)); // older than the tap: a seeded GOP fragment
    tap.fragment(frag(0, t0 + 100)); // baseline 100 − 40 = 60
    tap.fragment(frag(0.04, t0 + 180)); // 180 − 80 = 100 → 40 ms late
    tap.fragment(frag(0.08, t0 + 150)); // 150 − 120 = 30: a new, smaller baseline → 0
    tap.fragment(frag(0.12, t0 + 250)); // 250 − 160 = 90 → 60 ms late
    tap.end();
    tap.init();
    tap.fragment(frag(0, t0 + 900)); // a new run: its own baseline
    assert.deepEqual(seen, [0, 40, 0, 60, 0]);
  });
});

describe('liveness', () => {
  it('is not live right after the loop was blocked longer than the limit, and live again after the window', async () => {
    const l = new Liveness({ maxLagMs: 150, windowMs: 400, everyMs: 20 });
    l.start();
    try {
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(l.check().live, true);
      const until = performance.now() + 300;
      while (performance.now() < until);
      const blocked = l.check();
      assert.equal(blocked.live, false);
      assert.ok(blocked.lagMs >= 250, `lag ${blocked.lagMs}`);
      await new Promise((r) => setTimeout(r, 80));
      assert.equal(l.check().live, false, 'still within the window');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(l.check().live, true);
    } finally {
      l.close();
    }
  });
});
