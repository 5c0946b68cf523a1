// Access control service: keeps the share grants in memory and applies the pure policy to them.
import type { OrgRepo } from '../db/org-repo';
import { grantFromShare } from '../db/org-repo';
import { ForbiddenError, NotFoundError } from '../errors';
import {
  actingDepartment,
  can,
  canDo,
  departmentScope,
  inDepartment,
  permits,
  type Action,
  type CameraAction,
  type GlobalAction,
  type PolicyCamera,
  type Principal,
  type ScrapeAuth,
  type ScrapeCaller,
  type ShareGrant,
} from './policy';
import { scrapeDecision } from './policy';
import { auditCameraNameVisible } from './policy';
import { screenRoom, screenRooms } from './policy-wall';
import { visibilityPredicate, visibilitySignature, visibleDepartments, wholeDepartments } from './policy-visibility';
import {
  cameraRooms,
  principalRooms,
  roomScopeOf,
  recordRooms,
  roomsValidUntil,
  scopeRooms,
  type Area,
  type NarrowScope,
} from './policy-rooms';

/** A principal's compiled visibility, valid for one share list until `until` (epoch ms). */
interface Compiled {
  shares: readonly ShareGrant[];
  until: number;
  predicate: (cam: PolicyCamera) => boolean;
  departments: number[] | null;
}

export class AccessControl {
  private shares: ShareGrant[] = [];
  private version = 0;
  /**
   * Visibility compiled per principal object (the auth service hands out one object per session
   * for a while): a busy API asks for it on every spatial query, and building it allocates maps,
   * sets and closures each time.
   */
  private readonly compiled = new WeakMap<Principal, Compiled>();
  private readonly listeners = new Set<(origin: 'local' | 'remote') => void>();

  constructor(private readonly org: OrgRepo) {}

  async start(): Promise<void> {
    await this.reload();
  }

  /** Re-reads every share grant; called after any share change (`remote`: one another cluster node made). */
  async reload(origin: 'local' | 'remote' = 'local'): Promise<void> {
    this.shares = (await this.org.shares()).map(grantFromShare);
    this.version++;
    for (const l of this.listeners) l(origin);
  }

