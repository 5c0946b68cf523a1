// Who may see a camera's footage: the policy for cameras that exist, admins only for a deleted camera's; playback tokens checked.
import { canGoneFootage, principalKey, type PolicyCamera, type Principal } from '../auth/policy';
import { TokenError, type PlaybackClaims, type TokenService } from '../auth/tokens';
import { AuthenticationError, ForbiddenError, NotFoundError } from '../errors';

/** What footage access needs (declared here, STYLE §5; the wiring provides them). */
export interface FootageAccessDeps {
  /** The access policy over the current shares. */
  access: {
    can(p: Principal, action: 'view' | 'playback' | 'export', cam: PolicyCamera): boolean;
    assertCamera(p: Principal, action: 'playback' | 'export', cam: PolicyCamera | null, id: string): void;
  };
  /** A camera as the policy sees it now; undefined when unknown or deleted. */
  lookup(id: string): PolicyCamera | undefined;
  /** The department a camera's newest footage was recorded for; undefined when the index has none of it. */
  recordedDepartment(id: string): Promise<number | null | undefined>;
  /** The current principal behind "u:<id>" / "k:<id>", or null when disabled, revoked or unknown. */
  resolve(sub: string): Promise<Principal | null>;
  tokens: TokenService;
}

/** A playback request that passed every check. */
export interface PlaybackGrant {
  claims: PlaybackClaims;
  principal: Principal;
}

export { principalKey };

export class FootageAccess {
  constructor(private readonly d: FootageAccessDeps) {}

  /**
   * Throws unless `p` may take `action` on camera `id`'s footage: NotFound when p may not see the camera (or its
   * footage, for a deleted camera: admins only), Forbidden when p sees it but may not take the action.
   * Returns the camera's department (null: unknown, for a deleted camera recorded without one).
   */
  async assert(p: Principal, action: 'playback' | 'export', id: string): Promise<number | null> {
    const cam = this.d.lookup(id);
    if (cam) {
      this.d.access.assertCamera(p, action, cam, id);
      return cam.departmentId;
    }
    const dept = await this.d.recordedDepartment(id);
    if (dept === undefined || !canGoneFootage(p, action, dept)) throw new NotFoundError(`camera ${id} not found`);
    return dept;
  }

  /** Whether `p` may still take `action` on camera `id`'s footage (no exception). */
  async allows(p: Principal, action: 'playback' | 'export', id: string): Promise<boolean> {
    const cam = this.d.lookup(id);
    if (cam) return this.d.access.can(p, action, cam);
    const dept = await this.d.recordedDepartment(id);
    return dept !== undefined && canGoneFootage(p, action, dept);
  }

  /**
   * Checks a playback token and re-checks, on every request, that its principal still exists and may still play
   * the camera back (a revoked share or a disabled user ends playback): 401 for a bad or expired token or a
   * principal gone, 403 when access was withdrawn.
   */
  async authorize(token: string): Promise<PlaybackGrant> {
    let claims: PlaybackClaims;
    try {
      claims = this.d.tokens.verifyPlayback(token);
    } catch (err) {
      throw new AuthenticationError(err instanceof TokenError ? err.message : 'playback: token rejected');
    }
    const principal = await this.d.resolve(claims.sub);
    if (!principal) throw new AuthenticationError('playback: the principal of this token is disabled or gone');
    if (!(await this.allows(principal, 'playback', claims.cam)))
      throw new ForbiddenError('playback: access to this camera was withdrawn');
    return { claims, principal };
  }
}
