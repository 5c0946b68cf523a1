// HTTP authentication: Bearer access token or screen token, or X-API-Key header → Principal (and the token's session).
import type { IncomingMessage } from 'node:http';
import { AuthenticationError } from '../errors';
import type { AuthService } from './auth-service';
import type { Principal } from './policy';
import { isScreenToken } from '../wall/screen-credentials';

const BEARER = /^Bearer\s+(\S+)$/i;

export class RequestAuthenticator {
  constructor(private readonly auth: AuthService) {}

  /** null when the request carries no credentials; throws AuthenticationError for bad ones. */
  async authenticate(req: IncomingMessage): Promise<{ principal: Principal; sessionId: string | null } | null> {
    const key = req.headers['x-api-key'];
    if (typeof key === 'string' && key) return { principal: await this.auth.fromApiKey(key), sessionId: null };
    const h = req.headers.authorization;
    if (!h) return null;
    const m = BEARER.exec(h);
    if (!m) throw new AuthenticationError('auth: Authorization header must be "Bearer <token>"');
    if (isScreenToken(m[1]!)) return { principal: await this.auth.fromScreenToken(m[1]!), sessionId: null };
    const { principal, sid } = await this.auth.fromAccessToken(m[1]!);
    return { principal, sessionId: sid };
  }
}
