// Wiring of video: the transcoder's supervisor, stream calls, snapshots and stills, all through one ffmpeg owner.
import { streamUrl } from '../cameras/stream-url';
import type { Config } from '../../config/load';
import { Supervisor, streamKey, type ExternalSource, type GrabSpec, type Profile } from '../../transcoder/index';
import { StreamService } from '../streams/stream-service';
import { SnapshotService } from '../streams/snapshot-service';
import { StillService } from '../streams/still-service';
import { LiveViewers } from '../streams/live-viewers';
import type { SnapshotProvider } from '../http/routes/stream-routes';
import type { CameraService } from '../cameras/camera-service';
import type { CameraDirectory } from '../spatial/camera-directory';
import type { AuthParts } from './auth';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';
import type { ClusterStreams } from './cluster-streams';
import type { StreamRouting } from '../http/node-proxy';

export interface StreamParts {
  streams: StreamService;
  /** WebSocket viewers (admitted by the HTTP layer's upgrade handler). */
  live: LiveViewers;
  stills: StillService;
  /** The map popup's picture: policy, address check, then a (cached) frame of the sub stream when there is one. */
  snapshots: SnapshotProvider;
  /** Cluster: where viewers' requests for other nodes' sessions go. */
  routing?: StreamRouting;
}

/** Sets a camera profile's codec to what its pull found; the codec it replaced, or null when nothing changed. */
async function learnCodec(
  repos: Repositories,
  cameras: CameraService,
  cameraId: string,
  profile: Profile,
  actual: 'h264' | 'h265',
): Promise<string | null> {
  const cam = await repos.cameras.get(cameraId);
  if (!cam || (profile === 'sub' && !cam.subUri)) return null;
  // a profile without stream info is taken as H.264 (the registry's default)
  const s = cam.streams[profile] ?? { codec: 'h264' as const };
  if (s.codec === actual) return null;
  await cameras.systemUpdate(cam.id, { streams: { ...cam.streams, [profile]: { ...s, codec: actual } } });
  return s.codec;
}

/** Starts the ffmpeg supervisor (`config.transcoder`). */
/** `external`: sources the gateway feeds (GB/T 28181 channels), pulled like RTSP cameras. */
export async function buildTranscoder(
  config: Config,
  closers: Closers,
  external: readonly ExternalSource[] = [],
): Promise<Supervisor> {
  const supervisor = new Supervisor({
    ...config.transcoder,
    externalSources: external,
    externalTimeoutS: config.gb28181.mediaTimeoutS,
  });
  await supervisor.start();
  closers.add(() => supervisor.close());
  return supervisor;
}

/** Stream calls stop with their camera's deletion and are re-checked when access changes. */
export function buildStreams(
  config: Config,
  supervisor: Supervisor,
  cameras: CameraService,
  directory: CameraDirectory,
  repos: Repositories,
  a: AuthParts,
  closers: Closers,
  log: Log,
  cluster: ClusterStreams | null = null,
): StreamParts {
  const streams = new StreamService(
    cluster?.backend ?? supervisor,
    {
      record: (p, id, action) => cameras.record(p, id, action),
      credentials: (cam) => cameras.credentials(cam),
      assertReach: (cam) => cameras.assertReach(cam),
      lookup: (id) => directory.lookup(id),
      requireReason: async (departmentId) =>
        (await repos.org.department(departmentId))?.settings.requireStreamReason === true,
    },
    a.auth,
    a.access,
    a.tokens,
    repos.audit,
    {
      streamTtlS: config.security.streamTokenTtlS,
      idleCloseS: Math.max(10, config.transcoder.idleTimeoutS),
      log: (msg) => log('error', msg),
      ...(cluster ? { node: cluster.routing.self } : {}),
    },
  );
  streams.start();
  closers.add(() => streams.closeAll());
  const live = new LiveViewers(streams, { log: (msg) => log('error', msg) });
  live.start();
  closers.add(() => live.close());
  cameras.onChange((c) => {
    if (c.kind === 'remove') void streams.stopCamera(c.id, 'camera deleted');
  });
  // a pull found the camera sending another codec than its record says (a GB/T 28181 channel's is unknown until its
  // first picture; a camera reconfigured): the record follows, so the next viewer is offered what the camera sends
  supervisor.on('codec', (e) => {
    if (e.derived || (e.actual !== 'h264' && e.actual !== 'h265')) return;
    void learnCodec(repos, cameras, e.cameraId, e.profile, e.actual)
      .then((was) => was && log('info', `camera ${e.cameraId} ${e.profile}: sends ${e.actual}, not ${was}: recorded`))
      .catch((err: Error) => log('warn', `camera ${e.cameraId}: its codec could not be recorded: ${err.message}`));
  });
  a.access.onChange(() => void streams.recheck());
  // a disabled user or revoked API key: its open streams end now, not at the next once-a-second check
  a.auth.onInvalidate(() => void streams.recheck());
  const frames = {
    grab: (s: GrabSpec) => supervisor.grab(s),
    isLive: (id: string, profile: Profile) => {
      const s = supervisor.get(streamKey(id, profile));
      return s?.state === 'live' && !s.transcode;
    },
  };
  const snapshotService = new SnapshotService(frames, {
    timeoutMs: config.discovery.requestTimeoutMs,
    cacheMs: 5000,
    maxBytes: 8 * 1024 * 1024,
  });
  const stills = new StillService(
    {
      // the policy, then the address check every contact with a camera passes
      record: async (p, id, action) => {
        const cam = await cameras.record(p, id, action);
        await cameras.assertReach(cam);
        return cam;
      },
      credentials: (cam) => cameras.credentials(cam),
    },
    snapshotService,
    repos.audit,
  );
  const snapshots: SnapshotProvider = {
    snapshot: async (p, id) => {
      const cam = await cameras.record(p, id, 'snapshot');
      await cameras.assertReach(cam);
      const profile = cam.subUri ? 'sub' : 'main';
      const codec = (profile === 'sub' ? cam.streams.sub : cam.streams.main)?.codec ?? cam.streams.main?.codec;
      const streamUri = streamUrl(cam, profile, true);
      const credentials = cameras.credentials(cam);
      const snap = await snapshotService.get({
        cameraId: cam.id,
        profile,
        snapshotUri: cam.snapshotUri,
        streamUri,
        codec,
        credentials,
      });
      return snap.jpeg;
    },
  };
  return { streams, live, stills, snapshots, ...(cluster ? { routing: cluster.routing } : {}) };
}
