// /auth: login, refresh, logout, me.
import { z } from 'zod';
import { loginRequest, loginResponse, refreshRequest, user } from '../../contract';
import type { AuthService } from '../../auth/auth-service';
import { publicUser } from '../../db/accounts-repo';
import { AuthenticationError } from '../../errors';
import type { ApiRouter } from '../api-router';

export function registerAuthRoutes(api: ApiRouter, auth: AuthService): void {
  api.add({
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    action: 'sign-in',
    summary: 'Log in with user name and password; returns a short-lived access JWT and a refresh token',
    body: loginRequest,
    response: loginResponse,
    handler: async ({ body, ip }) => {
      const r = await auth.login(body.username, body.password, ip);
      return {
        accessToken: r.accessToken,
        refreshToken: r.refreshToken,
        expiresIn: r.expiresIn,
        user: publicUser(r.user),
      };
    },
  });
  api.add({
    method: 'post',
    path: '/auth/refresh',
    tag: 'auth',
    action: 'sign-in',
    summary: 'Exchange a refresh token for a new token pair (the old refresh token stops working)',
    body: refreshRequest,
    response: loginResponse,
    handler: async ({ body }) => {
      const r = await auth.refresh(body.refreshToken);
      return {
        accessToken: r.accessToken,
        refreshToken: r.refreshToken,
        expiresIn: r.expiresIn,
        user: publicUser(r.user),
      };
    },
  });
  api.add({
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    action: 'session',
    summary: 'Revoke the current session (its access and refresh tokens)',
    handler: async ({ principal, sessionId, ip }) => {
      if (principal.kind !== 'user' || !sessionId) throw new AuthenticationError('auth: logout needs a user session');
      await auth.logout(principal, sessionId, ip);
      return undefined;
    },
  });
  api.add({
    method: 'get',
    path: '/auth/me',
    tag: 'auth',
    action: 'session',
    summary: 'The calling principal',
    response: z.object({
      kind: z.enum(['user', 'apikey']),
      id: z.number(),
      name: z.string(),
      role: z.string(),
      departmentId: z.number().nullable(),
      hasArea: z.boolean(),
      scopes: z.array(z.string()),
      user: user.optional(),
    }),
    handler: ({ principal }) => ({
      kind: principal.kind,
      id: principal.id,
      name: principal.name,
      role: principal.role,
      departmentId: principal.departmentId,
      hasArea: principal.area !== null,
      scopes: principal.scopes,
    }),
  });
}
