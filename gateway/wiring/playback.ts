// Wiring of playback and exports: footage access over the policy and camera directory, sessions, export jobs and their expiry.
import type { Config } from '../../config/load';
import type { Database } from '../db/database';
import { RecordingsRepo } from '../db/recordings-repo';
import { ExportsRepo } from '../db/exports-repo';
import { EvidenceHoldsRepo } from '../db/evidence-holds-repo';
import { ExportService } from '../recordings/export-service';
import type { CameraDirectory } from '../spatial/camera-directory';
import { FootageAccess } from '../recordings/playback-access';
import { PlaybackService } from '../recordings/playback-service';
import { RemoteFootage } from '../recordings/remote-footage';
import { RecordingHealth } from '../recordings/recording-health';
import type { RecordingService } from '../recordings/recording-service';
import type { DeviceFootagePort } from '../recordings/device-playback';
import type { PeerFootagePort } from '../recordings/peer-playback';
import type { AuthParts } from './auth';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

export interface PlaybackParts {
  playback: PlaybackService;
  access: FootageAccess;
  repo: RecordingsRepo;
  exports: ExportService;
  /** Volumes and recorders for GET /health. */
  health: RecordingHealth;
}

/** Exports left unfinished by a stopped gateway are failed; expired ones are removed now and every 10 minutes. */
export async function buildPlayback(
  config: Config,
  db: Database,
  recordings: RecordingService,
  directory: CameraDirectory,
  repos: Repositories,
  a: AuthParts,
  closers: Closers,
  log: Log,
  remote: { device?: DeviceFootagePort | undefined; peer?: PeerFootagePort | undefined } = {},
): Promise<PlaybackParts> {
  const repo = new RecordingsRepo(db.knex);
  const access = new FootageAccess({
    access: a.access,
    lookup: (id) => directory.lookup(id),
    recordedDepartment: (id) => repo.recordedDepartment(id),
    resolve: (sub) => a.auth.resolve(sub),
    tokens: a.tokens,
  });
  const r = config.recording;
  const playback = new PlaybackService(
    repo,
    access,
    a.tokens,
    repos.audit,
    {
      windowS: r.playback.windowS,
      tokenTtlS: r.playback.tokenTtlS,
      maxSpanDays: r.playback.maxSpanDays,
      spanGapMs: r.spanGapMs,
      volumes: [...recordings.volumes.keys()],
    },
    remote.device,
    remote.peer,
  );
  const e = r.export;
  const exports = new ExportService(
    new ExportsRepo(db.knex),
    new EvidenceHoldsRepo(db.knex),
    playback,
    access,
    a.tokens,
    (sub) => a.auth.resolve(sub),
    repos.audit,
    { ...e, spanGapMs: r.spanGapMs, volume: [...recordings.volumes.keys()][0]!, log },
    new RemoteFootage({ peer: remote.peer, device: remote.device, windowS: r.playback.windowS }),
  );
  await exports.start();
  const expire = (): void =>
    void exports.expire().catch((err: unknown) => log('error', `export expiry failed: ${(err as Error).message}`));
  expire();
  const timer = setInterval(expire, 600_000);
  timer.unref();
  closers.add(async () => {
    clearInterval(timer);
    await exports.close();
  });
  const health = new RecordingHealth({
    status: () => recordings.status(),
    volumes: recordings.volumes,
    lookup: (id) => directory.lookup(id),
    can: (p, action, cam) => a.access.can(p, action, cam),
  });
  return { playback, access, repo, exports, health };
}
