// Audit of refused stream requests (HLS, WebSocket, replay): once per token, once a minute per address for bad tokens.
import type { AuditRepo } from '../db/audit-repo';
import type { StreamClaims } from '../auth/tokens';
import { TranscoderCapacityError, TranscoderInputError } from '../../transcoder/errors';
import { AddressPolicyError, AuthenticationError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { PrincipalResolver } from './stream-service';

/** Most remembered refusals; the memory is dropped whole beyond (a flood of garbage tokens). */
const MAX_REMEMBERED = 10_000;

export class RefusalAudit {
  /** Refused requests already audited: token (or address|camera|cause) → when. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly audit: AuditRepo,
    private readonly principals: PrincipalResolver,
  ) {}

  /**
   * Audits a refused playlist/segment/WebSocket request once per token (a player retries every
   * second), and once a minute per address, camera and cause for tokens that do not verify (anyone
   * can send those). `transport` says which door was knocked on.
   */
  async record(
    token: string,
    claims: StreamClaims | null,
    key: string,
    ip: string,
    err: Error,
    transport: 'hls' | 'ws' | 'replay',
  ): Promise<void> {
    const refusedBy =
      err instanceof AuthenticationError || err.message.startsWith('stream: token') ? 'token' : 'policy';
    const cameraId = key.split('.')[0] ?? key;
    const dedupe = claims ? `t|${transport}|${token}` : `a|${ip}|${cameraId}|${refusedBy}`;
    const now = Date.now();
    const last = this.seen.get(dedupe);
    if (last !== undefined && (claims || now - last < 60_000)) return;
    if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
    this.seen.set(dedupe, now);
    const m = claims ? /^([uk]):(\d+)$/.exec(claims.sub) : null;
    const name = m ? ((await this.principals.resolve(claims!.sub).catch(() => null))?.name ?? claims!.sub) : '';
    const kind = m?.[1] === 'u' ? ('user' as const) : ('apikey' as const);
    const who = m ? { actorType: kind, actorId: m[2]!, actorName: name } : { actorType: 'anonymous' as const };
    const detail = {
      profile: key.split('.')[1] ?? null,
      refusedBy,
      reason: err.message,
      transport,
      ...(claims ? { session: claims.ssid } : {}),
    };
    await this.audit
      .append({
        ...who,
        action: 'stream.open',
        targetType: 'camera',
        targetId: cameraId,
        outcome: 'denied',
        ip,
        detail,
      })
      .catch(() => undefined);
  }
}

/** A refusal worth auditing on the token-carrying routes: who you are, what you may see, what exists. */
export function isTokenRefusal(err: unknown): err is Error {
  return err instanceof AuthenticationError || err instanceof ForbiddenError || err instanceof NotFoundError;
}

/**
 * Why a stream call was refused, for the audit: 'policy' (camera invisible or not allowed),
 * 'reason-required' (the department wants a reason), 'capacity' (node full), 'address' (the source
 * URI was refused at play time); null for anything else (bad input, camera failure, bugs).
 */
export function refusalOf(err: unknown): 'policy' | 'reason-required' | 'capacity' | 'address' | null {
  if (err instanceof ForbiddenError || err instanceof NotFoundError) return 'policy';
  if (err instanceof ValidationError && err.issues.some((i) => i.path === 'body.reason')) return 'reason-required';
  if (err instanceof TranscoderCapacityError) return 'capacity';
  if (err instanceof TranscoderInputError || err instanceof AddressPolicyError) return 'address';
  return null;
}
