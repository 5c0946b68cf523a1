// Expected ffmpeg command lines of buildFfmpegArgs / buildSpawnCommand, as pure data.
import assert from 'node:assert/strict';
import {
  buildDerivedH264Args,
  buildFfmpegArgs,
  buildSpawnCommand,
  type FfmpegArgOptions,
  type FfmpegCommand,
} from '../../transcoder/ffmpeg-args';
import type { ProbeWindow } from '../../transcoder/source-input';
import type { StreamSpec } from '../../transcoder/stream-spec';

const OPTS: FfmpegArgOptions = {
  segmentSeconds: 1,
  rtspTimeoutS: 5,
  maxHeight: 720,
  audio: 'aac-or-drop',
};
const URL = 'rtsp://admin:pw@10.0.0.5:554/Streaming/Channels/101';

/** The expected command: argv without any URL; the URL and RTSP options in the script read on fd 3. */
const cmd = (
  url: string,
  videoOnly: boolean,
  output: string[],
  o: { whitelist?: string; timeout?: string; wide?: boolean } = {},
): FfmpegCommand => ({
  args: [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'level+info',
    '-nostats',
    '-protocol_whitelist',
    o.whitelist ?? 'pipe,rtsp,rtp,udp,tcp',
    '-f',
    'concat',
    '-safe',
    '0',
    '-probesize',
    o.wide ? '32768' : '32',
    '-analyzeduration',
    o.wide ? '500000' : '1',
    '-fpsprobesize',
    o.wide ? '-1' : '0',
    '-i',
    'pipe:3',
    '-map',
    '0:v:0',
    ...(videoOnly ? [] : ['-map', '0:a:0?']),
    ...output,
  ],
  sourceScript: [
    'ffconcat version 1.0',
    `file '${url}'`,
    'option rtsp_transport tcp',
    `option timeout ${o.timeout ?? '5000000'}`,
    `option probesize ${o.wide ? '32768' : '32'}`,
    `option analyzeduration ${o.wide ? '500000' : '1'}`,
    `option fpsprobesize ${o.wide ? '-1' : '0'}`,
    ...(videoOnly ? ['option allowed_media_types video'] : []),
    '',
  ].join('\n'),
});
const X264 = [
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-tune',
  'zerolatency',
  '-profile:v',
  'high',
  '-pix_fmt',
  'yuv420p',
  '-vf',
  "scale=-2:'min(ih,720)'",
  '-force_key_frames',
  'expr:gte(t,n_forced*1)',
  '-sc_threshold',
  '0',
];
/** The fMP4-on-stdout output of every streaming ffmpeg. */
const FMP4 = [
  '-f',
  'mp4',
  '-movflags',
  'empty_moov+default_base_moof+frag_every_frame',
  '-flush_packets',
  '1',
  'pipe:1',
];
const spec = (over: Partial<StreamSpec>): StreamSpec => ({
  cameraId: 'cam1',
  profile: 'main',
  url: URL,
  codec: 'h264',
  audioCodec: null,
  ...over,
});

interface Case {
  name: string;
  spec: StreamSpec;
  opts?: Partial<FfmpegArgOptions>;
  probe?: ProbeWindow;
  expected: FfmpegCommand;
}