  /** Called after each reload (e.g. to drop cached cluster sets), with its origin. Returns the unsubscribe. */
  onChange(fn: (origin: 'local' | 'remote') => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get sharesVersion(): number {
    return this.version;
  }

  can(p: Principal, action: CameraAction, cam: PolicyCamera, now = new Date()): boolean {
    return can(p, action, cam, this.shares, now);
  }

  /** Departments all of whose cameras p may see (null = all; policy.wholeDepartments). */
  wholeDepartments(p: Principal, now = new Date()): number[] | null {
    return wholeDepartments(p, this.shares, now);
  }

  /** Whether p is shown the name of a camera in the audit rows it reads (policy.auditCameraNameVisible). */
  auditCameraName(p: Principal, cam: PolicyCamera, now = new Date()): boolean {
    return auditCameraNameVisible(p, cam, this.shares, now);
  }

  canDo(p: Principal, action: GlobalAction): boolean {
    return canDo(p, action);
  }

  /** The gate of routes and socket events (policy.permits); p null = no credentials. */
  permits(p: Principal | null, action: Action): boolean {
    return permits(p, action);
  }

  /** May a scrape of /metrics read the node's metrics (policy.scrapeDecision)? A refusal says why. */
  scrape(auth: ScrapeAuth, caller: ScrapeCaller): { allowed: true } | { allowed: false; reason: string } {
    return scrapeDecision(auth, caller);
  }

  /** Whose records a global action reaches for p (policy.departmentScope). */
  departmentScope(p: Principal, action: GlobalAction): 'all' | number | null {
    return departmentScope(p, action);
  }

  /** Whether p may take `action` on department `departmentId`'s records (policy.inDepartment). */
  inDepartment(p: Principal, action: GlobalAction, departmentId: number | null): boolean {
    return inDepartment(p, action, departmentId);
  }

  /** Whether p may see a camera, at `now` (default: the current time). */
  predicate(p: Principal, now?: Date): (cam: PolicyCamera) => boolean {
    return now ? visibilityPredicate(p, this.shares, now) : this.current(p).predicate;
  }

  /** Departments any of whose cameras p may see (null = all); see policy.visibleDepartments. */
  departments(p: Principal, now?: Date): number[] | null {
    return now ? visibleDepartments(p, this.shares, now) : this.current(p).departments;
  }

  /**
   * p's visibility now, from the cache while the share list is the same one and no share has
   * expired since it was compiled (the next expiry ends the entry).
   */
  private current(p: Principal): Compiled {
    const t = Date.now();
    const hit = this.compiled.get(p);
    if (hit && hit.shares === this.shares && t < hit.until) return hit;
    const now = new Date(t);
    let until = Infinity;
    for (const s of this.shares) {
      const end = s.expiresAt?.getTime();
      if (end !== undefined && end > t && end < until) until = end;
    }
    const entry: Compiled = {
      shares: this.shares,
      until,
      predicate: visibilityPredicate(p, this.shares, now),
      departments: visibleDepartments(p, this.shares, now),
    };
    this.compiled.set(p, entry);
    return entry;
  }

  /**
   * The socket rooms p joins to receive events that need camera action `action` (policy-rooms.ts),
   * over the current shares; none when the gate refuses. `areaKey` names p.area as in `cameraRooms`.
   */
  principalRooms(p: Principal, action: CameraAction, areaKey?: string): string[] {
    return this.permits(p, action) ? principalRooms(p, action, this.shares, new Date(), areaKey) : [];
  }

  /** What confines p's camera rooms: its area and the camera scopes narrowing it (policy-rooms roomScopeOf). */
  roomScope(p: Principal): Area | NarrowScope | null {
    return roomScopeOf(p);
  }

  /** The socket rooms an event about `cam` needing `action` goes to (`areas`: connected area scopes by key). */
  cameraRooms(action: CameraAction, cam: PolicyCamera, areas: ReadonlyMap<string, Area | NarrowScope>): string[] {
    return cameraRooms(action, cam, this.shares, new Date(), areas);
  }

  /** The socket rooms p joins for the records of global action `action` (by departmentScope). */
  scopeRooms(p: Principal, action: GlobalAction): string[] {
    return scopeRooms(action, this.departmentScope(p, action));
  }

  /** The socket rooms an event about department `departmentId`'s records of `action` goes to. */
  recordRooms(action: GlobalAction, departmentId: number): string[] {
    return recordRooms(action, departmentId);
  }

  /** The socket rooms p joins as a wall screen (policy-wall.ts; [] for anyone else). */
  screenRooms(p: Principal): string[] {
    return screenRooms(p);
  }

  /** The socket room of wall screen `screenId`. */
  screenRoom(screenId: number): string {
    return screenRoom(screenId);
  }

  /** Epoch ms until which rooms computed now stay right unless the shares change (the next expiry). */
  roomsValidUntil(): number {
    return roomsValidUntil(this.shares, new Date());
  }

  signature(p: Principal, now = new Date()): string {
    return visibilitySignature(p, this.shares, now);
  }

  /** Throws NotFound when the camera is invisible to p (existence is not revealed), Forbidden when visible but not allowed. */
  assertCamera(p: Principal, action: CameraAction, cam: PolicyCamera | null, id: string): asserts cam is PolicyCamera {
    if (!cam || (!this.can(p, 'view', cam) && !(action !== 'view' && this.can(p, action, cam))))
      throw new NotFoundError(`camera ${id} not found`);
    if (!this.can(p, action, cam)) throw new ForbiddenError(`auth: ${p.role} ${p.name} may not ${action} camera ${id}`);
  }

  assertDo(p: Principal, action: GlobalAction): void {
    if (!canDo(p, action)) throw new ForbiddenError(`auth: role ${p.role} may not ${action}`);
  }

  /** The department a principal acts for (policy.actingDepartment); Forbidden when refused. */
  actingDepartment(p: Principal, requested: number | undefined | null): number {
    const r = actingDepartment(p, requested);
    if ('refused' in r) throw new ForbiddenError(`auth: ${r.refused}`);
    return r.departmentId;
  }
}
