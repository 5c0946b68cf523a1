#!/usr/bin/python3
"""Simulated cameras' RTSP server (GStreamer gst-rtsp-server through python3-gi).

One live test-pattern encoder per (codec, profile) feeds every mount through appsrc, so a
hundred simulated cameras cost two encoders, not two hundred. Mounts: /cam/<i>/main and
/cam/<i>/sub for i in 0..count-1. Each mount is a shared media: many clients, one pipeline.

As a real camera: a new client's stream starts at a keyframe the encoder makes at once for it
(GstForceKeyUnit), never with frames whose references it did not get; every access unit leaves
as the encoder made it (parameter sets once, before the first slice of a keyframe; frames may
have several slices), in order, stamped when it leaves.

stdout: "READY <port>" once listening. stdin commands, one per line:
  down <i>   remove camera i's mounts and drop its sessions (the camera "vanishes")
  up <i>     bring camera i back
  quit       stop
"""
import argparse
import sys
import threading

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstVideo', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer, GstVideo  # noqa: E402

# ball: a moving ball (the demo); bars: SMPTE colour bars, still except the clock drawn over the
# top-left corner, so a test can compare a decoded frame's regions with what was drawn
PATTERNS = {'ball': 'ball', 'bars': 'smpte'}

ENCODERS = {
    # The parsers put the parameter sets before each keyframe; the payloaders must not add them
    # again: with config-interval=-1 they insert them before EVERY keyframe slice, and x264
    # (tune=zerolatency: sliced threads) makes several slices per frame, so a receiver saw a
    # second access unit start inside the keyframe (H.264 7.4.1.2.3) and split it in two.
    'h264': ('x264enc tune=zerolatency speed-preset=ultrafast bitrate={kbps} key-int-max={gop} '
             'bframes=0 ! video/x-h264,profile=baseline ! h264parse config-interval=-1 ! '
             'video/x-h264,stream-format=byte-stream,alignment=au',
             'h264parse ! rtph264pay name=pay0 pt=96'),
    'h265': ('x265enc tune=zerolatency speed-preset=ultrafast bitrate={kbps} key-int-max={gop} ! '
             'h265parse config-interval=-1 ! video/x-h265,stream-format=byte-stream,alignment=au',
             'h265parse ! rtph265pay name=pay0 pt=96'),
    'mjpeg': ('jpegenc quality=60 ! image/jpeg', 'jpegparse ! rtpjpegpay name=pay0 pt=26'),
}


class Feed:
    """One live encoder whose access units are copied into every attached appsrc."""

    def __init__(self, codec, width, height, fps, gop, kbps, pattern='ball', repeat_parameter_sets=False):
        enc, self.depay_caps = ENCODERS[codec]
        if repeat_parameter_sets and codec != 'mjpeg':
            # the fault of some cameras, kept to test receivers: parameter sets before every slice
            self.depay_caps += ' config-interval=-1'
        desc = (f'videotestsrc is-live=true pattern={PATTERNS[pattern]} ! video/x-raw,width={width},height={height},'
                f'framerate={fps}/1 ! timeoverlay font-desc="Sans 14" ! videoconvert ! '
                # 8-bit 4:2:0 like a real camera: without it x265 picks 4:4:4 12-bit (Rext,
                # undecodable by browsers) and rtpjpegpay rejects the JPEG ("Invalid component")
                'video/x-raw,format=I420 ! '
                + enc.format(kbps=kbps, gop=gop) + ' ! appsink name=sink emit-signals=true sync=false '
                'max-buffers=4 drop=true')
        self.codec = codec
        self.pipeline = Gst.parse_launch(desc)
        self.caps = None
        self.sinks = {}  # appsrc -> waiting_for_keyframe
        self.lock = threading.Lock()
        self.sink = self.pipeline.get_by_name('sink')
        self.sink.connect('new-sample', self.on_sample)
        self.pipeline.set_state(Gst.State.PLAYING)

    def on_sample(self, sink):
        # Only this streaming thread pushes into the appsrcs, so each client gets the frames in the
        # encoder's order; a client attached mid-GOP starts at the next keyframe.
        sample = sink.emit('pull-sample')
        buf = sample.get_buffer()
        if self.caps is None:
            self.caps = sample.get_caps()
        key = not buf.has_flags(Gst.BufferFlags.DELTA_UNIT)
        with self.lock:
            targets = [src for src, waiting in self.sinks.items() if key or not waiting]
            if key:
                for src in targets:
                    self.sinks[src] = False
        for src in targets:
            out = buf.copy()
            out.pts = out.dts = Gst.CLOCK_TIME_NONE  # appsrc do-timestamp stamps it
            src.emit('push-buffer', out)
        return Gst.FlowReturn.OK

    def attach(self, src):
        if self.caps is not None:
            src.set_property('caps', self.caps)
        with self.lock:
            self.sinks[src] = True
        # as real cameras do for a new session: a keyframe now rather than at the end of the GOP,
        # so a DESCRIBE is answered within a frame or two
        self.sink.send_event(GstVideo.video_event_new_upstream_force_key_unit(Gst.CLOCK_TIME_NONE, True, 0))

    def detach(self, src):
        with self.lock:
            self.sinks.pop(src, None)


