// Log lines (JSON and text, levels, auto) and request ids (taken when well-formed, else new, echoed).
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { createLogSink, resolveFormat } from '../../gateway/logging/log-sink';
import { assignRequestId, requestIdOf } from '../../gateway/logging/request-id';

const AT = Date.UTC(2026, 11, 6, 22, 30, 0, 123);

function sink(format: 'json' | 'text' | 'auto', level: 'debug' | 'info' | 'warn' | 'error' = 'info', node = 'gw-1') {
  const lines: string[] = [];
  const log = createLogSink({ level, format, node, write: (l) => lines.push(l), isTerminal: false, now: () => AT });
  return { log, lines };
}

describe('log lines', () => {
  it('json: one object per line with time, level, msg, node and the fields', () => {
    const { log, lines } = sink('json');
    log('warn', 'camera 12 did not answer\nsecond line', { requestId: 'r-1', status: 503, ok: false, none: null });
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('\n') && lines[0]!.indexOf('\n') === lines[0]!.length - 1, 'one line');
    assert.deepEqual(JSON.parse(lines[0]!), {
      time: '2026-12-06T22:30:00.123Z',
      level: 'warn',
      msg: 'camera 12 did not answer\nsecond line',
      node: 'gw-1',
      requestId: 'r-1',
      status: 503,
      ok: false,
      none: null,
    });
  });

  it('json: a field named like a reserved key does not replace it; the node defaults to the host name', () => {
    const { log, lines } = sink('json', 'info', '');
    log('info', 'm', { msg: 'forged', level: 'error', time: 'x' });
    const o = JSON.parse(lines[0]!);
    assert.equal(o.msg, 'm');
    assert.equal(o.level, 'info');
    assert.equal(o.time, '2026-12-06T22:30:00.123Z');
    assert.equal(o['field.msg'], 'forged');
    assert.equal(o.node, hostname());
  });

  it('text: "[level] msg" and key=value fields, quoted when needed', () => {
    const { log, lines } = sink('text');
    log('error', 'boom');
    log('info', 'GET /x 200', { requestId: 'abc', route: '/api/v1/cameras/:id', note: 'two words', empty: '' });
    assert.deepEqual(lines, [
      '[error] boom\n',
      '[info] GET /x 200 requestId=abc route=/api/v1/cameras/:id note="two words" empty=""\n',
    ]);
  });

  const levels: Array<['debug' | 'info' | 'warn' | 'error', string[]]> = [
    ['debug', ['info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ];
  for (const [level, written] of levels)
    it(`level ${level} writes ${written.join(', ')}`, () => {
      const { log, lines } = sink('json', level);
      for (const l of ['info', 'warn', 'error'] as const) log(l, l);
      assert.deepEqual(
        lines.map((x) => JSON.parse(x).level),
        written,
      );
    });

  it('auto is text on a terminal and json elsewhere', () => {
    assert.equal(resolveFormat('auto', true), 'text');
    assert.equal(resolveFormat('auto', false), 'json');
    assert.equal(resolveFormat('json', true), 'json');
    assert.equal(resolveFormat('text', false), 'text');
  });
});

describe('request ids', () => {
  const exchange = (header?: string | string[]) => {
    const req = { headers: header === undefined ? {} : { 'x-request-id': header } } as unknown as IncomingMessage;
    const set: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => void (set[k] = v) } as unknown as ServerResponse;
    const id = assignRequestId(req, res);
    return { id, echoed: set['X-Request-Id'], kept: requestIdOf(req) };
  };
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('keeps a well-formed id and echoes it', () => {
    for (const good of ['abc', 'A-b_c.d:e', '0'.repeat(128), '4bf92f3577b34da6a3ce929d0e0e4736']) {
      const r = exchange(good);
      assert.deepEqual(r, { id: good, echoed: good, kept: good });
    }
  });

  it('bad input: replaces a missing, empty, long, spaced, control-character or repeated id by a new UUID', () => {
    const seen = new Set<string>();
    for (const bad of [undefined, '', 'a b', '1'.repeat(129), 'x\u0001y', 'a,b', '<script>', 'ü', ['a', 'b']]) {
      const r = exchange(bad);
      assert.match(r.id, UUID, String(bad));
      assert.equal(r.echoed, r.id);
      assert.ok(!seen.has(r.id));
      seen.add(r.id);
    }
  });
});
