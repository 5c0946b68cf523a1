// Express-side authentication: Bearer access token or X-API-Key header → Principal.
import type { Request } from 'express';
import { AuthenticationError } from '../errors';
import type { AuthService } from './auth-service';
import type { Principal } from './policy';

declare module 'express-serve-static-core' {
  interface Request {
    sessionId?: string;
  }
}

export class RequestAuthenticator {
  constructor(private readonly auth: AuthService) {}

  async authenticate(req: Request): Promise<Principal | null> {
    const key = req.headers['x-api-key'];
    if (typeof key === 'string' && key) return this.auth.fromApiKey(key);
    const h = req.headers.authorization;
    if (!h) return null;
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) throw new AuthenticationError('auth: Authorization header must be "Bearer <token>"');
    const { principal, sid } = await this.auth.fromAccessToken(m[1]!);
    req.sessionId = sid;
    return principal;
  }
}
