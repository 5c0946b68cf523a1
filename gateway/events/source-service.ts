// Event sources and points of the departments: registration (secrets sealed), the webhook entry, and the point index.
import { randomBytes } from 'node:crypto';
import type { CredentialBox } from '../auth/secrets';
import { sourcePrincipal, type GlobalAction, type Principal } from '../auth/policy';
import { NotFoundError, ValidationError } from '../errors';
import type { EventPointRecord, EventSourceRecord, EventSourcesRepo, SourceKind } from '../db/event-sources-repo';
import type { EventIngest, IngestResult, Sender } from './event-ingest';
import { WebhookAuthError } from './errors';
import { adapt, type SourceFormat } from './vendor-adapters';
import { verifyWebhook } from './webhook-signature';

/** The policy as this service asks it. */
export interface SourceAccess {
  departmentScope(p: Principal, action: GlobalAction): 'all' | number | null;
  actingDepartment(p: Principal, requested: number | undefined | null): number;
}

export interface SourceInput {
  name: string;
  kind: SourceKind;
  format: SourceFormat;
  departmentId?: number | undefined;
  settings: Record<string, unknown>;
  credentials?: { username: string; password: string } | undefined;
}

/** A source as the API shows it: never its secret or credentials. */
export type PublicSource = Omit<EventSourceRecord, 'secretEnc' | 'credentialsEnc'> & { hasCredentials: boolean };
export const publicSource = ({ secretEnc: _s, credentialsEnc, ...rest }: EventSourceRecord): PublicSource => ({
  ...rest,
  hasCredentials: credentialsEnc !== null,
});

export class SourceService {
  private points = new Map<string, EventPointRecord[]>();
  private pointIds = new Map<number, EventPointRecord>();
  private readonly cache = new Map<number, { rec: EventSourceRecord; secret: string | null; sender: Sender }>();
  private readonly listeners = new Set<(s: EventSourceRecord, removed: boolean) => void>();

  constructor(
    private readonly repo: EventSourcesRepo,
    private readonly box: CredentialBox,
    private readonly access: SourceAccess,
    private readonly ingest: EventIngest,
    private readonly opts: { webhookWindowS: number },
  ) {}

  async start(): Promise<void> {
    await this.reloadPoints();
  }