const CASES: Case[] = [
  { name: 'h264 remux, no audio', spec: spec({}), expected: cmd(URL, true, ['-c:v', 'copy', ...FMP4]) },
  {
    name: 'h265 copied tagged hvc1 (viewers without H.265 get a derived output)',
    spec: spec({ codec: 'h265' }),
    expected: cmd(URL, true, ['-c:v', 'copy', '-tag:v', 'hvc1', ...FMP4]),
  },
  {
    name: 'hevc alias copied tagged hvc1',
    spec: spec({ codec: 'HEVC' }),
    expected: cmd(URL, true, ['-c:v', 'copy', '-tag:v', 'hvc1', ...FMP4]),
  },
  {
    name: 'h265 passthrough: the same copy',
    spec: spec({ codec: 'h265', passthroughH265: true }),
    expected: cmd(URL, true, ['-c:v', 'copy', '-tag:v', 'hvc1', ...FMP4]),
  },
  { name: 'mjpeg transcoded', spec: spec({ codec: 'mjpeg' }), expected: cmd(URL, true, [...X264, ...FMP4]) },
  {
    name: 'transcode honours maxHeight and segmentSeconds',
    spec: spec({ codec: 'mjpeg' }),
    opts: { maxHeight: 480, segmentSeconds: 2 },
    expected: cmd(URL, true, [
      ...X264.map((a) => a.replace('720', '480').replace('n_forced*1', 'n_forced*2')),
      ...FMP4,
    ]),
  },
  {
    name: 'aac audio copied',
    spec: spec({ audioCodec: 'aac' }),
    expected: cmd(URL, false, ['-c:v', 'copy', '-c:a', 'copy', ...FMP4]),
  },
  {
    name: 'AAC upper case copied',
    spec: spec({ audioCodec: 'AAC' }),
    expected: cmd(URL, false, ['-c:v', 'copy', '-c:a', 'copy', ...FMP4]),
  },
  {
    name: 'pcm_alaw dropped under aac-or-drop',
    spec: spec({ audioCodec: 'pcm_alaw' }),
    expected: cmd(URL, true, ['-c:v', 'copy', ...FMP4]),
  },
  {
    name: 'unknown audio dropped under aac-or-drop',
    spec: spec({ audioCodec: undefined }),
    expected: cmd(URL, true, ['-c:v', 'copy', ...FMP4]),
  },
  {
    name: 'aac dropped under drop',
    spec: spec({ audioCodec: 'aac' }),
    opts: { audio: 'drop' },
    expected: cmd(URL, true, ['-c:v', 'copy', ...FMP4]),
  },
  {
    name: 'pcm_mulaw transcoded to aac under transcode',
    spec: spec({ audioCodec: 'pcm_mulaw' }),
    opts: { audio: 'transcode' },
    expected: cmd(URL, false, ['-c:v', 'copy', '-c:a', 'aac', '-b:a', '64k', '-ac', '1', ...FMP4]),
  },
  {
    name: 'unknown audio transcoded (optional map) under transcode',
    spec: spec({ audioCodec: undefined }),
    opts: { audio: 'transcode' },
    expected: cmd(URL, false, ['-c:v', 'copy', '-c:a', 'aac', '-b:a', '64k', '-ac', '1', ...FMP4]),
  },
  {
    name: 'no audio stays dropped under transcode',
    spec: spec({ audioCodec: null }),
    opts: { audio: 'transcode' },
    expected: cmd(URL, true, ['-c:v', 'copy', ...FMP4]),
  },
  {
    name: 'rtsps adds tls and rtsps to the whitelist',
    spec: spec({ url: 'rtsps://cam.example:322/live' }),
    expected: cmd('rtsps://cam.example:322/live', true, ['-c:v', 'copy', ...FMP4], {
      whitelist: 'pipe,rtsp,rtsps,rtp,udp,tcp,tls',
    }),
  },
  {
    name: 'separate credentials percent-encoded into the url',
    spec: spec({ url: 'rtsp://10.0.0.5/live', username: 'ad min', password: 'p@ss:w/rd' }),
    expected: cmd('rtsp://ad%20min:p%40ss%3Aw%2Frd@10.0.0.5/live', true, ['-c:v', 'copy', ...FMP4]),
  },
  {
    name: 'after a run failed before its first fragment: the wide probe window',
    spec: spec({}),
    probe: 'wide',
    expected: cmd(URL, true, ['-c:v', 'copy', ...FMP4], { wide: true }),
  },
  {
    name: 'rtsp timeout in microseconds',
    spec: spec({}),
    opts: { rtspTimeoutS: 2.5 },
    expected: cmd(URL, true, ['-c:v', 'copy', ...FMP4], { timeout: '2500000' }),
  },
];

