// Config schema of the cascade between Cloud Eye platforms: the link up (lower platform) and the peers' port (upper).
import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1–63 of a-z, 0-9 and "-" (starting with a letter or digit)');
const token = z.string().refine((t) => t === '' || t.length >= 16, 'must be empty or at least 16 characters');
const retry = z.number().int().min(50).max(600_000);

/** The lower platform's side: the link it opens to the upper platform and keeps open. */
export const cascadeUpstreamSchema = z.strictObject({
  enabled: z.boolean(),
  url: z.string().regex(/^(wss:\/\/[^\s/]+\/\S*)?$/, 'must be empty or "wss://host[:port]/path"'),
  name: z.union([z.literal(''), name]),
  token,
  cert: z.string(),
  key: z.string(),
  ca: z.string(),
  actAs: z.string().max(128),
  retryMinMs: retry,
  retryMaxMs: retry,
  catalogIntervalS: z.number().min(0.2).max(3600),
});

/** A lower platform the upper one accepts. */
export const cascadePeerSchema = z.strictObject({
  name,
  token: z.string().min(16, 'must be at least 16 characters'),
  /** Code of the department its cameras are registered in. */
  department: z.string().min(1).max(64),
  /** The Common Name its client certificate must carry ('' = any certificate the CA signed). */
  commonName: z.string().max(256),
});

/** The upper platform's side: the TLS port lower platforms connect to, and who they may be. */
export const cascadeServerSchema = z.strictObject({
  enabled: z.boolean(),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  cert: z.string(),
  key: z.string(),
  ca: z.string(),
  requestTimeoutMs: z.number().int().min(100).max(120_000),
  peers: z.array(cascadePeerSchema).max(1000),
});

export const cascadeSchema = z
  .strictObject({ upstream: cascadeUpstreamSchema, server: cascadeServerSchema })
  .superRefine((c, ctx) => {
    const u = c.upstream;
    if (u.enabled)
      for (const k of ['url', 'name', 'token', 'cert', 'key', 'ca', 'actAs'] as const)
        if (!u[k]) ctx.addIssue({ code: 'custom', path: ['upstream', k], message: 'required when upstream.enabled' });
    if (u.retryMinMs > u.retryMaxMs)
      ctx.addIssue({ code: 'custom', path: ['upstream', 'retryMaxMs'], message: 'must be at least retryMinMs' });
    const s = c.server;
    if (s.enabled)
      for (const k of ['cert', 'key', 'ca'] as const)
        if (!s[k]) ctx.addIssue({ code: 'custom', path: ['server', k], message: 'required when server.enabled' });
    const seen = new Set<string>();
    s.peers.forEach((p, i) => {
      if (seen.has(p.name))
        ctx.addIssue({ code: 'custom', path: ['server', 'peers', i, 'name'], message: `${p.name} is listed twice` });
      seen.add(p.name);
    });
  });

export type CascadeConfig = z.infer<typeof cascadeSchema>;
