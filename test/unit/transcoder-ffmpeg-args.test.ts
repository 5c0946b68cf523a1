// Expected ffmpeg command lines of buildFfmpegArgs / buildSpawnCommand, as pure data.
import assert from 'node:assert/strict';
import { buildFfmpegArgs, buildSpawnCommand, type FfmpegArgOptions } from '../../transcoder/ffmpeg-args';
import type { StreamSpec } from '../../transcoder/stream-spec';

const OPTS: FfmpegArgOptions = { segmentSeconds: 1, listSize: 6, rtspTimeoutS: 5, maxHeight: 720, audio: 'aac-or-drop' };
const OUT = '/var/hls/cam1.main';
const URL = 'rtsp://admin:pw@10.0.0.5:554/Streaming/Channels/101';

const input = (url: string, videoOnly: boolean, whitelist = 'rtsp,rtp,udp,tcp'): string[] => [
  '-nostdin', '-hide_banner', '-loglevel', 'level+info', '-nostats', '-progress', 'pipe:1',
  '-protocol_whitelist', whitelist, '-rtsp_transport', 'tcp', '-timeout', '5000000',
  '-probesize', '32768', '-analyzeduration', '500000',
  ...(videoOnly ? ['-allowed_media_types', 'video'] : []),
  '-i', url, '-map', '0:v:0', ...(videoOnly ? [] : ['-map', '0:a:0?']),
];
const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
  '-vf', "scale=-2:'min(ih,720)'", '-force_key_frames', 'expr:gte(t,n_forced*1)', '-sc_threshold', '0'];
const hls = (flags = 'delete_segments+omit_endlist+independent_segments', start = '0', init = 'init0.mp4'): string[] => [
  '-f', 'hls', '-hls_segment_type', 'fmp4', '-hls_time', '0.9', '-hls_list_size', '6', '-hls_flags', flags,
  '-start_number', start, '-hls_fmp4_init_filename', init, '-hls_segment_filename', `${OUT}/seg%d.m4s`, `${OUT}/ffmpeg.m3u8`,
];
const spec = (over: Partial<StreamSpec>): StreamSpec => ({ cameraId: 'cam1', profile: 'main', url: URL, codec: 'h264', audioCodec: null, ...over });

interface Case {
  name: string;
  spec: StreamSpec;
  opts?: Partial<FfmpegArgOptions>;
  run?: { generation: number; startNumber: number };
  expected: string[];
}

