// HTTP authentication: Bearer access, screen or embed token, or X-API-Key header → Principal (and the token's session).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthenticationError } from '../errors';
import type { AuthService } from './auth-service';
import { isEmbedToken, type EmbedTokens } from './embed-tokens';
import type { Principal } from './policy';
import { isScreenToken } from '../wall/screen-credentials';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The framing rule of an answer to an embed token: only the token's own origins (and the gateway itself)
 * may frame what it shows. Cross-origin reads are allowed by the CORS headers of the listener (http/embed-cors.ts).
 */
export function frameAncestors(origins: readonly string[]): string {
  return `frame-ancestors 'self'${origins.map((o) => ` ${o}`).join('')}`;
}

export class RequestAuthenticator {
  constructor(
    private readonly auth: AuthService,
    private readonly embeds?: EmbedTokens,
  ) {}

  /**
   * null when the request carries no credentials; throws AuthenticationError (or EmbedTokenError) for bad
   * ones. An answer to an embed token (`res` given) is told which origins may frame it.
   */
  async authenticate(
    req: IncomingMessage,
    res?: ServerResponse,
  ): Promise<{ principal: Principal; sessionId: string | null } | null> {
    const key = req.headers['x-api-key'];
    if (typeof key === 'string' && key) return { principal: await this.auth.fromApiKey(key), sessionId: null };
    const h = req.headers.authorization;
    if (!h) return null;
    const m = BEARER.exec(h);
    if (!m) throw new AuthenticationError('auth: Authorization header must be "Bearer <token>"');
    if (isScreenToken(m[1]!)) return { principal: await this.auth.fromScreenToken(m[1]!), sessionId: null };
    if (this.embeds && isEmbedToken(m[1]!)) {
      const principal = await this.embeds.authenticate(m[1]!, req.headers.origin, req.headers.host);
      if (res && !res.headersSent)
        res.setHeader('Content-Security-Policy', frameAncestors(principal.embed?.origins ?? []));
      return { principal, sessionId: null };
    }
    const { principal, sid } = await this.auth.fromAccessToken(m[1]!);
    return { principal, sessionId: sid };
  }
}