class Factory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, feed):
        super().__init__()
        self.feed = feed
        self.set_shared(True)
        self.connect('media-configure', self.on_configure)

    def do_create_element(self, url):
        return Gst.parse_launch(
            'appsrc name=src is-live=true format=time do-timestamp=true min-latency=0 ! '
            + self.feed.depay_caps)

    def on_configure(self, _factory, media):
        src = media.get_element().get_child_by_name('src')
        if self.feed.caps is not None:
            src.set_property('caps', self.feed.caps)
        self.feed.attach(src)
        media.connect('unprepared', lambda _m: self.feed.detach(src))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=8554)
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--count', type=int, default=1)
    ap.add_argument('--codec', default='h264', help='h264|h265|mjpeg, or a comma list cycled over cameras')
    ap.add_argument('--width', type=int, default=640)
    ap.add_argument('--height', type=int, default=360)
    ap.add_argument('--fps', type=int, default=15)
    ap.add_argument('--gop', type=int, default=0, help='keyframe interval in frames (default: fps = 1 s)')
    ap.add_argument('--pattern', default='ball', choices=sorted(PATTERNS))
    ap.add_argument('--repeat-parameter-sets', action='store_true',
                    help='send SPS/PPS (VPS) before every keyframe slice, as some cameras wrongly do')
    ap.add_argument('--user', default='')
    ap.add_argument('--password', default='')
    args = ap.parse_args()
    Gst.init(None)
    gop = args.gop or args.fps
    codecs = args.codec.split(',')
    feeds = {}

    def feed(codec, profile):
        k = (codec, profile)
        if k not in feeds:
            w, h = (args.width, args.height) if profile == 'main' else (args.width // 2, args.height // 2)
            feeds[k] = Feed(codec, w - w % 2, h - h % 2, args.fps, gop, 800 if profile == 'main' else 250, args.pattern,
                            args.repeat_parameter_sets)
        return feeds[k]

    server = GstRtspServer.RTSPServer()
    # the default pool has one thread: clients (and each media's preroll) would be served one after
    # another, so 50 simultaneous DESCRIBEs took ~1 s each in turn
    server.get_thread_pool().set_max_threads(32)
    server.set_address(args.host)
    server.set_service(str(args.port))
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, 'user')
        auth.add_digest(args.user, args.password, token)
        # GI exposes the methods as an enum, not flags: Digest only, as most real cameras offer
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        basic = GstRtspServer.RTSPAuth.make_basic(args.user, args.password)
        auth.add_basic(basic, token)
        server.set_auth(auth)
    mounts = server.get_mount_points()

    def up(i):
        codec = codecs[i % len(codecs)]
        for profile in ('main', 'sub'):
            f = Factory(feed(codec, profile))
            if args.user:
                perm = GstRtspServer.RTSPPermissions()
                perm.add_role_from_structure(Gst.Structure.new_empty('user'))
                perm.add_permission_for_role('user', 'media.factory.access', True)
                perm.add_permission_for_role('user', 'media.factory.construct', True)
                f.set_permissions(perm)
            mounts.add_factory(f'/cam/{i}/{profile}', f)

    def down(i):
        for profile in ('main', 'sub'):
            path = f'/cam/{i}/{profile}'
            mounts.remove_factory(path)
        # drop every session that plays one of camera i's mounts
        pool = server.get_session_pool()

        def sess_filter(_pool, session):
            for p in (f'/cam/{i}/main', f'/cam/{i}/sub'):
                matched, _ = session.get_media(p)
                if matched is not None:
                    return GstRtspServer.RTSPFilterResult.REMOVE
            return GstRtspServer.RTSPFilterResult.KEEP
        pool.filter(sess_filter)

    for i in range(args.count):
        up(i)
    for codec in set(codecs):
        feed(codec, 'main')
        feed(codec, 'sub')
    if server.attach(None) == 0:
        print(f'ERROR cannot listen on {args.host}:{args.port}', flush=True)
        sys.exit(2)
    loop = GLib.MainLoop()
    print(f'READY {server.get_bound_port()}', flush=True)

    def on_stdin(channel, _cond):
        line = channel.readline()
        if not line:
            loop.quit()
            return False
        parts = line.split()
        if len(parts) == 2 and parts[0] in ('up', 'down') and parts[1].isdigit():
            (up if parts[0] == 'up' else down)(int(parts[1]))
            print(f'OK {parts[0]} {parts[1]}', flush=True)
        elif parts == ['quit']:
            loop.quit()
            return False
        return True

    GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.IO_IN | GLib.IO_HUP, on_stdin)
    try:
        loop.run()
    finally:
        for f in feeds.values():
            f.pipeline.set_state(Gst.State.NULL)


if __name__ == '__main__':
    main()
