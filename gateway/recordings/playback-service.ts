// Playback of footage: spans of a camera, playback sessions (signed, audited), the re-timed fMP4 stream and its wall-clock map.
import { randomUUID } from 'node:crypto';
import { resolveSegmentPath } from '../../transcoder/record/segment-names';
import { readSegmentMedia } from '../../transcoder/record/segment-media';
import { retime, setSampleDuration } from '../../transcoder/fmp4/retime';
import type { Principal } from '../auth/policy';
import type { TokenService } from '../auth/tokens';
import { NotFoundError, ValidationError } from '../errors';
import type { RecordingsRepo, SegmentRecord } from '../db/recordings-repo';
import { checkCameraId } from './footage';
import { PlanBuilder, planPlayback, type PlaybackPlan, type PlannedInput } from './playback-plan';
import { FootageAccess, principalKey, type PlaybackGrant } from './playback-access';
import { checkRange, parseInstant } from './time-range';
import { spanKinds, type SpanAnswer } from './span-kinds';
import { DEVICE_PROFILE, deviceMap, deviceWindow, withDeviceSpans, type DeviceFootagePort } from './device-playback';
import type { PlaybackAudit, PlaybackMap, PlaybackOptions, PlaybackRequest } from './playback-types';
import { PEER_PROFILE, peerMap, peerSpans, peerWindow, type PeerFootagePort, type PeerWindow } from './peer-playback';

const iso = (ms: number): string => new Date(ms).toISOString();

export class PlaybackService {
  private readonly plans = new Map<string, { at: number; plan: Promise<{ plan: PlaybackPlan; files: string[] }> }>();

  constructor(
    private readonly repo: RecordingsRepo,
    readonly access: FootageAccess,
    private readonly tokens: TokenService,
    private readonly audit: PlaybackAudit,
    private readonly o: PlaybackOptions,
    private readonly device?: DeviceFootagePort,
    private readonly peer?: PeerFootagePort,
  ) {}

  /** Spans of footage of a camera over [from, to) with their kind, and the gaps between them (from the index). */
  async spans(
    p: Principal,
    cameraId: string,
    q: { from: unknown; to: unknown; profile: 'main' | 'sub' },
  ): Promise<SpanAnswer> {
    const id = checkCameraId(cameraId);
    const r = checkRange(q.from, q.to, { maxDays: this.o.maxSpanDays, nowMs: Date.now() });
    await this.access.assert(p, 'playback', id);
    // a lower platform's camera: its footage is listed there
    const ref = await this.peer?.ref(id);
    if (ref) return peerSpans(this.peer!, ref, id, r, q.profile, p.name);
    // two queries on two pool connections at once: the answer waits for the slower, not for both in turn
    const [spans, events] = await Promise.all([
      this.repo.spans(id, r.fromMs, r.toMs, this.o.spanGapMs, q.profile),
      this.repo.eventTimes(id, q.profile, r.fromMs, r.toMs, 20_000),
    ]);
    return withDeviceSpans(spanKinds(id, q.profile, r, spans, events, this.o.spanGapMs), r, this.device);
  }

