#!/usr/bin/python3
"""Simulated cameras' RTSP server (GStreamer gst-rtsp-server through python3-gi).

One always-running test-pattern encoder per (codec, profile) (sim_feed.py) feeds every mount, so a
hundred simulated cameras cost two encoders, not two hundred. Mounts: /cam/<i>/main and
/cam/<i>/sub for i in 0..count-1. Each mount is a shared media (many clients, one pipeline) that
relays the encoder's access units: appsrc → payloader.

As a real camera: a new client joins the running encoder and its first decodable frame is the
encoder's next natural keyframe (every --gop seconds), never a keyframe made for it, never a replay
of older frames (the first client of a mount gets its DESCRIBE answered at that keyframe, then the
keyframe itself at PLAY); every access unit
leaves as the encoder made it (parameter sets in band before each keyframe; frames may have several
slices), in order, stamped when it leaves. --clock draws the capture time into each picture
(clock_band.py).

stdout: "READY <port>" once listening; "SESSION open <id> <path>" / "SESSION close <id> <path>" as
RTSP sessions are set up and end; "DESCRIBE <ms since the epoch> <path>" as a client asks. stdin commands, one per line:
  down <i>   remove camera i's mounts and drop its sessions (the camera "vanishes")
  up <i>     bring camera i back
  quit       stop
"""
import argparse
import sys
import threading
import time

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
gi.require_version('GstRtsp', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

from sim_feed import PATTERNS, Feed  # noqa: E402

_out = threading.Lock()


def say(line):
    with _out:
        print(line, flush=True)


class Factory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, feed):
        super().__init__()
        self.feed = feed
        self.set_shared(True)
        self.connect('media-configure', self.on_configure)

    def do_create_element(self, url):
        # The media prerolls on the keyframe that starts its feed and holds it until the first client's
        # PLAY (a few ms after its DESCRIBE): that client's first frame is the keyframe that came after
        # it asked, as from a camera that answers DESCRIBE at once and sends its next keyframe.
        return Gst.parse_launch(
            'appsrc name=src is-live=true format=time do-timestamp=true min-latency=0 ! ' + self.feed.pay)

    def on_configure(self, _factory, media):
        src = media.get_element().get_child_by_name('src')
        self.feed.attach(src)
        media.connect('unprepared', lambda _m: self.feed.detach(src))


class Sessions:
    """Logs RTSP sessions as they are set up and end (rtsp-process.ts counts them per mount).

    A session ends at TEARDOWN, when the pool drops it (down <i>, timeout) or when the connection of
    the client that set it up closes: the session is then removed, as an interleaved (TCP) session
    cannot outlive its connection.
    """

    def __init__(self, server):
        self.paths = {}
        self.lock = threading.Lock()
        self.pool = server.get_session_pool()
        server.connect('client-connected', self.on_client)
        self.pool.connect('session-removed', lambda _p, s: self.close(s.get_sessionid()))

    def on_client(self, _server, client):
        mine = set()
        client.connect('setup-request', lambda _c, ctx: self.on_setup(ctx, mine))
        client.connect('pre-describe-request', self.on_describe)
        client.connect('teardown-request', lambda _c, ctx: ctx.session and self.close(ctx.session.get_sessionid()))
        client.connect('closed', lambda _c: self.on_closed(mine))

    def on_describe(self, _client, ctx):
        # when a client asked, before the answer waits for a keyframe (a bench splits its first frame)
        if ctx.uri is not None:
            say(f'DESCRIBE {int(time.time() * 1000)} {ctx.uri.abspath}')
        return GstRtsp.RTSPStatusCode.OK

    def on_setup(self, ctx, mine):
        if ctx.session is None or ctx.uri is None:
            return
        sid = ctx.session.get_sessionid()
        # the path of the mount: the setup URI less the stream part (…/stream=0)
        path = ctx.uri.abspath.rsplit('/stream=', 1)[0]
        with self.lock:
            mine.add(sid)
            if sid in self.paths:
                return
            self.paths[sid] = path
        say(f'SESSION open {sid} {path}')

    def on_closed(self, mine):
        for sid in list(mine):
            session = self.pool.find(sid)
            if session is not None:
                self.pool.remove(session)
            self.close(sid)

    def close(self, sid):
        with self.lock:
            path = self.paths.pop(sid, None)
        if path is not None:
            say(f'SESSION close {sid} {path}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=8554)
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--count', type=int, default=1)
    ap.add_argument('--codec', default='h264', help='h264|h265|mjpeg, or a comma list cycled over cameras')
    ap.add_argument('--width', type=int, default=640)
    ap.add_argument('--height', type=int, default=360)
    ap.add_argument('--fps', type=int, default=15)
    ap.add_argument('--gop', type=float, default=1.0, help='seconds between keyframes (a keyframe every gop×fps frames)')
    ap.add_argument('--pattern', default='ball', choices=sorted(PATTERNS))
    ap.add_argument('--clock', action='store_true', help='draw the capture time (ms since the epoch) into the picture')
    ap.add_argument('--repeat-parameter-sets', action='store_true',
                    help='send SPS/PPS (VPS) before every keyframe slice, as some cameras wrongly do')
    ap.add_argument('--user', default='')
    ap.add_argument('--password', default='')
    args = ap.parse_args()
    gop = round(args.gop * args.fps)
    if gop < 1:
        ap.error(f'--gop {args.gop} is less than one frame at {args.fps} fps')
    Gst.init(None)
    codecs = args.codec.split(',')
    feeds = {}

    def feed(codec, profile):
        k = (codec, profile)
        if k not in feeds:
            w, h = (args.width, args.height) if profile == 'main' else (args.width // 2, args.height // 2)
            feeds[k] = Feed(codec, w - w % 2, h - h % 2, args.fps, gop, 800 if profile == 'main' else 250, args.pattern,
                            args.repeat_parameter_sets, args.clock)
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
    Sessions(server)

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

    for codec in set(codecs):
        feed(codec, 'main')
        feed(codec, 'sub')
    # a mount's appsrc is given the encoder's caps (parameter sets) when a client asks for it
    for f in feeds.values():
        f.wait_caps()
    for i in range(args.count):
        up(i)
    if server.attach(None) == 0:
        print(f'ERROR cannot listen on {args.host}:{args.port}', flush=True)
        sys.exit(2)
    loop = GLib.MainLoop()
    say(f'READY {server.get_bound_port()}')

    def on_stdin(channel, _cond):
        line = channel.readline()
        if not line:
            loop.quit()
            return False
        parts = line.split()
        if len(parts) == 2 and parts[0] in ('up', 'down') and parts[1].isdigit():
            (up if parts[0] == 'up' else down)(int(parts[1]))
            say(f'OK {parts[0]} {parts[1]}')
        elif parts == ['quit']:
            loop.quit()
            return False
        return True

    GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.IO_IN | GLib.IO_HUP, on_stdin)
    try:
        loop.run()
    finally:
        for f in feeds.values():
            f.stop()


if __name__ == '__main__':
    main()
