"""A simulated camera's encoder: always running in a pipeline of its own; mounts relay its access units.

As a real camera: the encoder never restarts and never makes a keyframe for a client. A mount that
attaches (its first client's DESCRIBE) gets the access units as the encoder makes them from its next
natural keyframe on (one every gop frames; parameter sets in band before it, and in the SDP from the
caps' codec_data), so its first client's first frame is that keyframe; later clients of the running
mount join mid-GOP and decode from the next keyframe, as with a camera.
"""
import threading
import time

import gi

gi.require_version('Gst', '1.0')
from gi.repository import Gst  # noqa: E402

from clock_band import ClockBand  # noqa: E402

# ball: a moving ball (the demo); bars: SMPTE colour bars, still except the time drawn over the
# top-left corner, so a test can compare a decoded frame's regions with what was drawn
# bars: SMPTE 75% bars; bars100: 100% bars (a second still picture that tells two cameras apart)
PATTERNS = {'ball': 'ball', 'bars': 'smpte', 'bars100': 'smpte100'}

ENCODERS = {
    # The parsers put the parameter sets before each keyframe; the payloaders must not add them
    # again: with config-interval=-1 they insert them before EVERY keyframe slice, and x264
    # (tune=zerolatency: sliced threads) makes several slices per frame, so a receiver saw a
    # second access unit start inside the keyframe (H.264 7.4.1.2.3) and split it in two.
    # avc/hev1 with codec_data: the mount's payloader knows the parameter sets before any frame, so
    # a DESCRIBE is answered at once with them (sprop-parameter-sets), as a real camera does.
    'h264': ('x264enc tune=zerolatency speed-preset=ultrafast bitrate={kbps} key-int-max={gop} bframes=0 '
             'option-string="scenecut=0:min-keyint={gop}" ! video/x-h264,profile=baseline ! '
             'h264parse config-interval=-1 ! video/x-h264,stream-format=avc,alignment=au',
             'rtph264pay name=pay0 pt=96'),
    'h265': ('x265enc tune=zerolatency speed-preset=ultrafast bitrate={kbps} key-int-max={gop} '
             'option-string="scenecut=0:min-keyint={gop}" ! '
             'h265parse config-interval=-1 ! video/x-h265,stream-format=hev1,alignment=au',
             'h265parse ! rtph265pay name=pay0 pt=96'),
    'mjpeg': ('jpegenc quality=60 ! image/jpeg', 'jpegparse ! rtpjpegpay name=pay0 pt=26'),
}

RAW = 'video/x-raw,format=I420,width={w},height={h},framerate={fps}/1'


class Feed:
    """One live encoder whose access units are copied into every attached appsrc."""

    def __init__(self, codec, width, height, fps, gop, kbps, pattern='ball', repeat_parameter_sets=False,
                 clock=False):
        enc, self.pay = ENCODERS[codec]
        if repeat_parameter_sets and codec != 'mjpeg':
            # the fault of some cameras, kept to test receivers: parameter sets before every slice
            self.pay += ' config-interval=-1'
        raw = RAW.format(w=width, h=height, fps=fps)
        # 8-bit 4:2:0 like a real camera: without it x265 picks 4:4:4 12-bit (Rext, undecodable by
        # browsers) and rtpjpegpay rejects the JPEG ("Invalid component")
        source = (f'videotestsrc is-live=true pattern={PATTERNS[pattern]} ! video/x-raw,width={width},'
                  f'height={height},framerate={fps}/1 ! timeoverlay font-desc="Sans 14" ! videoconvert ! {raw}')
        encoder = enc.format(kbps=kbps, gop=gop) + (' ! appsink name=sink emit-signals=true sync=false '
                                                    'max-buffers=4 drop=true')
        self.codec = codec
        self.caps = None
        self.sinks = {}  # appsrc -> waiting for a keyframe
        self.lock = threading.Lock()
        self.pipelines = []
        if clock:
            # the source hands each raw frame over here, the clock is drawn, then it is encoded
            self.band = ClockBand(width, height)
            # no frame is dropped between the source and the encoder (a loaded machine would move the
            # keyframes off their grid): a late frame waits, its capture time comes from its timestamp
            src = Gst.parse_launch(f'{source} ! appsink name=raw emit-signals=true sync=false max-buffers=60 drop=true')
            encode = Gst.parse_launch(f'appsrc name=rawsrc is-live=true format=time do-timestamp=true caps="{raw}" '
                                      f'max-buffers=60 ! {encoder}')
            self.rawsrc = encode.get_by_name('rawsrc')
            src.get_by_name('raw').connect('new-sample', self.on_raw)
            self.pipelines = [encode, src]
        else:
            self.pipelines = [Gst.parse_launch(f'{source} ! {encoder}')]
        self.pipelines[0].get_by_name('sink').connect('new-sample', self.on_sample)
        for p in self.pipelines:
            p.set_state(Gst.State.PLAYING)

    def on_raw(self, sink):
        sample = sink.emit('pull-sample')
        buf = sample.get_buffer()
        # the capture time: the wall clock at the frame's timestamp (the running time at which the
        # live source made it), not when this callback got to run
        pipeline = self.pipelines[1]
        age_ns = pipeline.get_clock().get_time() - (pipeline.get_base_time() + buf.pts)
        ms = (time.time_ns() - age_ns) // 1_000_000
        frame = bytearray(buf.extract_dup(0, buf.get_size()))
        self.band.paint(frame, ms)
        self.rawsrc.emit('push-buffer', Gst.Buffer.new_wrapped(bytes(frame)))
        return Gst.FlowReturn.OK

    def on_sample(self, sink):
        # Only this streaming thread pushes into the appsrcs, so each client gets the frames in the
        # encoder's order; a mount attached mid-GOP starts at the encoder's next keyframe.
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

    def wait_caps(self, timeout_s=10):
        t0 = time.monotonic()
        while self.caps is None and time.monotonic() - t0 < timeout_s:
            time.sleep(0.01)

    def attach(self, src):
        if self.caps is not None:
            src.set_property('caps', self.caps)
        with self.lock:
            self.sinks[src] = True

    def detach(self, src):
        with self.lock:
            self.sinks.pop(src, None)

    def stop(self):
        for p in self.pipelines:
            p.set_state(Gst.State.NULL)
