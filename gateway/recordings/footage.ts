// The index's answers about footage: spans over a time range, segments, a segment's file, and evidence holds (audited).
import { resolveSegmentPath } from '../../transcoder/record/segment-names';
import { NotFoundError, ValidationError } from '../errors';
import type { EvidenceHoldsRepo, HoldRecord } from '../db/evidence-holds-repo';
import type { RecordingsRepo, SegmentRecord, SpanRecord } from '../db/recordings-repo';
import { checkRange } from './time-range';

/** Who did something (holds, plans), as the audit names them. */
export interface RecordingActor {
  kind: 'user' | 'apikey' | 'system';
  id: number | string;
  name: string;
  departmentId: number | null;
}

/** What recording needs of the audit log (declared here, STYLE §5). */
export interface RecordingAudit {
  append(e: {
    actorType: 'user' | 'apikey' | 'system';
    actorId: string | number;
    actorName: string;
    departmentId: number | null;
    action: string;
    targetType: string;
    targetId: string;
    detail: Record<string, unknown>;
  }): Promise<void>;
}

/** Writes one audit entry for `a`. */
export function auditAs(
  audit: RecordingAudit,
  a: RecordingActor,
  action: string,
  target: { type: string; id: string },
  detail: Record<string, unknown>,
): Promise<void> {
  return audit.append({
    actorType: a.kind,
    actorId: a.id,
    actorName: a.name,
    departmentId: a.departmentId,
    action,
    targetType: target.type,
    targetId: target.id,
    detail,
  });
}

/** A camera id from outside: digits only (ValidationError otherwise). */
export function checkCameraId(id: unknown): string {
  if (typeof id !== 'string' || !/^\d{1,18}$/.test(id))
    throw new ValidationError(`recording: camera id ${JSON.stringify(String(id)).slice(0, 40)} is not a camera id`, [
      { path: 'cameraId', message: 'not a camera id' },
    ]);
  return id;
}

function checkProfile(p: unknown): 'main' | 'sub' {
  if (p !== 'main' && p !== 'sub')
    throw new ValidationError(`recording: profile ${JSON.stringify(String(p)).slice(0, 40)} is not main or sub`, [
      { path: 'query.profile', message: 'main or sub' },
    ]);
  return p;
}

/** Every input is checked here (ranges, ids, paths) so that the HTTP layer can pass requests on as they come. */
export class Footage {
  constructor(
    private readonly repo: RecordingsRepo,
    private readonly holdsRepo: EvidenceHoldsRepo,
    private readonly volumes: readonly string[],
    private readonly audit: RecordingAudit,
    private readonly o: { maxRangeDays: number; spanGapMs: number },
  ) {}

  /** Contiguous footage of a camera over [from, to) (ISO 8601 with offsets); gaps over spanGapMs split spans. */
  async spans(cameraId: unknown, from: unknown, to: unknown, profile: unknown = 'main'): Promise<SpanRecord[]> {
    const id = checkCameraId(cameraId);
    const p = checkProfile(profile);
    const r = checkRange(from, to, { maxDays: this.o.maxRangeDays, nowMs: Date.now() });
    return this.repo.spans(id, r.fromMs, r.toMs, this.o.spanGapMs, p);
  }

  /** Segment rows of a camera over [from, to), oldest first (missing ones flagged). */
  async segments(cameraId: unknown, from: unknown, to: unknown, profile?: 'main' | 'sub'): Promise<SegmentRecord[]> {
    const id = checkCameraId(cameraId);
    const r = checkRange(from, to, { maxDays: this.o.maxRangeDays, nowMs: Date.now() });
    return this.repo.segments(id, r.fromMs, r.toMs, profile);
  }

  /** The file of a camera's segment by its relative path; anything that is not a segment path (traversal …) is a 400. */
  async segmentFile(cameraId: unknown, relPath: unknown): Promise<{ file: string; segment: SegmentRecord }> {
    const id = checkCameraId(cameraId);
    const rel = String(relPath);
    for (const volume of this.volumes) {
      let file: string;
      try {
        file = resolveSegmentPath(volume, rel);
      } catch (err) {
        throw new ValidationError(`recording: ${(err as Error).message.replace(/^transcoder: record: /, '')}`, [
          { path: 'path', message: 'not a segment path' },
        ]);
      }
      if (!rel.startsWith(`${id}/`))
        throw new ValidationError(`recording: segment path ${JSON.stringify(rel)} is not camera ${id}'s`, [
          { path: 'path', message: 'another camera' },
        ]);
      const seg = await this.repo.byPath(volume, rel);
      if (seg && !seg.missing) return { file, segment: seg };
    }
    throw new NotFoundError(`recording: no segment ${JSON.stringify(rel)} of camera ${id}`);
  }

  /** Places an evidence hold (who and why, audited) over a camera's footage in [from, to): retention never deletes it. */
  async hold(
    input: { cameraId: unknown; from: unknown; to: unknown; reason: unknown },
    actor: RecordingActor,
  ): Promise<HoldRecord> {
    const id = checkCameraId(input.cameraId);
    const r = checkRange(input.from, input.to, { maxDays: this.o.maxRangeDays, nowMs: Date.now(), prefix: 'body' });
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (reason.length < 3 || reason.length > 400)
      throw new ValidationError('recording: an evidence hold needs a reason (3–400 characters)', [
        { path: 'body.reason', message: 'required, 3–400 characters' },
      ]);
    const hold = await this.holdsRepo.hold({
      cameraId: id,
      startMs: r.fromMs,
      endMs: r.toMs,
      reason,
      by: String(actor.id),
      byName: actor.name,
    });
    await auditAs(
      this.audit,
      actor,
      'recording.hold',
      { type: 'camera', id },
      {
        holdId: hold.id,
        from: new Date(r.fromMs).toISOString(),
        to: new Date(r.toMs).toISOString(),
        reason,
      },
    );
    return hold;
  }

  /** Releases a hold (audited); its footage falls back to retention. */
  async releaseHold(holdId: unknown, actor: RecordingActor): Promise<HoldRecord> {
    const h = await this.holdsRepo.release(String(holdId), String(actor.id));
    if (!h)
      throw new NotFoundError(`recording: no active evidence hold ${JSON.stringify(String(holdId)).slice(0, 40)}`);
    await auditAs(
      this.audit,
      actor,
      'recording.release',
      { type: 'camera', id: h.cameraId },
      { holdId: h.id, reason: h.reason },
    );
    return h;
  }

  async holds(cameraId: unknown): Promise<HoldRecord[]> {
    return this.holdsRepo.holds(checkCameraId(cameraId));
  }
}