const CASES: Case[] = [
  { name: 'h264 remux, no audio', spec: spec({}), expected: [...input(URL, true), '-c:v', 'copy', ...hls()] },
  { name: 'h265 transcoded to h264', spec: spec({ codec: 'h265' }), expected: [...input(URL, true), ...X264, ...hls()] },
  { name: 'hevc alias transcoded', spec: spec({ codec: 'HEVC' }), expected: [...input(URL, true), ...X264, ...hls()] },
  { name: 'h265 passthrough tagged hvc1', spec: spec({ codec: 'h265', passthroughH265: true }), expected: [...input(URL, true), '-c:v', 'copy', '-tag:v', 'hvc1', ...hls()] },
  { name: 'mjpeg transcoded', spec: spec({ codec: 'mjpeg' }), expected: [...input(URL, true), ...X264, ...hls()] },
  {
    name: 'transcode honours maxHeight and segmentSeconds',
    spec: spec({ codec: 'mjpeg' }),
    opts: { maxHeight: 480, segmentSeconds: 2 },
    expected: [...input(URL, true),
      ...X264.map((a) => a.replace('720', '480').replace('n_forced*1', 'n_forced*2')),
      ...hls().map((a) => (a === '0.9' ? '1.8' : a))],
  },
  { name: 'aac audio copied', spec: spec({ audioCodec: 'aac' }), expected: [...input(URL, false), '-c:v', 'copy', '-c:a', 'copy', ...hls()] },
  { name: 'AAC upper case copied', spec: spec({ audioCodec: 'AAC' }), expected: [...input(URL, false), '-c:v', 'copy', '-c:a', 'copy', ...hls()] },
  { name: 'pcm_alaw dropped under aac-or-drop', spec: spec({ audioCodec: 'pcm_alaw' }), expected: [...input(URL, true), '-c:v', 'copy', ...hls()] },
  { name: 'unknown audio dropped under aac-or-drop', spec: spec({ audioCodec: undefined }), expected: [...input(URL, true), '-c:v', 'copy', ...hls()] },
  { name: 'aac dropped under drop', spec: spec({ audioCodec: 'aac' }), opts: { audio: 'drop' }, expected: [...input(URL, true), '-c:v', 'copy', ...hls()] },
  {
    name: 'pcm_mulaw transcoded to aac under transcode',
    spec: spec({ audioCodec: 'pcm_mulaw' }),
    opts: { audio: 'transcode' },
    expected: [...input(URL, false), '-c:v', 'copy', '-c:a', 'aac', '-b:a', '64k', '-ac', '1', ...hls()],
  },
  {
    name: 'unknown audio transcoded (optional map) under transcode',
    spec: spec({ audioCodec: undefined }),
    opts: { audio: 'transcode' },
    expected: [...input(URL, false), '-c:v', 'copy', '-c:a', 'aac', '-b:a', '64k', '-ac', '1', ...hls()],
  },
  { name: 'no audio stays dropped under transcode', spec: spec({ audioCodec: null }), opts: { audio: 'transcode' }, expected: [...input(URL, true), '-c:v', 'copy', ...hls()] },
  {
    name: 'rtsps adds tls and rtsps to the whitelist',
    spec: spec({ url: 'rtsps://cam.example:322/live' }),
    expected: [...input('rtsps://cam.example:322/live', true, 'rtsp,rtsps,rtp,udp,tcp,tls'), '-c:v', 'copy', ...hls()],
  },
  {
    name: 'separate credentials percent-encoded into the url',
    spec: spec({ url: 'rtsp://10.0.0.5/live', username: 'ad min', password: 'p@ss:w/rd' }),
    expected: [...input('rtsp://ad%20min:p%40ss%3Aw%2Frd@10.0.0.5/live', true), '-c:v', 'copy', ...hls()],
  },
  {
    name: 'restart run continues numbering with a new init and a discontinuity',
    spec: spec({}),
    run: { generation: 3, startNumber: 42 },
    expected: [...input(URL, true), '-c:v', 'copy', ...hls('delete_segments+omit_endlist+independent_segments+discont_start', '42', 'init3.mp4')],
  },
  { name: 'rtsp timeout in microseconds', spec: spec({}), opts: { rtspTimeoutS: 2.5 }, expected: [...input(URL, true).map((a) => (a === '5000000' ? '2500000' : a)), '-c:v', 'copy', ...hls()] },
];

describe('transcoder buildFfmpegArgs', () => {
  for (const c of CASES) {
    it(c.name, () => {
      assert.deepEqual(buildFfmpegArgs(c.spec, { ...OPTS, ...c.opts }, OUT, c.run), c.expected);
    });
  }

  it('is pure: same input, same output, input untouched', () => {
    const s = spec({ codec: 'H265', audioCodec: 'AAC', username: 'u', password: 'p' });
    const frozen = JSON.stringify(s);
    const a = buildFfmpegArgs(s, OPTS, OUT);
    const b = buildFfmpegArgs(s, OPTS, OUT);
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(s), frozen);
  });

  it('never whitelists file, http or concat and always reads RTSP over TCP with -nostdin', () => {
    for (const c of CASES) {
      const args = buildFfmpegArgs(c.spec, { ...OPTS, ...c.opts }, OUT, c.run);
      const wl = args[args.indexOf('-protocol_whitelist') + 1] ?? '';
      assert.doesNotMatch(wl, /file|http|concat|pipe|data/, c.name);
      assert.equal(args[args.indexOf('-rtsp_transport') + 1], 'tcp', c.name);
      assert.ok(args.includes('-nostdin'), c.name);
      assert.ok(args.indexOf('-timeout') < args.indexOf('-i'), `${c.name}: -timeout is an input option`);
    }
  });

  it('rejects a bad url before building anything', () => {
    assert.throws(() => buildFfmpegArgs(spec({ url: 'file:///etc/passwd' }), OPTS, OUT), { name: 'TranscoderInputError' });
  });
});

describe('transcoder buildSpawnCommand', () => {
  const CMD_CASES: Array<{ name: string; setpriv: string | null; expected: { file: string; args: string[] } }> = [
    { name: 'wrapped in setpriv --pdeathsig SIGKILL', setpriv: '/usr/bin/setpriv', expected: { file: '/usr/bin/setpriv', args: ['--pdeathsig', 'SIGKILL', '--', '/usr/bin/ffmpeg', '-x', '1'] } },
    { name: 'bare ffmpeg when setpriv is null', setpriv: null, expected: { file: '/usr/bin/ffmpeg', args: ['-x', '1'] } },
  ];
  for (const c of CMD_CASES) it(c.name, () => assert.deepEqual(buildSpawnCommand('/usr/bin/ffmpeg', c.setpriv, ['-x', '1']), c.expected));
});
