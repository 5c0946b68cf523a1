// The HLS packager behind a real HTTP server: many blocked reloads answered together, clients that leave leave nothing, hostile requests refused.
import assert from 'node:assert/strict';
import type { Fragment } from '../../transcoder/fmp4/types';
import { HlsPackager } from '../../transcoder/hls/hls-packager';
import { recordPattern, type Recorded } from '../helpers/fmp4-source';
import { llHlsViolations, parsePlaylist } from '../helpers/hls-playlist';
import { serveHls, type HlsTestServer } from '../helpers/hls-server';
import { waitFor } from '../helpers/wait-for';

describe('hls packager over HTTP', function () {
  this.timeout(60_000);
  let rec: Recorded;
  let pk: HlsPackager;
  let server: HlsTestServer;
  let fed = 0;
  const feed = (n: number): void => {
    for (let k = 0; k < n; k++, fed++) pk.fragment({ ...rec.fragments[fed]!, seq: fed } as Fragment);
  };

  before(async () => {
    rec = await recordPattern({ seconds: 20, gopFrames: 25 });
    pk = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 6 });
    pk.init(rec.init);
    server = await serveHls(pk);
    feed(25 + 7); // segment 0 complete; segment 1: part 1.0 closed
  });
  after(async () => {
    pk.close();
    await server.close();
  });

  it('50 clients blocked on the next part are all answered when it comes, with it listed', async () => {
    const url = `${server.url}/live/index.m3u8?_HLS_msn=1&_HLS_part=1`;
    const pending = Array.from({ length: 50 }, () => fetch(url));
    await waitFor(() => pk.stats().waiters === 50, { what: '50 blocked requests' });
    feed(3);
    const answers = await Promise.all(pending);
    for (const res of answers) {
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/vnd.apple.mpegurl');
      assert.equal(parsePlaylist(await res.text()).partial?.parts.at(-1)?.uri, 'part1.1.m4s');
    }
    assert.equal(pk.stats().waiters, 0);
  });

  it('clients that go away while blocked leave no waiter behind', async () => {
    const edge = pk.stats().edgeMsn;
    const controllers = Array.from({ length: 50 }, () => new AbortController());
    const pending = controllers.map((ac, i) =>
      fetch(i % 2 ? `${server.url}/live/index.m3u8?_HLS_msn=${edge + 1}` : `${server.url}/live/part${edge + 1}.0.m4s`, {
        signal: ac.signal,
      }).catch((e: Error) => e.name),
    );
    await waitFor(() => pk.stats().waiters === 50, { what: '50 blocked requests' });
    for (const ac of controllers) ac.abort();
    assert.deepEqual(new Set(await Promise.all(pending)), new Set(['AbortError']));
    await waitFor(() => pk.stats().waiters === 0, { what: 'no waiter left', timeoutMs: 2000 });
  });

  it('the preload-hinted part is held until it exists', async () => {
    const hint = parsePlaylist(await (await fetch(`${server.url}/live/index.m3u8`)).text()).preloadHint!;
    const pending = fetch(`${server.url}/live/${hint}`);
    await waitFor(() => pk.stats().waiters === 1, { what: 'the hinted part awaited' });
    feed(5);
    const res = await pending;
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(pk.file(hint)!));
  });

  const hostile: Array<[string, number]> = [
    ['/live/index.m3u8?_HLS_msn=abc', 400],
    ['/live/index.m3u8?_HLS_msn=-1', 400],
    ['/live/index.m3u8?_HLS_part=2', 400],
    ['/live/index.m3u8?_HLS_msn=1&_HLS_msn=2', 400],
    ['/live/index.m3u8?_HLS_msn=99999999999999999999', 400],
    ['/live/index.m3u8?_HLS_msn=100000', 400],
    ['/live/index.m3u8?_HLS_msn=0&_HLS_part=100', 200], // segment 0 is complete: answered at once
    ['/live/index.m3u8?_HLS_msn=1&_HLS_part=100', 400], // segment 1 in progress: beyond the Advance Part Limit
    ['/live/seg01.m4s', 404],
    ['/live/..%2Fseg1.m4s', 404],
    ['/live/seg1.m4s%00', 404],
    ['/live/part1.1.1.m4s', 404],
    ['/live/init0.mp4.m4s', 404],
    [`/live/seg${'9'.repeat(300)}.m4s`, 404],
    ['/live/part999.0.m4s', 404],
  ];
  for (const [path, status] of hostile)
    it(`${path.slice(0, 60)} → ${status} at once`, async () => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      assert.equal(res.status, status);
      assert.ok(performance.now() - t0 < 1500, 'not held');
    });

  it('the playlist served still keeps to the rules after all that', async () => {
    const p = parsePlaylist(await (await fetch(`${server.url}/live/index.m3u8`)).text());
    assert.deepEqual(llHlsViolations(p), []);
    assert.equal(p.segments.at(-1)?.msn, 0);
    assert.equal(p.partial?.parts.length, 3);
  });
});
