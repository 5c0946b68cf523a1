// What recording is given: the cameras as it sees them and its options.
import type { StreamSpec } from '../../transcoder/stream-spec';
import type { PlanDefaults } from './plan-rules';
import type { VolumeConfig } from './volume';

/** A camera as recording sees it; `spec(profile)` is null when the camera has no such stream. */
export interface RecordingCamera {
  id: string;
  departmentId: number;
  tags: readonly string[];
  spec(profile: 'main' | 'sub'): StreamSpec | null;
}

/** What the service needs of the camera registry (declared here, STYLE §5). */
export interface RecordingCameras {
  all(): Promise<RecordingCamera[]>;
}

export interface RecordingOptions {
  enabled: boolean;
  volumes: VolumeConfig[];
  reserveBytes: number;
  lowWater: number;
  segmentSeconds: number;
  retentionDays: number;
  eventRetentionDays: number;
  retentionIntervalS: number;
  planIntervalS: number;
  retryS: number;
  spanGapMs: number;
  maxRangeDays: number;
  defaultPlan: Omit<PlanDefaults, 'retentionDays' | 'eventRetentionDays'>;
  /** Longest pre-roll a plan may ask for: what the hub keeps for replay (transcoder.hub.replaySeconds). */
  maxPreRollS: number;
  /** Cluster: whether this node runs (camera, profile)'s pull — its lease, placed when free. Default: always. */
  owns?: (cameraId: string, profile: 'main' | 'sub', url: string) => Promise<boolean>;
}
