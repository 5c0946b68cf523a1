// The served-file whitelist, safe path resolution, playlist parsing and run-file cleanup.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  parsePlaylist,
  readPlaylist,
  removeOldRunFiles,
  removeStaleStreamDirs,
  resolveStreamFile,
  segmentNumber,
} from '../../transcoder/hls-files';

const HLS = '/srv/hls';

describe('transcoder resolveStreamFile', () => {
  const GOOD: Array<[string, string]> = [
    ['index.m3u8', '/srv/hls/cam1.main/index.m3u8'],
    ['init0.mp4', '/srv/hls/cam1.main/init0.mp4'],
    ['init12.mp4', '/srv/hls/cam1.main/init12.mp4'],
    ['seg0.m4s', '/srv/hls/cam1.main/seg0.m4s'],
    ['seg123456.m4s', '/srv/hls/cam1.main/seg123456.m4s'],
  ];
  for (const [name, expected] of GOOD)
    it(`serves ${name}`, () => assert.equal(resolveStreamFile(HLS, 'cam1.main', name), expected));

  const BAD_NAMES = [
    '..',
    '../index.m3u8',
    '..%2findex.m3u8',
    '%2e%2e/index.m3u8',
    'seg1.m4s/../../x',
    '/etc/passwd',
    'a/index.m3u8',
    'index.m3u8\u0000',
    'seg\u00001.m4s',
    'index.m3u8.tmp',
    'INDEX.M3U8',
    'seg-1.m4s',
    'seg.m4s',
    'segx.m4s',
    'init.mp4',
    'seg1.ts',
    '.index.m3u8',
    'index.m3u8 ',
    ' seg1.m4s',
    'seg1.m4s\n',
    'seg1.m4s\\..',
    '',
    'seg1234567890123.m4s',
  ];
  for (const name of BAD_NAMES)
    it(`refuses name ${JSON.stringify(name)}`, () => assert.equal(resolveStreamFile(HLS, 'cam1.main', name), null));

  const BAD_KEYS = ['..', '../cam1.main', 'cam1', 'cam1.hd', 'cam1/main', 'cam1.main/..', '.main', 'cam%2e.main'];
  for (const key of BAD_KEYS)
    it(`refuses key ${JSON.stringify(key)}`, () => assert.equal(resolveStreamFile(HLS, key, 'index.m3u8'), null));
});

describe('transcoder playlist parsing', () => {
  const TEXT =
    '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:41\n' +
    '#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI="init2.mp4"\n#EXTINF:1.000,\nseg41.m4s\n#EXTINF:1.000,\nseg42.m4s\n';
  it('reads media sequence, init and segments', () => {
    assert.deepEqual(parsePlaylist(TEXT), {
      mediaSequence: 41,
      segments: ['seg41.m4s', 'seg42.m4s'],
      initUri: 'init2.mp4',
    });
  });
  it('an empty playlist has no segments', () =>
    assert.deepEqual(parsePlaylist('#EXTM3U\n'), { mediaSequence: 0, segments: [], initUri: null }));
  const NUMS: Array<[string, number | null]> = [
    ['seg0.m4s', 0],
    ['seg99.m4s', 99],
    ['init0.mp4', null],
    ['seg.m4s', null],
    ['xseg1.m4s', null],
  ];
  for (const [n, v] of NUMS) it(`segmentNumber(${n}) = ${v}`, () => assert.equal(segmentNumber(n), v));
});

describe('transcoder hls directory housekeeping', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ce-hls-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('readPlaylist: null when missing or without a segment, info when one is listed', async () => {
    assert.equal(await readPlaylist(dir), null);
    writeFileSync(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXT-X-MAP:URI="init0.mp4"\n');
    assert.equal(await readPlaylist(dir), null);
    writeFileSync(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXT-X-MAP:URI="init0.mp4"\n#EXTINF:1,\nseg0.m4s\n');
    assert.deepEqual((await readPlaylist(dir))?.segments, ['seg0.m4s']);
  });

  it('removeOldRunFiles keeps the current init and segments of this run', async () => {
    for (const n of ['init0.mp4', 'init1.mp4', 'seg3.m4s', 'seg4.m4s', 'seg5.m4s', 'index.m3u8', 'other.txt'])
      writeFileSync(path.join(dir, n), 'x');
    await removeOldRunFiles(dir, 'init1.mp4', 5);
    assert.deepEqual(readdirSync(dir).sort(), ['index.m3u8', 'init1.mp4', 'other.txt', 'seg5.m4s']);
  });

  it('removeStaleStreamDirs removes only stream-shaped directories', async () => {
    for (const n of ['cam1.main', 'cam2.sub', 'keep-me', 'cam3.hd']) mkdirSync(path.join(dir, n));
    writeFileSync(path.join(dir, 'cam1.main', 'seg1.m4s'), 'x');
    assert.deepEqual((await removeStaleStreamDirs(dir)).sort(), ['cam1.main', 'cam2.sub']);
    assert.deepEqual(readdirSync(dir).sort(), ['cam3.hd', 'keep-me']);
  });
});
