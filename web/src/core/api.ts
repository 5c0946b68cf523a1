// REST client for /api/v1: bearer token, one refresh on 401, problem+json errors, aborts.
import type { LoginResponse, Problem, Role } from '../../../gateway/contract';

/** The API's address: this page's gateway, or another one an embedded widget talks to (useGateway). */
let BASE = '/api/v1';
const STORE = 'cloudeye.session';

export interface Me {
  kind: 'user' | 'apikey';
  id: number;
  name: string;
  role: Role;
  departmentId: number | null;
  hasArea: boolean;
  scopes: string[];
}

/** A failed API call: the HTTP status, the problem document's title/detail and field errors. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
    readonly retryAfterS: number | null = null,
  ) {
    super(`api: ${status} ${problem.detail ?? problem.title ?? ''}`.trim());
  }
  /** A one-line message for the user, with the first field error. */
  describe(): string {
    const e = this.problem.errors?.[0];
    return [this.problem.detail ?? this.problem.title ?? `HTTP ${this.status}`, e ? `${e.path}: ${e.message}` : '']
      .filter(Boolean)
      .join(' — ');
  }
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

let tokens: Tokens | null = readTokens();
let refreshing: Promise<boolean> | null = null;
const expiredListeners = new Set<() => void>();
const tokenListeners = new Set<(token: string) => void>();

function readTokens(): Tokens | null {
  try {
    const raw = sessionStorage.getItem(STORE);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

function saveTokens(next: Tokens | null): void {
  tokens = next;
  if (next) sessionStorage.setItem(STORE, JSON.stringify(next));
  else sessionStorage.removeItem(STORE);
  if (next) for (const l of tokenListeners) l(next.accessToken);
}

/** Authenticates every request and the realtime socket with a fixed credential (a wall screen's token; not stored). */
export function useFixedToken(token: string | null): void {
  tokens = token ? { accessToken: token, refreshToken: '' } : null;
}

/** An embed token refused (401): no refresh is tried, nothing is stored; the listeners hear why. */
let embedded = false;

/**
 * Talks to the gateway at `origin` (e.g. "https://gw.example") with an embed token: the SDK's widgets on a host
 * page of another origin. A refused token is reported to onSessionExpired's listeners, never refreshed or stored.
 */
export function useGateway(origin: string, embedToken: string): void {
  BASE = `${origin.replace(/\/+$/, '')}/api/v1`;
  tokens = { accessToken: embedToken, refreshToken: '' };
  embedded = true;
}

/** The gateway's origin the API is called on ('' for this page's own). */
export function gatewayOrigin(): string {
  return BASE.slice(0, -'/api/v1'.length);
}

export function accessToken(): string | null {
  return tokens?.accessToken ?? null;
}

/** Called when the session is gone (refresh failed); the app shows the login page. */
export function onSessionExpired(fn: () => void): () => void {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
}

/** Called with each new access token (the realtime socket re-authenticates with it). */
export function onToken(fn: (token: string) => void): () => void {
  tokenListeners.add(fn);
  return () => tokenListeners.delete(fn);
}

async function refresh(): Promise<boolean> {
  if (!tokens) return false;
  refreshing ??= (async () => {
    try {
      const res = await fetch(`${BASE}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: tokens?.refreshToken }),
      });
      if (!res.ok) return false;
      const body = (await res.json()) as LoginResponse;
      saveTokens({ accessToken: body.accessToken, refreshToken: body.refreshToken });
      return true;
    } catch {
      return false;
    } finally {
      setTimeout(() => (refreshing = null), 0);
    }
  })();
  return refreshing;
}

async function toError(res: Response): Promise<ApiError> {
  let problem: Partial<Problem> = { title: res.statusText };
  try {
    problem = (await res.json()) as Problem;
  } catch {
    /* not problem+json */
  }
  const ra = Number(res.headers.get('retry-after'));
  return new ApiError(res.status, problem, Number.isFinite(ra) && ra > 0 ? ra : null);
}

/**
 * A gateway and embed token one embedded widget talks to (web/sdk): given on a call, it is used instead of the page's
 * session, so widgets with different tokens on one page never borrow each other's. Never refreshed or stored.
 */
export interface ApiAuth {
  /** The gateway's origin, e.g. "https://gw.example". */
  origin: string;
  token: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Another gateway's embed token for this call (an SDK widget's), instead of the page's session. */
  auth?: ApiAuth;
  /** Raw body with its content type (CSV import). */
  raw?: { type: string; text: string };
  signal?: AbortSignal;
}

/** Sends an authenticated request; returns the raw Response when ok, throws ApiError otherwise. */
export async function request(
  method: string,
  path: string,
  opts: RequestOptions = {},
  retried = false,
): Promise<Response> {
  const headers: Record<string, string> = {};
  const bearer = opts.auth ? opts.auth.token : tokens?.accessToken;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let body: string | undefined;
  if (opts.raw) {
    headers['content-type'] = opts.raw.type;
    body = opts.raw.text;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const base = opts.auth ? `${opts.auth.origin}/api/v1` : BASE;
  const res = await fetch(base + path, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  // a widget's own token: its refusal is the widget's to show; the page's session is not touched
  if (opts.auth) {
    if (!res.ok) throw await toError(res);
    return res;
  }
  if (res.status === 401 && embedded) {
    const err = await toError(res);
    for (const l of expiredListeners) l();
    throw err;
  }
  if (res.status === 401 && !retried && tokens) {
    if (await refresh()) return request(method, path, opts, true);
    saveTokens(null);
    for (const l of expiredListeners) l();
  }
  if (!res.ok) throw await toError(res);
  return res;
}

/** JSON request; undefined for 204. */
export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Builds a query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export async function login(username: string, password: string): Promise<LoginResponse> {
  const res = await fetch(`${BASE}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw await toError(res);
  const body = (await res.json()) as LoginResponse;
  saveTokens({ accessToken: body.accessToken, refreshToken: body.refreshToken });
  return body;
}

export async function logout(): Promise<void> {
  try {
    if (tokens) await request('POST', '/auth/logout');
  } catch {
    /* the session may already be gone */
  }
  saveTokens(null);
}

export function hasSession(): boolean {
  return tokens !== null;
}
