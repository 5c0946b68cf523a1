// The shapes of playback: what a session asks for, its wall-clock map, its options and what it writes to the audit log.
import type { Principal } from '../auth/policy';
import type { PlaybackPlan } from './playback-plan';

/** What playback writes to the audit log (AuditRepo provides it). */
export interface PlaybackAudit {
  append(e: {
    actorType: Principal['kind'] | 'system';
    actorId: number | string;
    actorName: string;
    departmentId: number | null;
    action: string;
    targetType: string;
    targetId: string;
    ip: string;
    outcome?: 'ok' | 'denied' | 'failed';
    detail: Record<string, unknown>;
  }): Promise<void>;
}

export interface PlaybackOptions {
  windowS: number;
  tokenTtlS: number;
  maxSpanDays: number;
  spanGapMs: number;
  /** Recording volumes (absolute paths): a segment is served only from one of them. */
  volumes: readonly string[];
}

/** 1–8: applied by the player (playbackRate); 16 and 32: the server serves keyframes only. */
export const SPEEDS = [1, 2, 4, 8, 16, 32] as const;

export interface PlaybackRequest {
  start: string;
  profile: 'main' | 'sub';
  speed: (typeof SPEEDS)[number];
  reason?: string | undefined;
  /** Where the session ends (a clip); after start, at most `windowS` after it. Default: start + `windowS`. */
  end?: string | undefined;
}

/** The wall-clock map of a session's stream: where each segment sits on the media timeline and which gaps were jumped. */
export interface PlaybackMap {
  camera: string;
  profile: string;
  start: string;
  mime: string;
  segments: Array<{
    id: string;
    mediaStartS: number;
    durationS: number;
    wallStart: string;
    wallEnd: string;
    /** Wall-clock seconds per media second: 1, or the speed when keyframes only are served. */
    rate: number;
  }>;
  keyframesOnly: boolean;
  gaps: Array<{ from: string; to: string; atMediaS: number; seconds: number }>;
  end: string;
  next: string | null;
  endedBy: PlaybackPlan['endedBy'];
}