  /** Sources added or removed (the MQTT and ONVIF subscribers follow them). */
  onChange(fn: (s: EventSourceRecord, removed: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  pointsByCode(code: string): EventPointRecord[] {
    return this.points.get(code) ?? [];
  }

  /** A registered point by its id; undefined when there is none (removed). */
  pointById(id: number): EventPointRecord | undefined {
    return this.pointIds.get(id);
  }

  private async reloadPoints(): Promise<void> {
    const next = new Map<string, EventPointRecord[]>();
    const ids = new Map<number, EventPointRecord>();
    for (const p of await this.repo.points()) {
      next.set(p.code, [...(next.get(p.code) ?? []), p]);
      ids.set(p.id, p);
    }
    this.points = next;
    this.pointIds = ids;
  }

  /** The sender a source's events are stored and checked as. */
  sender(s: EventSourceRecord): Sender {
    return { sourceId: s.id, name: `source:${s.name}`, departmentId: s.departmentId, principal: sourcePrincipal(s) };
  }

  private scope(p: Principal): number[] | null {
    const scope = this.access.departmentScope(p, 'event-source-manage');
    return scope === 'all' ? null : scope === null ? [] : [scope];
  }

  /** Registers a source; a webhook source gets a new secret, returned here once and stored sealed. */
  async create(p: Principal, input: SourceInput): Promise<{ source: PublicSource; secret?: string }> {
    const departmentId = this.access.actingDepartment(p, input.departmentId);
    const secret = input.kind === 'webhook' ? randomBytes(32).toString('base64url') : undefined;
    const rec = await this.repo.createSource({
      departmentId,
      name: input.name,
      kind: input.kind,
      format: input.format,
      secretEnc: secret ? this.box.seal(secret) : null,
      settings: input.settings,
      credentialsEnc: this.box.sealCredentials(input.credentials),
      enabled: true,
    });
    for (const fn of this.listeners) fn(rec, false);
    return { source: publicSource(rec), ...(secret ? { secret } : {}) };
  }

  async list(p: Principal): Promise<PublicSource[]> {
    return (await this.repo.sources(this.scope(p))).map(publicSource);
  }

  /** A source's broker credentials, opened. */
  credentialsOf(rec: EventSourceRecord): { username: string; password: string } | null {
    return this.box.openCredentials(rec.credentialsEnc);
  }

  /** Every source of a kind with its credentials opened (the subscribers' wiring). */
  async running(
    kind: SourceKind,
  ): Promise<Array<{ rec: EventSourceRecord; credentials: { username: string; password: string } | null }>> {
    return (await this.repo.sources(null, kind))
      .filter((s) => s.enabled)
      .map((rec) => ({ rec, credentials: this.credentialsOf(rec) }));
  }

  async remove(p: Principal, id: number): Promise<void> {
    const rec = await this.repo.source(id);
    const scope = this.scope(p);
    if (!rec || (scope && !scope.includes(rec.departmentId))) throw new NotFoundError(`events: no source ${id}`);
    await this.repo.deleteSource(id);
    this.cache.delete(id);
    for (const fn of this.listeners) fn(rec, true);
  }

  async createPoint(
    p: Principal,
    input: Omit<EventPointRecord, 'id' | 'departmentId'> & { departmentId?: number | undefined },
  ): Promise<EventPointRecord> {
    const departmentId = this.access.actingDepartment(p, input.departmentId);
    if (this.pointsByCode(input.code).some((x) => x.departmentId === departmentId))
      throw new ValidationError(
        `events: point code ${JSON.stringify(input.code)} exists in department ${departmentId}`,
        [{ path: 'body.code', message: 'already registered' }],
      );
    const rec = await this.repo.createPoint({ ...input, departmentId });
    await this.reloadPoints();
    return rec;
  }

  async listPoints(p: Principal): Promise<EventPointRecord[]> {
    return this.repo.points(this.scope(p));
  }

  /**
   * One webhook call: the source must exist, be a webhook source and be enabled (else WebhookAuthError,
   * 401: an unknown id is not told apart from a bad signature), the signature and timestamp must check,
   * then the body is adapted by the source's format and ingested. `eventId` keys a single-event body.
   */
  async webhook(
    sourceId: number,
    h: { signature: string | undefined; timestamp: string | undefined; eventId: string | undefined },
    body: Buffer,
  ): Promise<IngestResult[]> {
    const s = await this.webhookSource(sourceId);
    verifyWebhook(s.secret!, h, body, { windowS: this.opts.webhookWindowS });
    if (h.eventId !== undefined && !/^[\x21-\x7e]{1,128}$/.test(h.eventId))
      throw new ValidationError('events: X-Cloudeye-Event-Id must be 1 to 128 printable ASCII characters', [
        { path: 'headers.x-cloudeye-event-id', message: 'printable ASCII without spaces, at most 128' },
      ]);
    const settings = s.rec.settings as { point?: string; cameraId?: string; utcOffsetMinutes?: number };
    const inputs = adapt(s.rec.format as SourceFormat, body, settings);
    if (!inputs.length)
      throw new ValidationError('events: the body holds no event', [{ path: 'body', message: 'no event' }]);
    return this.ingest.ingest(s.sender, inputs, { defaultKey: h.eventId, deviceClock: s.rec.format !== 'cloudeye' });
  }

  private async webhookSource(id: number): Promise<{ rec: EventSourceRecord; secret: string | null; sender: Sender }> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const rec = await this.repo.source(id);
    if (!rec || rec.kind !== 'webhook' || !rec.enabled || !rec.secretEnc)
      throw new WebhookAuthError(`events: source ${id} is not an enabled webhook source`);
    const entry = { rec, secret: this.box.open(rec.secretEnc), sender: this.sender(rec) };
    this.cache.set(id, entry);
    return entry;
  }

  /** For the API's legacy per-camera events: a caller posting as itself. */
  static callerSender(p: Principal): Sender {
    return {
      sourceId: null,
      name: p.kind === 'apikey' ? p.name : `user:${p.name}`,
      departmentId: p.departmentId,
      principal: p,
    };
  }
}
