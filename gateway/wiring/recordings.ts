// Wiring of recording: the recording service over the supervisor's hubs, the camera registry, the index and the audit log.
import { streamUrl } from '../cameras/stream-url';
import type { Config } from '../../config/load';
import type { Supervisor } from '../../transcoder/index';
import type { CameraService } from '../cameras/camera-service';
import type { Database } from '../db/database';
import { RecordingPlansRepo } from '../db/recording-plans-repo';
import { RecordingsRepo } from '../db/recordings-repo';
import { EvidenceHoldsRepo } from '../db/evidence-holds-repo';
import type { CameraRecord } from '../db/cameras-repo';
import { RecordingService } from '../recordings/recording-service';
import type { RecordingCamera } from '../recordings/recording-types';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';
import type { ClusterStreams } from './cluster-streams';

/** Reconciles every volume, then records per plan (`config.recording`); closed before the supervisor. */
export async function buildRecordings(
  config: Config,
  db: Database,
  supervisor: Supervisor,
  cameras: CameraService,
  repos: Repositories,
  closers: Closers,
  log: Log,
  cluster: ClusterStreams | null = null,
): Promise<RecordingService> {
  const toRecording = async (cam: CameraRecord): Promise<RecordingCamera> => {
    // the address rules every contact with a camera passes: a refused camera is not recorded
    const refusal = await cameras.reachRefusal(cam);
    if (refusal) log('warn', `recording: camera ${cam.id} not recorded: ${refusal}`);
    return {
      id: cam.id,
      departmentId: cam.departmentId,
      tags: cam.tags,
      spec: (profile) => {
        const url = streamUrl(cam, profile, false);
        if (!url || refusal) return null;
        const info = profile === 'sub' ? cam.streams.sub : cam.streams.main;
        const creds = cameras.credentials(cam);
        return {
          cameraId: cam.id,
          profile,
          url,
          codec: info?.codec ?? 'h264',
          audioCodec: info?.audio ?? null,
          ...(creds ? { username: creds.username, password: creds.password } : {}),
        };
      },
    };
  };
  const r = config.recording;
  const service = new RecordingService(
    cluster?.backend ?? supervisor,
    { all: async () => Promise.all((await repos.cameras.all()).map(toRecording)) },
    new RecordingsRepo(db.knex),
    new EvidenceHoldsRepo(db.knex),
    new RecordingPlansRepo(db.knex),
    repos.audit,
    {
      enabled: r.enabled,
      volumes: r.volumes,
      reserveBytes: r.reserveBytes,
      lowWater: r.lowWater,
      segmentSeconds: r.segmentSeconds,
      retentionDays: r.retentionDays,
      eventRetentionDays: r.eventRetentionDays,
      retentionIntervalS: r.retentionIntervalS,
      planIntervalS: r.planIntervalS,
      retryS: r.retryS,
      spanGapMs: r.spanGapMs,
      maxRangeDays: r.maxRangeDays,
      defaultPlan: r.defaultPlan,
      maxPreRollS: Math.floor(config.transcoder.hub.replaySeconds),
      ...(cluster ? { owns: cluster.owns } : {}),
    },
    log,
  );
  await service.start();
  closers.add(() => service.close());
  cameras.onChange(() => service.invalidate());
  // cluster: a lease gained (taken over from a dead node) or lost moves its recorder at once
  if (cluster) {
    cluster.leases.node.onGained(() => void service.tick());
    cluster.leases.node.onLost(() => void service.tick());
  }
  return service;
}
