// Wiring of authentication and access: the master key, credential box, tokens, access control, sign-in, embed tokens.
import type { Config } from '../../config/load';
import { CredentialBox, deriveKey, loadMasterKey } from '../auth/secrets';
import { TokenService } from '../auth/tokens';
import { AccessControl } from '../auth/access';
import { AuthService } from '../auth/auth-service';
import { EmbedTokens } from '../auth/embed-tokens';
import { EmbedRepo } from '../db/embed-repo';
import type { Database } from '../db/database';
import type { Repositories } from './storage';
import type { Closers } from './lifecycle';

export interface AuthParts {
  box: CredentialBox;
  tokens: TokenService;
  access: AccessControl;
  auth: AuthService;
  embeds: EmbedTokens;
  /** Key of the client addresses nodes of a cluster vouch for on what they forward (from the shared secret). */
  forwardKey: Buffer;
}

/** Builds and starts access control (shares loaded) and the sign-in service. */
export async function buildAuth(
  config: Config,
  db: Database,
  repos: Repositories,
  closers: Closers,
): Promise<AuthParts> {
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
  // embed tokens: re-checked with their keys; a revoked token or key closes its streams and sockets
  const embeds = new EmbedTokens(new EmbedRepo(db.knex), repos.accounts, repos.audit);
  await embeds.start();
  closers.add(async () => embeds.close());
  auth.useEmbeds(embeds);
  auth.onInvalidate(() => void embeds.invalidate());
  embeds.onRevoke(() => auth.invalidate());
  return { box, tokens, access, auth, embeds, forwardKey: deriveKey(master, 'node-forward') };
}