  /** Opens a playback session at `start`: signed URLs of the stream, its map and HLS; audited with the time range. */
  async open(p: Principal, cameraId: string, req: PlaybackRequest, ip: string) {
    const id = checkCameraId(cameraId);
    let startMs = parseInstant(req.start, 'body.start');
    if (startMs > Date.now())
      throw new ValidationError(`playback: body.start ${req.start} is in the future: nothing is recorded yet`, [
        { path: 'body.start', message: 'is in the future' },
      ]);
    const departmentId = await this.access.assert(p, 'playback', id).catch(async (err: unknown) => {
      // a refusal by the policy (not seen: 404, seen but no playback: 403) is audited as the gate's are
      await this.audit.append({
        actorType: p.kind,
        actorId: p.id,
        actorName: p.name,
        departmentId: p.departmentId,
        action: 'playback.open',
        targetType: 'camera',
        targetId: id,
        ip,
        outcome: 'denied',
        detail: { refusedBy: 'policy', reason: (err as Error).message, from: iso(startMs) },
      });
      throw err;
    });
    const ref = await this.peer?.ref(id);
    let endMs = this.endOf(req, startMs);
    // a lower platform's camera: the session is opened there (its footage, its checks, its audit naming the operator)
    const up: PeerWindow | null = ref ? await peerWindow(this.peer!, ref, id, req, startMs, p.name) : null;
    const segs = up ? [] : await this.present(id, req.profile, startMs, endMs);
    // no footage of our own there: the camera's device may have some (played from it)
    const dev = segs.length || up ? null : await deviceWindow(this.device, id, startMs, endMs, req.speed);
    if (!segs.length && !dev && !up)
      throw new NotFoundError(
        `playback: camera ${id} has no ${req.profile} footage from ${iso(startMs)} to ${iso(endMs)} (see its recordings)`,
      );
    if (dev) [startMs, endMs] = [dev.startMs, dev.endMs];
    if (up) [startMs, endMs] = [up.startMs, up.endMs];
    const prof = up ? PEER_PROFILE : dev ? DEVICE_PROFILE : req.profile;
    const psid = randomUUID();
    const token = this.tokens.signPlayback(
      {
        sub: principalKey(p),
        cam: id,
        prof,
        start: startMs,
        end: endMs,
        psid,
        spd: req.speed,
        ...(up ? { rs: up.session } : {}),
      },
      this.o.tokenTtlS,
    );
    await this.audit.append({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: p.departmentId,
      action: 'playback.open',
      targetType: 'camera',
      targetId: id,
      ip,
      detail: {
        session: psid,
        profile: prof,
        from: iso(startMs),
        to: iso(endMs),
        speed: req.speed,
        reason: req.reason ?? null,
        cameraDepartmentId: departmentId,
        ...(ref && up ? { peer: ref.peer, peerSession: up.peerSessionId } : {}),
      },
    });
    const base = `/playback/${token}`;
    return {
      sessionId: psid,
      stream: `${base}/stream.mp4`,
      map: `${base}/map`,
      hls: `${base}/index.m3u8`,
      start: iso(startMs),
      windowEnd: iso(endMs),
      firstSegmentStart: iso(up?.firstMs ?? segs[0]?.startMs ?? startMs),
      speed: req.speed,
      expiresAt: iso(Date.now() + this.o.tokenTtlS * 1000),
    };
  }

  /** The end of a session asked to start at `startMs`: its `end` when given (checked), else the full window. */
  private endOf(req: PlaybackRequest, startMs: number): number {
    const full = startMs + this.o.windowS * 1000;
    if (req.end === undefined) return full;
    const endMs = parseInstant(req.end, 'body.end');
    if (endMs <= startMs || endMs > full)
      throw new ValidationError(
        `playback: body.end ${req.end} must lie after body.start and at most ${this.o.windowS} s after it`,
        [{ path: 'body.end', message: `after start, at most ${this.o.windowS} s after it` }],
      );
    return endMs;
  }

  /** Present segments of a camera's profile overlapping [fromMs, toMs), oldest first. */
  async present(cameraId: string, profile: 'main' | 'sub', fromMs: number, toMs: number): Promise<SegmentRecord[]> {
    return (await this.repo.segments(cameraId, fromMs, toMs, profile)).filter((s) => !s.missing);
  }

  /** The absolute file of an indexed segment: only under a configured volume, only a segment name. */
  fileOf(seg: SegmentRecord): string {
    if (!this.o.volumes.includes(seg.volume)) throw new NotFoundError(`recording: segment ${seg.id} is on no volume`);
    return resolveSegmentPath(seg.volume, seg.path);
  }

  /** The session's plan (read from the segment files once per token, kept a few minutes). */
  async plan(g: PlaybackGrant): Promise<{ plan: PlaybackPlan; files: string[] }> {
    const key = `${g.claims.psid}/${g.claims.start}`;
    const now = Date.now();
    for (const [k, v] of this.plans) if (now - v.at > 300_000 || this.plans.size > 64) this.plans.delete(k);
    let hit = this.plans.get(key);
    if (!hit) {
      hit = { at: now, plan: this.buildPlan(g) };
      hit.plan.catch(() => this.plans.delete(key));
      this.plans.set(key, hit);
    }
    return hit.plan;
  }

  private async buildPlan(g: PlaybackGrant): Promise<{ plan: PlaybackPlan; files: string[] }> {
    const { cam, prof, start, end } = g.claims;
    if (prof === DEVICE_PROFILE || prof === PEER_PROFILE)
      throw new NotFoundError(`playback: ${prof} footage is served as stream.mp4 only`);
    const inputs: PlannedInput[] = [];
    const files: string[] = [];
    for (const seg of await this.present(cam, prof as 'main' | 'sub', start, end)) {
      const file = this.fileOf(seg);
      // a file unreadable now (removed by retention since, damaged) is one more gap
      const media = await readSegmentMedia(file).catch(() => null);
      if (!media) continue;
      inputs.push({ id: seg.id, startMs: seg.startMs, endMs: seg.endMs, media });
      files.push(file);
    }
    if (!inputs.length) throw new NotFoundError(`playback: the footage of this session is no longer there`);
    return { plan: planPlayback(inputs, start, end, g.claims.spd), files };
  }

