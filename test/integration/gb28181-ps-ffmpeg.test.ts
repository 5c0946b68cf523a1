// Real ffmpeg-encoded H.264/H.265 through the PS muxer, RTP (UDP and RFC 4571 TCP) and the PS demuxer; ffmpeg decodes the same pictures.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import {
  PsDemuxer,
  RtpPacketizer,
  RtpReceiver,
  frame4571,
  joinAnnexB,
  muxPicture,
  openMediaReceiver,
  type VideoAccessUnit,
  type VideoCodec,
} from '../../gateway/gb28181/index';
import { accessUnits, encodeElementary } from '../helpers/annexb';
import { frameMd5s } from '../helpers/gb-decode';
import { waitFor } from '../helpers/wait-for';

const FORMAT = { h264: 'h264', h265: 'hevc' } as const;

function source(codec: VideoCodec): { es: Buffer; pics: VideoAccessUnit[] } {
  const es = encodeElementary({ codec, size: '320x240', frames: 50, gop: 25 });
  const pics = accessUnits(codec, es, (i) => 3600 * i).map((a) => ({
    codec,
    nals: a.nals,
    pts: a.timestamp,
    keyframe: a.keyframe,
  }));
  return { es, pics };
}

const annexB = (aus: VideoAccessUnit[]): Buffer => Buffer.concat(aus.map((a) => joinAnnexB(a.nals)));

describe('gb28181 PS with real encoded video (ffmpeg)', function () {
  this.timeout(60_000);

  for (const codec of ['h264', 'h265'] as const) {
    it(`${codec}: ffmpeg reads our program stream and decodes every picture as the source`, () => {
      const { es, pics } = source(codec);
      assert.equal(pics.length, 50);
      const want = frameMd5s(es, FORMAT[codec]);
      assert.equal(want.md5s.length, 50);
      const ps = Buffer.concat(pics.map((p) => muxPicture(codec, p.nals, p.pts, p.keyframe)));
      const got = frameMd5s(ps, 'mpeg');
      assert.deepEqual(got.md5s, want.md5s);
      assert.equal(got.errors, '');
    });

    it(`${codec}: mux → RTP → demux in memory gives back the access units, and ffmpeg decodes them alike`, () => {
      const { es, pics } = source(codec);
      const tx = new RtpPacketizer(0x0bebc201);
      const got: VideoAccessUnit[] = [];
      const d = new PsDemuxer({ onAccessUnit: (au) => got.push(au) });
      const rx = new RtpReceiver((p) => {
        d.push(p.payload);
        if (p.marker) d.flush();
      }, 0x0bebc201);
      for (const p of pics)
        for (const pkt of tx.packetize(muxPicture(codec, p.nals, p.pts, p.keyframe), p.pts)) rx.push(pkt);
      assert.equal(got.length, 50);
      assert.deepEqual(
        got.map((a) => [a.pts, a.keyframe]),
        pics.map((p) => [p.pts, p.keyframe]),
      );
      assert.deepEqual(frameMd5s(annexB(got), FORMAT[codec]).md5s, frameMd5s(es, FORMAT[codec]).md5s);
    });
  }

  for (const transport of ['udp', 'tcp-passive'] as const)
    it(`h264 over loopback ${transport === 'udp' ? 'UDP' : 'TCP (RFC 4571)'} into the media receiver: every picture decodes as sent`, async () => {
      const { es, pics } = source('h264');
      const got: VideoAccessUnit[] = [];
      const rx = await openMediaReceiver({
        transport,
        host: '127.0.0.1',
        ssrc: 200000001,
        onAccessUnit: (au) => got.push(au),
      });
      const tx = new RtpPacketizer(200000001);
      const stranger = new RtpPacketizer(42);
      let send: (b: Buffer[]) => void;
      let done: () => void;
      if (transport === 'udp') {
        const s = dgram.createSocket('udp4');
        send = (pk) => pk.forEach((p) => s.send(p, rx.port, '127.0.0.1'));
        done = () => s.close();
      } else {
        const s = net.connect({ host: '127.0.0.1', port: rx.port });
        await new Promise((res) => s.once('connect', res));
        send = (pk) => s.write(Buffer.concat(pk.map(frame4571)));
        done = () => s.end();
      }
      for (const p of pics) {
        send(tx.packetize(muxPicture('h264', p.nals, p.pts, p.keyframe), p.pts));
        send(stranger.packetize(Buffer.from('not ours'), p.pts)); // another SSRC on the same port
        await new Promise((res) => setTimeout(res, 2));
      }
      await waitFor(() => got.length === 50, { timeoutMs: 5000, what: `50 pictures (got ${got.length})` });
      assert.equal(rx.stats().rtp.wrongSsrc, 50);
      done();
      await rx.close();
      assert.deepEqual(frameMd5s(annexB(got), 'h264').md5s, frameMd5s(es, 'h264').md5s);
    });
});
