// Footage over a cascade link (two Links on a loopback WebSocket): channels arrive whole and in order, the lower side
// never runs more than REC_WINDOW_BYTES ahead of a slow reader, a reader that stops closes the channel, a lost link
// breaks it off, and what a lower platform answers is checked before the upper platform uses it.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { Link } from '../../gateway/cascade/link';
import { LowerFootage, type LowerFootageServices } from '../../gateway/cascade/lower-footage';
import { PeerFootage } from '../../gateway/cascade/peer-footage';
import { REC_WINDOW_BYTES } from '../../gateway/cascade/protocol';
import { peerMap, peerSpans, type PeerFootagePort } from '../../gateway/recordings/peer-playback';
import { NotFoundError } from '../../gateway/errors';

const CHUNK = 256 * 1024;

/** A chunk whose every byte is its index (order and content checkable). */
const chunk = (i: number): Buffer => Buffer.alloc(CHUNK, i & 0xff);

describe('cascade footage over a link', function () {
  this.timeout(20_000);
  let wss: WebSocketServer;
  let upper: Link;
  let lower: Link;
  let footage: LowerFootage;
  let peer: PeerFootage;
  /** What the lower side's generators did. */
  const seen = { sent: 0, finished: 0, chunks: 40 };

  const services: LowerFootageServices = {
    spans: async () => ({}),
    open: async () => ({ session: 's' }),
    map: async () => ({}),
    stream: async (session) => {
      if (session === 'gone')
        throw Object.assign(new Error('playback: access to this camera was withdrawn'), { status: 403 });
      return (async function* () {
        try {
          for (let i = 0; i < seen.chunks; i++) {
            seen.sent += CHUNK;
            yield chunk(i);
          }
        } finally {
          seen.finished++;
        }
      })();
    },
  };

  beforeEach(async () => {
    Object.assign(seen, { sent: 0, finished: 0, chunks: 40 });
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((ok) => wss.once('listening', ok));
    const accepted = new Promise<WebSocket>((ok) => wss.once('connection', ok));
    const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    await new Promise((ok) => ws.once('open', ok));
    peer = new PeerFootage({ link: () => upper, requestTimeoutMs: 3000 });
    upper = new Link(await accepted, 'peer t', {
      media: (ch, b) => peer.media('t', ch, b),
      rec: (m) => peer.rec('t', m),
      closed: () => peer.unlinked('t'),
    });
    lower = new Link(ws, 'upper platform', {
      request: (m) => footage.handle(m, 'op'),
      ack: (m) => footage.ack(m.ch, m.bytes),
      closed: () => footage.close(),
    });
    footage = new LowerFootage(lower, services);
  });

  afterEach(async () => {
    upper.close(1001, 'done');
    lower.close(1001, 'done');
    await new Promise((ok) => wss.close(ok));
  });

  it('a slow reader gets every chunk in order, and the lower side stays within the window', async () => {
    let got = 0;
    let read = 0;
    let ahead = 0;
    for await (const b of peer.stream('t', 'ok')) {
      assert.equal(b.length, CHUNK);
      assert.equal(b[0], got & 0xff, `chunk ${got} in order`);
      got++;
      read += b.length;
      await new Promise((ok) => setTimeout(ok, got < 6 ? 80 : 0));
      ahead = Math.max(ahead, seen.sent - read);
    }
    assert.equal(got, 40);
    // the window, the chunk in flight and the one the generator made ready
    assert.ok(ahead <= REC_WINDOW_BYTES + 2 * CHUNK, `the lower side ran ${ahead} bytes ahead`);
    assert.ok(ahead >= REC_WINDOW_BYTES / 2, `and it did send ahead (${ahead} bytes)`);
  });

  it('a reader that stops early closes the channel: the lower side stops reading footage', async () => {
    seen.chunks = 1000;
    let n = 0;
    for await (const b of peer.stream('t', 'ok')) {
      assert.ok(b.length);
      if (++n === 3) break;
    }
    await waitUntil(() => seen.finished === 1);
    assert.ok(seen.sent < 40 * CHUNK, `the lower side stopped after ${seen.sent / CHUNK} chunks`);
  });

  it("the lower side's refusal is the answer; a live channel number or a malformed session is refused", async () => {
    await assert.rejects(
      async () => {
        for await (const _ of peer.stream('t', 'gone')) assert.fail('no footage');
      },
      (e: Error & { status?: number }) => e.status === 403 && /withdrawn/.test(e.message),
    );
    await assert.rejects(upper.request('rec.stream', { ch: 7, session: 'ok' }, 2000), /malformed/);
    await assert.rejects(upper.request('rec.stream', { ch: 0x8000_0001, session: '../x y' }, 2000), /malformed/);
    await assert.rejects(upper.request('rec.open', { camera: '1', start: 'x', speed: 3 }, 2000), /malformed/);
  });

  it('a link lost mid-stream breaks the reader off with why', async () => {
    seen.chunks = 1000;
    await assert.rejects(async () => {
      let n = 0;
      for await (const _ of peer.stream('t', 'ok')) if (++n === 2) lower.close(1001, 'gone');
    }, /link lost/);
  });
});

