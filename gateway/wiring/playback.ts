// Wiring of playback: footage access over the policy and the camera directory, playback sessions over the index and volumes.
import type { Config } from '../../config/load';
import type { Database } from '../db/database';
import { RecordingsRepo } from '../db/recordings-repo';
import type { CameraDirectory } from '../spatial/camera-directory';
import { FootageAccess } from '../recordings/playback-access';
import { PlaybackService } from '../recordings/playback-service';
import type { RecordingService } from '../recordings/recording-service';
import type { AuthParts } from './auth';
import type { Repositories } from './storage';

export interface PlaybackParts {
  playback: PlaybackService;
  access: FootageAccess;
  repo: RecordingsRepo;
}

export function buildPlayback(
  config: Config,
  db: Database,
  recordings: RecordingService,
  directory: CameraDirectory,
  repos: Repositories,
  a: AuthParts,
): PlaybackParts {
  const repo = new RecordingsRepo(db.knex);
  const access = new FootageAccess({
    access: a.access,
    lookup: (id) => directory.lookup(id),
    recordedDepartment: (id) => repo.recordedDepartment(id),
    resolve: (sub) => a.auth.resolve(sub),
    tokens: a.tokens,
  });
  const r = config.recording;
  const playback = new PlaybackService(repo, access, a.tokens, repos.audit, {
    windowS: r.playback.windowS,
    tokenTtlS: r.playback.tokenTtlS,
    maxSpanDays: r.playback.maxSpanDays,
    spanGapMs: r.spanGapMs,
    volumes: [...recordings.volumes.keys()],
  });
  return { playback, access, repo };
}
