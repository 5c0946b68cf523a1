// SDP of DESCRIBE answers: real camera captures (Hikvision, Dahua, Reolink, the simulated camera), control URLs, refusals.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RtspError } from '../../transcoder/errors';
import { parseFmtp, parseSdp, resolveControl } from '../../transcoder/rtsp/sdp';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/rtsp');

/** A captured DESCRIBE answer: its Content-Base and its SDP body. */
function capture(file: string): { base: string; sdp: string } {
  const text = readFileSync(path.join(DIR, file), 'latin1');
  const split = /\r?\n\r?\n/.exec(text)!;
  const head = text.slice(0, split.index);
  const base = /^content-base:\s*(.+?)\s*$/im.exec(head)![1]!;
  return { base, sdp: text.slice(split.index + split[0].length) };
}

const hex = (bufs: Buffer[]): string[] => bufs.map((b) => b.subarray(0, 4).toString('hex'));

interface Case {
  codec: 'h264' | 'h265';
  payloadType: number;
  controlUrl: string;
  /** first four bytes of each parameter set */
  vps: string[];
  sps: string[];
  pps: string[];
  others: Array<{ media: string; encoding: string }>;
}

const CASES: Record<string, Case> = {
  'hikvision_describe.txt': {
    codec: 'h264',
    payloadType: 96,
    controlUrl: 'rtsp://192.168.5.106:554/Streaming/Channels/101/trackID=1?transportmode=unicast&profile=Profile_1',
    vps: [],
    sps: ['674d0029'],
    pps: ['68ee3c80'],
    others: [{ media: 'application', encoding: 'VND.ONVIF.METADATA' }],
  },
  'dahua_describe_h265_pcma.txt': {
    codec: 'h265',
    payloadType: 98,
    // Dahua's Content-Base ends in "subtype=2/": the track is appended to the query, as the camera expects
    controlUrl: 'rtsp://cam-driveway/cam/realmonitor?channel=1&subtype=2/trackID=0',
    vps: ['40010c01'],
    sps: ['42010101'],
    pps: ['4401c0f2'],
    others: [{ media: 'audio', encoding: 'PCMA' }],
  },
  'dahua_describe_h264_aac_onvif.txt': {
    codec: 'h264',
    payloadType: 96,
    controlUrl: 'rtsp://192.168.5.111:554/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif/trackID=0',
    vps: [],
    sps: ['6764001e'],
    pps: ['68ee31b2'],
    others: [
      { media: 'audio', encoding: 'MPEG4-GENERIC' },
      { media: 'application', encoding: 'VND.ONVIF.METADATA' },
    ],
  },
  'reolink_describe.txt': {
    codec: 'h264',
    payloadType: 96,
    controlUrl: 'rtsp://192.168.5.206/h264Preview_01_main/trackID=1',
    vps: [],
    sps: ['67640033'],
    pps: ['68ee3c30'],
    others: [{ media: 'audio', encoding: 'MPEG4-GENERIC' }],
  },
  'gstreamer_h264_describe.txt': {
    codec: 'h264',
    payloadType: 96,
    controlUrl: 'rtsp://127.0.0.1:43849/cam/0/main/stream=0',
    vps: [],
    sps: ['6742c016'],
    pps: ['68ce3c80'],
    others: [],
  },
  'gstreamer_h265_describe.txt': {
    codec: 'h265',
    payloadType: 96,
    controlUrl: 'rtsp://127.0.0.1:38261/cam/0/main/stream=0',
    vps: ['40010c01'],
    sps: ['42010101'],
    pps: ['4401c071'],
    others: [],
  },
};

const VIDEO = (fmtp: string, rtpmap = 'H264/90000', extra = ''): string =>
  `v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 ${rtpmap}\r\na=fmtp:96 ${fmtp}\r\n${extra}`;

