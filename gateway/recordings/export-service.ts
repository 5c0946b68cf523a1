// Clip exports: checked and audited requests, bounded concurrent jobs, evidence holds while kept, signed expiring downloads.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { canReadExport, type Principal } from '../auth/policy';
import { TokenError, type TokenService } from '../auth/tokens';
import { AuthenticationError, ForbiddenError, NotFoundError, UnavailableError, ValidationError } from '../errors';
import type { EvidenceHoldsRepo } from '../db/evidence-holds-repo';
import type { ExportRecord, ExportsRepo } from '../db/exports-repo';
import { checkCameraId } from './footage';
import { EXPORT_FILE, exportDir, readPieces, runExport, type ExportCamera } from './export-job';
import type { RemoteFootage } from './remote-footage';
import { FootageAccess, principalKey } from './playback-access';
import type { PlaybackService } from './playback-service';
import type { PlaybackAudit } from './playback-types';
import { checkRange } from './time-range';

export interface ExportOptions {
  keepDays: number;
  maxRangeS: number;
  maxCameras: number;
  concurrency: number;
  linkTtlS: number;
  spanGapMs: number;
  /** Volume the export files are written to (<volume>/exports/<id>/). */
  volume: string;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** Where footage read from elsewhere waits to be joined (inside the export's directory, removed after). */
const partsDir = (e: ExportRecord, cam: string): string => path.join(exportDir(e), `.parts-${checkCameraId(cam)}`);
/** Exports waiting for a slot, at most: past it a request is a 503 (Retry-After), not a growing queue. */
const MAX_QUEUED = 64;

export class ExportService {
  private running = 0;
  private peak = 0;
  private readonly queue: string[] = [];
  private readonly jobs = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly repo: ExportsRepo,
    private readonly holds: EvidenceHoldsRepo,
    private readonly playback: PlaybackService,
    private readonly access: FootageAccess,
    private readonly tokens: TokenService,
    private readonly resolve: (sub: string) => Promise<Principal | null>,
    private readonly audit: PlaybackAudit,
    private readonly o: ExportOptions,
    /** Footage kept by lower platforms and devices (read from there when the index has none of a camera). */
    private readonly remote?: RemoteFootage,
  ) {}

  /** Exports left unfinished by a stopped gateway are failed (their holds stay until they expire). */
  async start(): Promise<void> {
    for (const e of await this.repo.unfinished())
      await this.repo.update(e.id, {
        status: 'failed',
        error: 'the gateway stopped during the export',
        finished: true,
      });
  }

  /** Checks, holds the footage, audits and queues an export; 400 without a reason, 404/403 per camera as playback. */
  async create(p: Principal, body: { cameras: unknown; from: unknown; to: unknown; reason?: unknown }, ip: string) {
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    if (reason.length < 3 || reason.length > 400)
      throw new ValidationError('export: an export needs a reason (3–400 characters)', [
        { path: 'body.reason', message: 'required, 3–400 characters' },
      ]);
    const ids = Array.isArray(body.cameras) ? [...new Set(body.cameras.map(checkCameraId))] : [];
    if (ids.length < 1 || ids.length > this.o.maxCameras)
      throw new ValidationError(`export: between 1 and ${this.o.maxCameras} cameras per export`, [
        { path: 'body.cameras', message: `1–${this.o.maxCameras} camera ids` },
      ]);
    const r = checkRange(body.from, body.to, { maxDays: 400, nowMs: Date.now(), prefix: 'body' });
    if (r.toMs - r.fromMs > this.o.maxRangeS * 1000)
      throw new ValidationError(`export: a range of at most ${this.o.maxRangeS} s per export`, [
        { path: 'body.to', message: `range longer than ${this.o.maxRangeS} s` },
      ]);
    for (const id of ids) await this.access.assert(p, 'export', id);
    if (this.queue.length >= MAX_QUEUED)
      throw new UnavailableError(`export: ${this.queue.length} exports are waiting; try again shortly`, 30);
    let any = false;
    for (const id of ids)
      any ||=
        (await this.playback.present(id, 'main', r.fromMs, r.toMs)).length > 0 ||
        ((await this.remote?.pieces(id, r.fromMs, r.toMs, p.name, reason))?.length ?? 0) > 0;
    if (!any)
      throw new NotFoundError(`export: no recorded footage of these cameras from ${iso(r.fromMs)} to ${iso(r.toMs)}`);
    const e = await this.repo.create({
      cameraIds: ids,
      fromMs: r.fromMs,
      toMs: r.toMs,
      reason,
      actorType: p.kind,
      actorId: String(p.id),
      actorName: p.name,
      departmentId: p.departmentId,
      volume: this.o.volume,
      expiresAt: new Date(Date.now() + this.o.keepDays * 86_400_000),
    });
    const holdIds: string[] = [];
    for (const id of ids) {
      const h = await this.holds.hold({
        cameraId: id,
        startMs: r.fromMs,
        endMs: r.toMs,
        reason: `export ${e.id}: ${reason}`.slice(0, 400),
        by: String(p.id),
        byName: p.name,
      });
      holdIds.push(h.id);
    }
    await this.repo.update(e.id, { holdIds });
    await this.auditAs(p, 'export.create', e.id, ip, {
      cameras: ids,
      from: iso(r.fromMs),
      to: iso(r.toMs),
      reason,
      holdIds,
    });
    this.queue.push(e.id);
    this.pump();
    return this.view(p, { ...e, holdIds });
  }

  /** An export as its reader sees it: status, files and their signed download links. */
  async get(p: Principal, id: string) {
    const e = await this.repo.get(id);
    if (!e || !canReadExport(p, e)) throw new NotFoundError(`export ${id} not found`);
    return this.view(p, e);
  }

  /** Checks a download link and the file it names; audited. Returns the absolute file to send. */
  async download(token: string, file: string, ip: string): Promise<{ path: string; name: string }> {
    let claims;
    try {
      claims = this.tokens.verifyExport(token);
    } catch (err) {
      throw new AuthenticationError(err instanceof TokenError ? err.message : 'export: link rejected');
    }
    const p = await this.resolve(claims.sub);
    if (!p) throw new AuthenticationError('export: the principal of this link is disabled or gone');
    const e = await this.repo.get(claims.exp_id);
    if (!e || e.status !== 'done' || !EXPORT_FILE.test(file) || !e.files.some((f) => f.name === file))
      throw new NotFoundError(`export: no file ${JSON.stringify(file.slice(0, 80))}`);
    for (const id of e.cameraIds)
      if (!(await this.access.allows(p, 'export', id)))
        throw new ForbiddenError('export: access to its cameras was withdrawn');
    await this.auditAs(p, 'export.download', e.id, ip, {
      file,
      from: iso(e.fromMs),
      to: iso(e.toMs),
      reason: e.reason,
    });
    return { path: path.join(exportDir(e), file), name: file };
  }

  /** Removes exports whose time is up: their files, then their holds (retention applies again); audited. */
  async expire(nowMs = Date.now()): Promise<number> {
    const due = await this.repo.due(nowMs, 100);
    for (const e of due) {
      await rm(exportDir(e), { recursive: true, force: true });
      for (const h of e.holdIds) await this.holds.release(h, 'system');
      await this.repo.update(e.id, { status: 'expired' });
      await this.audit.append({
        actorType: 'system',
        actorId: 'system',
        actorName: 'system',
        departmentId: e.departmentId,
        action: 'export.expire',
        targetType: 'export',
        targetId: e.id,
        ip: '',
        detail: { cameras: e.cameraIds, from: iso(e.fromMs), to: iso(e.toMs) },
      });
    }
    return due.length;
  }

  /** Jobs running and waiting now, and the most that ever ran at once (never over recording.export.concurrency). */
  jobStatus(): { running: number; queued: number; peak: number } {
    return { running: this.running, queued: this.queue.length, peak: this.peak };
  }

  /** Resolves when every queued and running export has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.jobs.size || this.queue.length) await Promise.all([...this.jobs]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await Promise.all([...this.jobs]);
  }

  private view(p: Principal, e: ExportRecord) {
    const token = this.tokens.signExport({ sub: principalKey(p), exp_id: e.id }, this.o.linkTtlS);
    return {
      id: e.id,
      status: e.status,
      cameras: e.cameraIds,
      from: iso(e.fromMs),
      to: iso(e.toMs),
      reason: e.reason,
      exportedBy: e.actorName,
      createdAt: e.createdAt,
      expiresAt: e.expiresAt,
      error: e.error,
      files: e.status === 'done' ? e.files.map((f) => ({ ...f, url: `/exports/${token}/${f.name}` })) : [],
      linksExpireAt: iso(Date.now() + this.o.linkTtlS * 1000),
    };
  }

  private pump(): void {
    while (!this.closed && this.running < this.o.concurrency && this.queue.length) {
      const id = this.queue.shift()!;
      this.running++;
      this.peak = Math.max(this.peak, this.running);
      const job: Promise<void> = this.run(id)
        .catch((err: unknown) => this.o.log('error', `export ${id} failed: ${(err as Error).message}`))
        .finally(() => {
          this.running--;
          this.jobs.delete(job);
          this.pump();
        });
      this.jobs.add(job);
    }
  }

  private async run(id: string): Promise<void> {
    const e = await this.repo.get(id);
    if (!e) return;
    await this.repo.update(id, { status: 'running' });
    try {
      const cams: ExportCamera[] = [];
      for (const cam of e.cameraIds) {
        const segs = await this.playback.present(cam, 'main', e.fromMs, e.toMs);
        const pieces = segs.map((seg) => ({ startMs: seg.startMs, endMs: seg.endMs, file: this.playback.fileOf(seg) }));
        const c: ExportCamera = { cameraId: cam, departmentId: segs.at(-1)?.departmentId ?? null, pieces };
        // none recorded here: the camera's lower platform or device may keep some, read into the export's directory
        const elsewhere = segs.length ? null : await this.remote?.pieces(cam, e.fromMs, e.toMs, e.actorName, e.reason);
        if (elsewhere?.length) {
          const log = (m: string) => this.o.log('warn', `export ${id}: camera ${cam}: ${m}`);
          Object.assign(c, { source: elsewhere[0]!.source }, await readPieces(partsDir(e, cam), elsewhere, log));
        }
        cams.push(c);
      }
      const files = await runExport(e, cams, this.o.spanGapMs);
      await this.repo.update(id, { status: 'done', files, finished: true, error: null });
    } catch (err) {
      await this.repo.update(id, { status: 'failed', error: (err as Error).message, finished: true });
      throw err;
    } finally {
      for (const cam of e.cameraIds) await rm(partsDir(e, cam), { recursive: true, force: true });
    }
  }

  private auditAs(p: Principal, action: string, id: string, ip: string, detail: Record<string, unknown>) {
    return this.audit.append({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: p.departmentId,
      action,
      targetType: 'export',
      targetId: id,
      ip,
      detail,
    });
  }
}