describe("cascade footage: a lower platform's answers are checked", () => {
  const ref = { peer: 't', camera: '9', playback: true };
  const port = (answer: unknown): PeerFootagePort => ({
    ref: async () => ref,
    request: async () => answer,
    stream: async function* () {},
  });
  const good = {
    start: '2026-12-07T01:00:00.000Z',
    mime: 'video/mp4; codecs="avc1.64001e"',
    segments: [
      {
        id: 'a',
        mediaStartS: 0,
        durationS: 2,
        wallStart: '2026-12-07T01:00:00Z',
        wallEnd: '2026-12-07T01:00:02Z',
        rate: 1,
      },
    ],
    keyframesOnly: false,
    gaps: [],
    end: '2026-12-07T01:00:02Z',
    next: null,
    endedBy: 'footage',
  };

  it('a good map is taken under this platform camera id', async () => {
    const m = await peerMap(port({ ...good, camera: '9' }), ref, '123', 's');
    assert.equal(m.camera, '123');
    assert.equal(m.profile, 'peer');
    assert.equal(m.segments[0]!.wallEnd, '2026-12-07T01:00:02.000Z');
  });

  for (const [what, answer] of [
    ['a mime with markup', { ...good, mime: 'video/mp4"><script>' }],
    ['a segment without times', { ...good, segments: [{ id: 'a', mediaStartS: 0 }] }],
    ['a negative duration', { ...good, segments: [{ ...good.segments[0], durationS: -1 }] }],
    ['an endless list', { ...good, gaps: Array.from({ length: 20_001 }, () => ({})) }],
    ['not an object', 'ok'],
  ] as const)
    it(`a map with ${what} is refused clearly`, async () => {
      await assert.rejects(peerMap(port(answer), ref, '123', 's'), (e: Error) => {
        assert.ok(e instanceof NotFoundError);
        assert.match(e.message, /lower platform t answered with a malformed/);
        return true;
      });
    });

  it('spans of an unknown kind are refused; footage not shared is refused before asking', async () => {
    const r = { fromMs: Date.parse(good.start), toMs: Date.parse(good.end) };
    const bad = { spans: [{ start: good.start, end: good.end, kind: 'forged' }], gaps: [] };
    await assert.rejects(peerSpans(port(bad), ref, '123', r, 'main', 'op'), /malformed span kind/);
    await assert.rejects(
      peerSpans(port(bad), { ...ref, playback: false }, '123', r, 'main', 'op'),
      /does not share camera 123's recordings/,
    );
  });
});

async function waitUntil(f: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((ok) => setTimeout(ok, 10));
  assert.ok(f());
}