describe('transcoder buildFfmpegArgs', () => {
  for (const c of CASES) {
    it(c.name, () => {
      assert.deepEqual(buildFfmpegArgs(c.spec, { ...OPTS, ...c.opts }, c.probe), c.expected);
    });
  }

  it('is pure: same input, same output, input untouched', () => {
    const s = spec({ codec: 'H265', audioCodec: 'AAC', username: 'u', password: 'p' });
    const frozen = JSON.stringify(s);
    const a = buildFfmpegArgs(s, OPTS);
    const b = buildFfmpegArgs(s, OPTS);
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(s), frozen);
  });

  it('never whitelists file, http or the concat protocol, and reads the source on fd 3 with -nostdin', () => {
    for (const c of CASES) {
      const { args, sourceScript } = buildFfmpegArgs(c.spec, { ...OPTS, ...c.opts }, c.probe);
      const wl = args[args.indexOf('-protocol_whitelist') + 1] ?? '';
      assert.doesNotMatch(wl, /file|http|concat|data/, c.name);
      assert.equal(args[args.indexOf('-i') + 1], 'pipe:3', c.name);
      assert.ok(args.includes('-nostdin'), c.name);
      assert.match(sourceScript, /^option rtsp_transport tcp$/m, c.name);
      assert.match(sourceScript, /^option timeout \d+$/m, c.name);
    }
  });

  it('puts neither the URL nor any credential in the arguments', () => {
    const s = spec({ url: 'rtsp://10.0.0.5/live', username: 'admin', password: "it's S3cret" });
    const { args, sourceScript } = buildFfmpegArgs(s, OPTS);
    const argv = args.join(' ');
    for (const secret of ['S3cret', 'admin', '10.0.0.5', 'rtsp://'])
      assert.ok(!argv.includes(secret), `${secret} in argv: ${argv}`);
    assert.ok(sourceScript.includes("file 'rtsp://admin:it'\\''s%20S3cret@10.0.0.5/live'"), sourceScript);
  });

  it('rejects a bad url before building anything', () => {
    assert.throws(() => buildFfmpegArgs(spec({ url: 'file:///etc/passwd' }), OPTS), {
      name: 'TranscoderInputError',
    });
  });
});

describe('transcoder buildDerivedH264Args', () => {
  it('reads fMP4 on stdin (pipe protocol only, no probing), encodes H.264 as a pull transcodes, fMP4 on stdout', () => {
    assert.deepEqual(buildDerivedH264Args(OPTS), [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'level+info',
      '-nostats',
      '-protocol_whitelist',
      'pipe',
      '-f',
      'mp4',
      '-probesize',
      '32',
      '-analyzeduration',
      '1',
      '-fpsprobesize',
      '0',
      '-i',
      'pipe:0',
      '-map',
      '0:v:0',
      '-map',
      '0:a:0?',
      ...X264,
      '-c:a',
      'copy',
      ...FMP4,
    ]);
  });
  it('honours maxHeight and segmentSeconds', () => {
    const args = buildDerivedH264Args({ maxHeight: 360, segmentSeconds: 2 });
    assert.ok(args.includes("scale=-2:'min(ih,360)'") && args.includes('expr:gte(t,n_forced*2)'), args.join(' '));
  });
});

describe('transcoder buildSpawnCommand', () => {
  const CMD_CASES: Array<{ name: string; setpriv: string | null; expected: { file: string; args: string[] } }> = [
    {
      name: 'wrapped in setpriv --pdeathsig SIGKILL',
      setpriv: '/usr/bin/setpriv',
      expected: { file: '/usr/bin/setpriv', args: ['--pdeathsig', 'SIGKILL', '--', '/usr/bin/ffmpeg', '-x', '1'] },
    },
    {
      name: 'bare ffmpeg when setpriv is null',
      setpriv: null,
      expected: { file: '/usr/bin/ffmpeg', args: ['-x', '1'] },
    },
  ];
  for (const c of CMD_CASES)
    it(c.name, () => assert.deepEqual(buildSpawnCommand('/usr/bin/ffmpeg', c.setpriv, ['-x', '1']), c.expected));
});
