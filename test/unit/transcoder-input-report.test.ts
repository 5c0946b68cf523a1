// InputReportReader: the input's first video codec from ffmpeg's report, never the output's.
import assert from 'node:assert/strict';
import { InputReportReader, normalizeCodec } from '../../transcoder/input-report';

const COPY = [
  "Input #0, rtsp, from 'rtsp://admin:***@10.0.0.5/cam/0/sub':",
  '  Metadata:',
  '    title           : Session streamed with GStreamer',
  '  Duration: N/A, start: 0.062733, bitrate: N/A',
  '  Stream #0:0: Video: hevc (Main), yuv420p(tv), 640x360, 15 fps, 15 tbr, 90k tbn',
  "[hls @ 0x55aafcb5b280] Opening 'init0.mp4' for writing",
  "Output #0, hls, to 'ffmpeg.m3u8':",
  '  Stream #0:0: Video: h264 (High), yuv420p(tv, progressive), 640x360, q=2-31, 15 fps, 15360 tbn',
];

const CASES: Array<{ name: string; lines: string[]; expected: string[] }> = [
  { name: 'the input stream (hevc → h265)', lines: COPY, expected: ['h265'] },
  {
    name: 'a stream with an id and a language',
    lines: ["Input #0, rtsp, from 'x':", '  Stream #0:1[0x1e0](und): Video: h264 (Constrained Baseline), yuv420p'],
    expected: ['h264'],
  },
  {
    name: 'audio before video: the video is named',
    lines: [
      "Input #0, rtsp, from 'x':",
      '  Stream #0:0: Audio: pcm_alaw, 8000 Hz, mono',
      '  Stream #0:1: Video: mjpeg (Baseline), yuvj420p',
    ],
    expected: ['mjpeg'],
  },
  { name: 'only the output names a codec: nothing', lines: COPY.filter((l) => !l.includes('hevc')), expected: [] },
  { name: 'no input report at all: nothing', lines: ['Stream #0:0: Video: h264', 'Connection refused'], expected: [] },
  { name: 'reported once', lines: [...COPY, ...COPY], expected: ['h265'] },
];

describe('transcoder input report', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = new InputReportReader();
      assert.deepEqual(
        c.lines.map((l) => r.push(l)).filter((x) => x !== null),
        c.expected,
      );
    });
  }
  it('normalizeCodec: hevc/HEVC → h265, others lower-cased', () => {
    assert.deepEqual(['hevc', 'HEVC', 'H264', 'h265', 'mjpeg'].map(normalizeCodec), [
      'h265',
      'h265',
      'h264',
      'h265',
      'mjpeg',
    ]);
  });
});
