// HlsPackager files and bounds: strict names (hostile ones → null), rotation, memory bounded by listSize, options checked.
import assert from 'node:assert/strict';
import { TranscoderInputError } from '../../transcoder/errors';
import type { Fragment } from '../../transcoder/fmp4/types';
import { HlsPackager, type HlsPackagerOptions } from '../../transcoder/hls/hls-packager';
import { parseFileName } from '../../transcoder/hls/names';
import { recordPattern, type Recorded } from '../helpers/fmp4-source';
import { llHlsViolations, parsePlaylist } from '../helpers/hls-playlist';

const OPTS: HlsPackagerOptions = { targetSegmentS: 1, partTargetS: 0.2, listSize: 4 };

function fed(rec: Recorded, opts: HlsPackagerOptions = OPTS, count = rec.fragments.length): HlsPackager {
  const pk = new HlsPackager(opts);
  pk.init(rec.init);
  rec.fragments.slice(0, count).forEach((f, i) => pk.fragment({ ...f, seq: i } as Fragment));
  return pk;
}

describe('hls packager: files, names and bounds', function () {
  this.timeout(60_000);
  let rec: Recorded;
  before(async () => {
    rec = await recordPattern({ seconds: 30, gopFrames: 25 });
  });

  it('serves the listed segments, the parts of the segment in progress and the init', async () => {
    const pk = fed(rec, OPTS, 30 * 25 - 12); // segment 29 in progress: 13 frames, parts 0 and 1 closed
    const p = parsePlaylist((await pk.playlist())!);
    assert.deepEqual(
      p.segments.map((s) => s.uri),
      ['seg25.m4s', 'seg26.m4s', 'seg27.m4s', 'seg28.m4s'],
    );
    for (const s of p.segments) assert.ok(pk.file(s.uri)!.length > 0, s.uri);
    assert.ok(pk.file('part29.0.m4s'));
    assert.ok(pk.file('part29.1.m4s'));
    assert.equal(pk.file('part29.2.m4s'), null, 'not closed yet');
    assert.equal(pk.file('seg29.m4s'), null, 'in progress');
    assert.equal(pk.file('seg24.m4s'), null, 'rotated out');
    assert.equal(pk.file('part24.0.m4s'), null, 'parts go with their segment');
    assert.equal(pk.file('seg30.m4s'), null, 'the future');
    assert.ok(pk.file('init0.mp4')!.equals(rec.init.data));
    assert.equal(pk.file('init1.mp4'), null);
  });

  it('memory stays bounded by listSize segments plus the one in progress', () => {
    const pk = new HlsPackager(OPTS);
    pk.init(rec.init);
    const gopBytes: number[] = [];
    let peak = 0;
    rec.fragments.forEach((f, i) => {
      if (f.keyframe) gopBytes.push(0);
      gopBytes[gopBytes.length - 1]! += f.data.length;
      pk.fragment({ ...f, seq: i } as Fragment);
      const s = pk.stats();
      assert.ok(s.segments <= OPTS.listSize, `${s.segments} segments held`);
      peak = Math.max(peak, s.bytes);
    });
    const largest = [...gopBytes].sort((a, b) => b - a);
    const bound = largest.slice(0, OPTS.listSize + 1).reduce((a, b) => a + b, 0);
    assert.ok(peak <= bound, `peak ${peak} bytes held > ${bound} (the ${OPTS.listSize + 1} largest GOPs)`);
    assert.equal(pk.stats().firstMsn, 25);
  });

  it('a segment without a keyframe for too long is cut at maxSegmentBytes; the next starts at a keyframe after a gap', async () => {
    const gop = await recordPattern({ seconds: 9, gopFrames: 75 }); // 3 s GOPs
    const gopBytes = gop.fragments.slice(0, 75).reduce((a, f) => a + f.data.length, 0);
    const limit = Math.floor(gopBytes / 3);
    const pk = fed(gop, { targetSegmentS: 1, partTargetS: 0.2, listSize: 10, maxSegmentBytes: limit });
    const p = parsePlaylist((await pk.playlist())!);
    assert.deepEqual(llHlsViolations(p), []);
    for (const s of p.segments) {
      assert.ok(pk.file(s.uri)!.length <= limit, `${s.uri} within maxSegmentBytes`);
      assert.ok(s.duration < 3, `${s.uri} cut before its GOP ended`);
    }
    assert.deepEqual(
      p.segments.map((s) => s.discontinuity),
      [false, true, true],
      'each segment after a cut follows a gap',
    );
    // The second segment is the second GOP's first fragments, from its keyframe.
    const second = pk.file(p.segments[1]!.uri)!;
    let n = 0;
    for (let bytes = 0; bytes < second.length; n++) bytes += gop.fragments[75 + n]!.data.length;
    assert.ok(gop.fragments[75]!.keyframe);
    assert.ok(second.equals(Buffer.concat(gop.fragments.slice(75, 75 + n).map((f) => f.data))));
  });

  const hostile: unknown[] = [
    '',
    'index.m3u8',
    'seg',
    'seg.m4s',
    'seg-1.m4s',
    'seg+1.m4s',
    'seg01.m4s',
    'seg1.m4s/',
    '/seg1.m4s',
    '../seg1.m4s',
    'seg1.m4s\0',
    'seg1.m4s.m4s',
    'seg1.mp4',
    'SEG1.m4s',
    'seg 1.m4s',
    'seg1e3.m4s',
    'seg0x1.m4s',
    'seg%31.m4s',
    'seg１.m4s',
    'seg9999999999999999.m4s',
    `seg${'9'.repeat(400)}.m4s`,
    'part1.m4s',
    'part1..m4s',
    'part1.1.1.m4s',
    'part1.01.m4s',
    'part1.1234567.m4s',
    'init.mp4',
    'init0.m4s',
    'init-0.mp4',
    'init00.mp4',
    '..',
    '.',
    'init0.mp4?x=1',
    null,
    undefined,
    42,
    ['seg1.m4s'],
    { toString: () => 'seg1.m4s' },
  ];
  it('hostile or foreign names are refused by the parser and give null', () => {
    const pk = fed(rec, OPTS, 200);
    for (const name of hostile) {
      assert.equal(parseFileName(name), null, JSON.stringify(String(name)));
      assert.equal(pk.file(name as string), null, JSON.stringify(String(name)));
    }
    assert.deepEqual(parseFileName('seg7.m4s'), { kind: 'segment', msn: 7 });
    assert.deepEqual(parseFileName('part0.12.m4s'), { kind: 'part', msn: 0, index: 12 });
    assert.deepEqual(parseFileName('init3.mp4'), { kind: 'init', generation: 3 });
    assert.deepEqual(parseFileName('seg999999999999999.m4s'), { kind: 'segment', msn: 999999999999999 });
  });

  const badOptions: Array<[string, Partial<HlsPackagerOptions>]> = [
    ['targetSegmentS 0', { targetSegmentS: 0 }],
    ['targetSegmentS NaN', { targetSegmentS: Number.NaN }],
    ['targetSegmentS beyond 60', { targetSegmentS: 61 }],
    ['partTargetS negative', { partTargetS: -0.2 }],
    ['partTargetS above the segment target', { partTargetS: 1.5 }],
    ['listSize 0', { listSize: 0 }],
    ['listSize 2.5', { listSize: 2.5 }],
    ['listSize 1000', { listSize: 1000 }],
    ['maxSegmentBytes 0', { maxSegmentBytes: 0 }],
  ];
  for (const [name, bad] of badOptions)
    it(`refuses options with ${name}`, () =>
      assert.throws(
        () => new HlsPackager({ ...OPTS, ...bad }),
        (e: Error) => e instanceof TranscoderInputError && e.message.startsWith('transcoder: hls:'),
      ));
});