  /** The lower platform behind a peer session's camera (NotFound once it is no longer a lower platform's). */
  private async peerRef(g: PlaybackGrant) {
    const ref = g.claims.rs ? await this.peer?.ref(g.claims.cam) : null;
    if (!ref) throw new NotFoundError(`playback: camera ${g.claims.cam} is no longer a lower platform's`);
    return ref;
  }

  async map(g: PlaybackGrant): Promise<PlaybackMap> {
    if (g.claims.prof === DEVICE_PROFILE) return deviceMap(this.device, g.claims);
    if (g.claims.prof === PEER_PROFILE) return peerMap(this.peer!, await this.peerRef(g), g.claims.cam, g.claims.rs!);
    const { plan } = await this.plan(g);
    const gaps: PlaybackMap['gaps'] = [];
    plan.items.forEach((it, i) => {
      if (i > 0 && it.gapBeforeMs > 0)
        gaps.push({
          from: iso(it.wallStartMs - it.gapBeforeMs),
          to: iso(it.wallStartMs),
          atMediaS: it.mediaStartS,
          seconds: it.gapBeforeMs / 1000,
        });
    });
    return {
      camera: g.claims.cam,
      profile: g.claims.prof,
      start: iso(g.claims.start),
      mime: plan.mime,
      segments: plan.items.map((it) => ({
        id: it.segmentId,
        mediaStartS: it.mediaStartS,
        durationS: it.durationS,
        wallStart: iso(it.wallStartMs),
        wallEnd: iso(it.wallEndMs),
        rate: it.rate,
      })),
      keyframesOnly: plan.items.some((it) => it.keyframes),
      gaps,
      end: iso(plan.items.at(-1)!.wallEndMs),
      next: plan.nextMs === null ? null : iso(plan.nextMs),
      endedBy: plan.endedBy,
    };
  }

  /**
   * The session's fMP4 stream: the init, then each segment's fragments re-timed onto one continuous timeline, each
   * segment served as soon as its file is read (the first bytes wait for one file, not the window's). The same plan
   * as the map's (PlanBuilder is planPlayback one segment at a time); a file unreadable now is one more gap.
   * `stillAllowed` runs before each segment (a revoked share or disabled user ends the stream there).
   */
  async *stream(g: PlaybackGrant, stillAllowed: () => Promise<void>): AsyncGenerator<Buffer> {
    const { cam, prof, start, end, spd } = g.claims;
    if (prof === DEVICE_PROFILE) {
      if (!this.device) throw new NotFoundError('playback: device footage is not served here');
      return yield* this.device.stream(g.claims.psid, cam, start, end);
    }
    if (prof === PEER_PROFILE) {
      // access is checked again every few seconds, as between segments of our own footage
      let checked = Date.now();
      for await (const chunk of this.peer!.stream(await this.peerRef(g), g.claims.rs!)) {
        if (Date.now() - checked > 2000) [checked] = [Date.now(), await stillAllowed()];
        yield chunk;
      }
      return;
    }
    const b = new PlanBuilder(start, spd);
    let seq = 1;
    for (const seg of await this.present(cam, prof as 'main' | 'sub', start, end)) {
      const file = this.fileOf(seg);
      const media = await readSegmentMedia(file).catch(() => null);
      if (!media) continue;
      await stillAllowed();
      const item = b.add({ id: seg.id, startMs: seg.startMs, endMs: seg.endMs, media });
      if (!item) return;
      if (b.items.length === 1) yield b.init;
      if (item.keyframes) {
        const vid = media.info.videoTrackId;
        for (const k of item.keyframes)
          yield setSampleDuration(
            retime(media.fragments[k.index]!.data, new Map([[vid, k.delta]]), seq++),
            vid,
            k.ticks,
          );
      } else for (const f of media.fragments.slice(item.from)) yield retime(f.data, item.deltas, seq++);
    }
    if (!b.items.length) throw new NotFoundError(`playback: the footage of this session is no longer there`);
  }
}
