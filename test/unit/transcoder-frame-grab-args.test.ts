// Expected ffmpeg command lines of buildFrameGrabArgs: the streams' input half, one keyframe out as a JPEG.
import assert from 'node:assert/strict';
import { buildFfmpegArgs, type FfmpegArgOptions } from '../../transcoder/ffmpeg-args';
import { buildFrameGrabArgs, buildOutputGrabArgs, type GrabSpec } from '../../transcoder/frame-grab-args';
import { TranscoderInputError } from '../../transcoder/errors';

const OPTS: FfmpegArgOptions = {
  segmentSeconds: 1,
  rtspTimeoutS: 5,
  maxHeight: 720,
  audio: 'aac-or-drop',
};
const OUT = '/var/hls/grabs/7.jpg';
const URL = 'rtsp://10.0.0.5:554/Streaming/Channels/101';
const spec = (over: Partial<GrabSpec> = {}): GrabSpec => ({
  cameraId: 'cam1',
  profile: 'main',
  url: URL,
  codec: 'h264',
  ...over,
});
const JPEG_OUT = [
  '-map',
  '0:v:0',
  '-an',
  '-frames:v',
  '1',
  '-c:v',
  'mjpeg',
  '-q:v',
  '2',
  '-pix_fmt',
  'yuvj420p',
  '-f',
  'image2',
  '-update',
  '1',
  '-y',
  OUT,
];

describe('transcoder buildFrameGrabArgs', () => {
  it('h264 camera: the stream input (source on a pipe), keyframes only, one unscaled JPEG', () => {
    const cmd = buildFrameGrabArgs(spec(), OPTS, OUT);
    assert.deepEqual(cmd.args, [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostats',
      '-skip_frame',
      'nokey',
      '-protocol_whitelist',
      'pipe,rtsp,rtp,udp,tcp',
      '-f',
      'concat',
      '-safe',
      '0',
      '-probesize',
      '32',
      '-analyzeduration',
      '1',
      '-fpsprobesize',
      '0',
      '-i',
      'pipe:3',
      ...JPEG_OUT,
    ]);
    assert.match(cmd.sourceScript, /^file 'rtsp:\/\/10\.0\.0\.5:554\/Streaming\/Channels\/101'$/m);
    assert.match(cmd.sourceScript, /^option allowed_media_types video$/m);
  });

  it('rtsps, separate credentials and the socket timeout are handled exactly as for a stream of the same camera', () => {
    const s = spec({
      url: 'rtsps://cam.example.org:322/live',
      username: 'admin',
      password: 'p@ss word',
      codec: 'h265',
    });
    const grab = buildFrameGrabArgs(s, { rtspTimeoutS: 2.5 }, OUT);
    const stream = buildFfmpegArgs({ ...s, audioCodec: null }, { ...OPTS, rtspTimeoutS: 2.5 });
    // the stream logs at info (its input report names the real codec); a grab only errors
    const upToInput = (a: string[]): string[] =>
      a
        .slice(0, a.indexOf('-i') + 2)
        .filter((x) => x !== '-skip_frame' && x !== 'nokey' && x !== 'error' && x !== 'level+info');
    assert.deepEqual(upToInput(grab.args), upToInput(stream.args));
    assert.equal(grab.sourceScript, stream.sourceScript);
    assert.ok(!grab.args.join(' ').includes('p%40ss'), 'no password in the command line');
    assert.match(grab.sourceScript, /rtsps:\/\/admin:p%40ss%20word@cam\.example\.org:322\/live/);
  });

  const hostile = [
    'file:///etc/passwd',
    '-i rtsp://a/b',
    'rtsp://10.0.0.1/$(id)',
    'rtsp://10.0.0.1\\a',
    'http://10.0.0.1/x.jpg',
  ];
  for (const url of hostile) {
    it(`refuses ${JSON.stringify(url)} with the stream's own message`, () => {
      let streamMsg = '';
      const asStream = (): unknown => buildFfmpegArgs({ ...spec({ url }), audioCodec: null }, OPTS);
      assert.throws(asStream, (e: Error) => ((streamMsg = e.message), e instanceof TranscoderInputError));
      assert.throws(
        () => buildFrameGrabArgs(spec({ url }), OPTS, OUT),
        (e: Error) => e instanceof TranscoderInputError && e.message === streamMsg,
      );
    });
  }

  it("a running pull's keyframe on stdin: the pipe protocol and the mp4 demuxer only, the first keyframe as a JPEG", () => {
    assert.deepEqual(buildOutputGrabArgs(OUT), [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostats',
      '-protocol_whitelist',
      'pipe',
      '-f',
      'mp4',
      '-probesize',
      '32',
      '-analyzeduration',
      '1',
      '-skip_frame',
      'nokey',
      '-i',
      'pipe:0',
      ...JPEG_OUT,
    ]);
  });

  for (const bad of ['grabs/7.jpg', '-i', '/var/hls/a\nb.jpg']) {
    it(`refuses the output grab file ${JSON.stringify(bad)}`, () => {
      assert.throws(() => buildOutputGrabArgs(bad), TranscoderInputError);
    });
  }

  it('refuses a camera id that could name a path', () => {
    assert.throws(() => buildFrameGrabArgs(spec({ cameraId: '../etc' }), OPTS, OUT), TranscoderInputError);
  });
});
