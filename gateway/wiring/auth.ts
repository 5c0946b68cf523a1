// Wiring of authentication and access: the master key, credential box, tokens, access control and sign-in.
import type { Config } from '../../config/load';
import { CredentialBox, loadMasterKey } from '../auth/secrets';
import { TokenService } from '../auth/tokens';
import { AccessControl } from '../auth/access';
import { AuthService } from '../auth/auth-service';
import type { Repositories } from './storage';

export interface AuthParts {
  box: CredentialBox;
  tokens: TokenService;
  access: AccessControl;
  auth: AuthService;
}

/** Builds and starts access control (shares loaded) and the sign-in service. */
export async function buildAuth(config: Config, repos: Repositories): Promise<AuthParts> {
  const master = loadMasterKey(config.security);
  const box = new CredentialBox(master);
  const tokens = new TokenService(master, {
    issuer: config.security.jwtIssuer,
    accessTtlS: config.security.accessTokenTtlS,
    streamTtlS: config.security.streamTokenTtlS,
  });
  const access = new AccessControl(repos.org);
  await access.start();
  const auth = new AuthService(repos.accounts, repos.org, repos.audit, tokens, {
    accessTtlS: config.security.accessTokenTtlS,
    refreshTtlS: config.security.refreshTokenTtlS,
    loginMaxPerUser: config.security.loginMaxPerUser,
    loginMaxPerIp: config.security.loginMaxPerIp,
    loginSlowPerUser: config.security.loginSlowPerUser,
    loginSlowDelayMs: config.security.loginSlowDelayMs,
    loginWindowS: config.security.loginWindowS,
  });
  await auth.start();
  return { box, tokens, access, auth };
}