describe('SDP of DESCRIBE answers', () => {
  it('every capture in test/fixtures/rtsp has a case', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
    assert.deepEqual(files.sort(), Object.keys(CASES).sort());
  });

  for (const [file, want] of Object.entries(CASES))
    it(`${file}: ${want.codec} track, control URL, parameter sets, other media`, () => {
      const { base, sdp } = capture(file);
      const { track, others } = parseSdp(sdp, base);
      assert.equal(track.codec, want.codec);
      assert.equal(track.payloadType, want.payloadType);
      assert.equal(track.clockRate, 90000);
      assert.equal(track.controlUrl, want.controlUrl);
      assert.deepEqual([hex(track.vps), hex(track.sps), hex(track.pps)], [want.vps, want.sps, want.pps]);
      assert.deepEqual(others, want.others);
    });

  it('accepts HEVC as the H.265 encoding name, lower case too', () => {
    assert.equal(parseSdp(VIDEO('', 'hevc/90000'), 'rtsp://h/a').track.codec, 'h265');
  });

  it('skips a non-H.264 first format and takes the H.264 one of the same media', () => {
    const sdp =
      'v=0\r\nm=video 0 RTP/AVP 26 97\r\na=rtpmap:26 JPEG/90000\r\na=rtpmap:97 H264/90000\r\na=control:trackID=2\r\n';
    const { track } = parseSdp(sdp, 'rtsp://h/live');
    assert.deepEqual([track.payloadType, track.controlUrl], [97, 'rtsp://h/live/trackID=2']);
  });

  it('keeps only well-formed base64 parameter sets, sorted by NAL type', () => {
    const { track } = parseSdp(
      VIDEO('packetization-mode=1;sprop-parameter-sets=aM48gA==,!!bad!!,,Z0LAFtoC'),
      'rtsp://h/',
    );
    assert.deepEqual([hex(track.sps), hex(track.pps)], [['6742c016'], ['68ce3c80']]);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['packetization-mode=2', VIDEO('packetization-mode=2'), /packetization-mode=2 \(interleaved\) is not supported/],
    [
      'sprop-max-don-diff > 0',
      VIDEO('sprop-max-don-diff=2', 'H265/90000'),
      /sprop-max-don-diff=2 \(DONL fields\) is not supported/,
    ],
    ['a clock rate other than 90000', VIDEO('', 'H264/1000'), /clock rate 1000, not 90000/],
    [
      'audio only',
      'v=0\r\nm=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n',
      /offers no H\.264\/H\.265 video .*audio PCMA/,
    ],
    [
      'MJPEG video',
      'v=0\r\nm=video 0 RTP/AVP 26\r\na=rtpmap:26 JPEG/90000\r\n',
      /offers no H\.264\/H\.265 video .*video JPEG/,
    ],
    ['an empty body', '', /offers no H\.264\/H\.265 video at 90000 Hz \(media: none\)/],
    ['HTML instead of SDP', '<html><body>login</body></html>', /offers no H\.264\/H\.265 video/],
    ['an oversized SDP', 'a=x\r\n'.repeat(20000), /above the 65536 limit/],
    ['too many lines', 'a\n'.repeat(5000), /5001 lines is above the 2000 limit/],
    ['too many media', 'm=audio 0 RTP/AVP 0\n'.repeat(100), /more than 64 media sections/],
  ];
  for (const [name, sdp, why] of refused)
    it(`refuses ${name} with RtspError`, () =>
      assert.throws(
        () => parseSdp(sdp, 'rtsp://h/a'),
        (e: unknown) => e instanceof RtspError && /^transcoder: rtsp: SDP /.test(e.message) && why.test(e.message),
      ));

  it('parses fmtp parameters: spaces, case, values holding "="', () => {
    const m = parseFmtp(' Packetization-Mode=1; sprop-parameter-sets=Z0I=,aM4=;flag');
    assert.deepEqual(
      [...m],
      [
        ['packetization-mode', '1'],
        ['sprop-parameter-sets', 'Z0I=,aM4='],
        ['flag', ''],
      ],
    );
  });

  const controls: Array<[string, string, string]> = [
    ['rtsp://h/live', 'trackID=1', 'rtsp://h/live/trackID=1'],
    ['rtsp://h/live/', 'trackID=1', 'rtsp://h/live/trackID=1'],
    ['rtsp://h/live/', '*', 'rtsp://h/live/'],
    ['rtsp://h/live/', '', 'rtsp://h/live/'],
    ['rtsp://h:554/live/', 'rtsp://other/x/track1', 'rtsp://other/x/track1'],
    ['rtsp://h:554/live/main', '/abs/track1', 'rtsp://h:554/abs/track1'],
    ['rtsps://h/a?x=1/', 'trackID=0', 'rtsps://h/a?x=1/trackID=0'],
  ];
  for (const [base, control, want] of controls)
    it(`a=control ${JSON.stringify(control)} against ${base} → ${want}`, () =>
      assert.equal(resolveControl(control, base), want));
});
