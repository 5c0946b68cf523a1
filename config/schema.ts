// Config schema: the typed shape of config/default.yaml, validated with zod.
import { z } from 'zod';
import { baseLayersSchema } from './base-layers-schema';
import { cascadeSchema } from './cascade-schema';

const port = z.number().int().min(0).max(65535);
const positive = z.number().positive();
const posInt = z.number().int().positive();

const configShape = z.strictObject({
  server: z.strictObject({
    host: z.string().min(1),
    port,
    publicUrl: z.string(),
    corsOrigins: z.array(z.string()),
    bodyLimitBytes: posInt,
    importLimitBytes: posInt,
    nodeName: z.string().regex(/^[A-Za-z0-9._-]{0,63}$/, 'must be letters, digits, ".", "_" or "-" (at most 63)'),
  }),
  database: z.strictObject({
    url: z.string(),
    poolMin: z.number().int().min(0),
    // a reader holding a cursor (the camera index load, grid reassignment) writes on a second connection
    poolMax: z.number().int().min(2, 'must be at least 2'),
    embedded: z.strictObject({ dataDir: z.string().min(1), port }),
  }),
  security: z.strictObject({
    secretKeyFile: z.string().min(1),
    secretKey: z.string().regex(/^([0-9a-fA-F]{64})?$/, 'must be empty or 64 hex characters'),
    jwtIssuer: z.string().min(1),
    accessTokenTtlS: posInt,
    refreshTokenTtlS: posInt,
    streamTokenTtlS: posInt,
    loginMaxPerUser: posInt,
    loginMaxPerIp: posInt,
    loginSlowPerUser: posInt,
    loginSlowDelayMs: z.number().int().min(0).max(60_000),
    loginWindowS: posInt,
    cameraAddressExceptions: z
      .array(
        z
          .string()
          .regex(
            /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[A-Za-z0-9.-]+:\d{1,5})$/,
            'must be "a.b.c.d/nn", "a.b.c.d" or "host:port"',
          ),
      )
      .max(256),
    allowedOrigins: z
      .array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be an origin: "http(s)://host[:port]"'))
      .max(64),
  }),
  transcoder: z.strictObject({
    ffmpegPath: z.string().min(1),
    hlsDir: z.string().min(1),
    idleTimeoutS: positive,
    maxWorkers: posInt,
    maxTranscodes: z.number().int().min(0),
    segmentSeconds: positive,
    partSeconds: positive,
    listSize: posInt,
    stallTimeoutS: positive,
    rtspTimeoutS: positive,
    backoffInitialMs: posInt,
    backoffMaxMs: posInt,
    failuresBeforeOffline: posInt,
    killGraceMs: posInt,
    maxHeight: z.number().int().min(144).max(4320),
    audio: z.enum(['aac-or-drop', 'drop', 'transcode']),
    pullEngine: z.enum(['native', 'ffmpeg']),
    grabTimeoutS: positive,
    maxGrabs: posInt,
    hub: z.strictObject({
      skipAboveBytes: posInt,
      closeAfterMs: posInt,
      maxGopBytes: posInt,
      replaySeconds: positive,
      maxReplayBytes: posInt,
    }),
  }),
  discovery: z.strictObject({
    probeRepeats: z.number().int().min(1).max(10),
    probeWaitMs: posInt,
    sweepConcurrency: posInt,
    maxSweepPrefix: z.number().int().min(8).max(32),
    requestTimeoutMs: posInt,
    maxResponseBytes: posInt,
  }),
  ptz: z.strictObject({
    priorities: z.strictObject(
      Object.fromEntries(
        (['admin', 'operator', 'viewer', 'auditor', 'integrator'] as const).map((r) => [
          r,
          z.number().int().min(0).max(32000),
        ]),
      ) as Record<'admin' | 'operator' | 'viewer' | 'auditor' | 'integrator', z.ZodNumber>,
    ),
    lapseS: z.number().int().min(5).max(3600),
    moveTimeoutS: z.number().int().min(1).max(60),
  }),
  gb28181: z.strictObject({
    enabled: z.boolean(),
    id: z.string().regex(/^\d{20}$/, 'must be 20 digits'),
    realm: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
    host: z.string().min(1),
    udpPort: port,
    tcpPort: port,
    password: z.string().max(128),
    devicePasswords: z.record(z.string().regex(/^\d{20}$/, 'device ids must be 20 digits'), z.string().min(1).max(128)),
    keepaliveIntervalS: z.number().int().min(1).max(3600),
    keepaliveMisses: z.number().int().min(1).max(100),
    mediaPorts: z.tuple([z.number().int().min(1024).max(65535), z.number().int().min(1024).max(65535)]),
    mediaTimeoutS: z.number().min(1).max(120),
    mediaTransport: z.enum(['udp', 'tcp-passive', 'tcp-active']),
    deviceUtcOffsetMin: z.number().int().min(-720).max(840),
    coordinates: z.enum(['WGS-84', 'GCJ-02']),
    defaultDepartment: z.string().max(64),
    civilCodes: z.record(z.string().regex(/^\d{2,8}$/, 'civil codes must be 2–8 digits'), z.string().min(1).max(64)),
    upstream: z.strictObject({
      enabled: z.boolean(),
      superiorId: z.string().regex(/^\d{20}$/, 'must be 20 digits'),
      superiorDomain: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
      superiorHost: z.string().min(1),
      superiorPort: z.number().int().min(1).max(65535),
      transport: z.enum(['udp', 'tcp']),
      password: z.string().max(128),
      localId: z.string().regex(/^\d{20}$/, 'must be 20 digits'),
      localHost: z.string().min(1),
      registerExpiresS: z.number().int().min(60).max(86400),
      keepaliveS: z.number().int().min(1).max(3600),
      shareCameras: z.array(z.string().regex(/^\d{1,18}$/, 'camera ids')).max(100000),
      shareTags: z.array(z.string().min(1).max(64)).max(100),
      ptzAs: z.string().max(64),
      playbackAs: z.string().max(64),
      h265: z.boolean(),
    }),
  }),
  health: z.strictObject({
    enabled: z.boolean(),
    intervalS: positive,
    jitter: z.number().min(0).max(0.9),
    concurrency: posInt,
    timeoutMs: posInt,
  }),
  recording: z.strictObject({
    enabled: z.boolean(),
    volumes: z
      .array(z.strictObject({ path: z.string().min(1), quotaBytes: z.number().int().min(0) }))
      .min(1)
      .max(64),
    reserveBytes: z.number().int().min(0),
    lowWater: z.number().min(0.5).max(1),
    segmentSeconds: z.number().min(1).max(600),
    retentionDays: posInt,
    eventRetentionDays: posInt,
    retentionIntervalS: positive,
    planIntervalS: positive,
    retryS: positive,
    spanGapMs: z.number().int().min(1000).max(60_000),
    maxRangeDays: posInt,
    defaultPlan: z.strictObject({
      mode: z.enum(['off', 'continuous', 'event']),
      profile: z.enum(['main', 'sub']),
      preRollS: z.number().int().min(0).max(300),
      postRollS: z.number().int().min(0).max(3600),
    }),
    playback: z.strictObject({
      windowS: z.number().int().min(30).max(86_400),
      tokenTtlS: z.number().int().min(60).max(86_400),
      maxSpanDays: z.number().int().min(1).max(400),
    }),
    export: z.strictObject({
      keepDays: z.number().int().min(1).max(3650),
      maxRangeS: z
        .number()
        .int()
        .min(1)
        .max(7 * 86_400),
      maxCameras: z.number().int().min(1).max(256),
      concurrency: z.number().int().min(1).max(16),
      linkTtlS: z
        .number()
        .int()
        .min(60)
        .max(7 * 86_400),
    }),
  }),
  gis: z.strictObject({
    defaultRangeM: positive,
    maxRadiusM: positive,
    maxResults: posInt,
  }),
  map: z.strictObject({
    center: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
    zoom: z.number().int().min(1).max(22),
    baseLayers: baseLayersSchema,
  }),
  events: z.strictObject({
    retentionDays: z.number().int().min(1).max(3650),
    partitionsAheadDays: z.number().int().min(1).max(60),
    maintenanceIntervalS: posInt,
    maxFutureS: z.number().int().min(0).max(86_400),
    keysRetentionDays: z.number().int().min(1).max(365),
    webhook: z.strictObject({ windowS: z.number().int().min(10).max(3600), maxBodyBytes: posInt }),
    queue: z.strictObject({
      maxEvents: posInt,
      batchSize: z.number().int().min(1).max(5000),
      retryAfterS: posInt,
      writers: z.number().int().min(1).max(16),
    }),
    mqtt: z.strictObject({ reconnectMs: posInt }),
    onvif: z.strictObject({
      terminationS: z.number().int().min(10).max(3600),
      pullWaitS: z.number().int().min(1).max(60),
      timeoutMs: posInt,
      backoffMs: z.tuple([posInt, posInt]),
    }),
    alarms: z.strictObject({ sweepIntervalMs: z.number().int().min(50).max(600_000) }),
    video: z.strictObject({
      preS: z.number().int().min(0).max(600),
      postS: z.number().int().min(1).max(600),
      cameraCount: z.number().int().min(1).max(16),
      radiusM: z.number().min(1).max(10_000),
      trackMaxDays: z.number().int().min(1).max(366),
      trackMaxPoints: z.number().int().min(1).max(5000),
    }),
  }),
  log: z.strictObject({
    level: z.enum(['debug', 'info', 'warn', 'error']),
    format: z.enum(['auto', 'json', 'text']),
    requests: z.boolean(),
  }),
  metrics: z.strictObject({
    enabled: z.boolean(),
    auth: z.enum(['bearer', 'basic', 'none']),
    token: z.string().refine((t) => t === '' || t.length >= 16, 'must be empty or at least 16 characters'),
    username: z.string().regex(/^[^:]{0,128}$/, 'must have no ":" and at most 128 characters'),
    password: z.string().max(256),
  }),
  probes: z.strictObject({
    databaseTimeoutMs: z.number().int().min(100).max(60_000),
    maxLoopLagMs: z.number().int().min(100).max(600_000),
    livenessWindowS: z.number().int().min(1).max(3600),
    // the launcher (cli/launch.ts) kills a child still running 9 s after the first signal
    drainS: z.number().min(0).max(5),
  }),
  cluster: z.strictObject({
    enabled: z.boolean(),
    advertisedAddress: z.string().regex(/^(https?:\/\/[^\s/]+)?$/, 'must be empty or "http(s)://host[:port]"'),
    heartbeatMs: z.number().int().min(50).max(60_000),
    ttlMs: z.number().int().min(200).max(600_000),
    fenceMarginMs: z.number().int().min(10).max(60_000),
  }),
  cascade: cascadeSchema,
});

export const configSchema = configShape.superRefine((c, ctx) => {
  // a lease must survive one lost heartbeat, and the fence must fall before it can expire
  const { heartbeatMs, ttlMs, fenceMarginMs } = c.cluster;
  if (heartbeatMs * 2 > ttlMs - fenceMarginMs)
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'ttlMs'],
      message: `must be at least 2 × heartbeatMs + fenceMarginMs (${heartbeatMs * 2 + fenceMarginMs})`,
    });
  const [first, last] = c.gb28181.mediaPorts;
  if (first > last)
    ctx.addIssue({
      code: 'custom',
      path: ['gb28181', 'mediaPorts'],
      message: `first port ${first} is above last ${last}`,
    });
  // an event's clip is one playback session: it must fit a session's window
  const { preS, postS } = c.events.video;
  if (preS + postS > c.recording.playback.windowS)
    ctx.addIssue({
      code: 'custom',
      path: ['events', 'video', 'postS'],
      message: `preS + postS (${preS + postS} s) must fit recording.playback.windowS (${c.recording.playback.windowS} s)`,
    });
});

export type Config = z.infer<typeof configSchema>;
export type { BaseLayerConfig } from './base-layers-schema';
