// Wiring of the upward GB/T 28181 cascade: Cloud Eye as a lower platform of a superior one, its PTZ commands and its
// recording queries and playback acting as the local accounts the configuration names.
import type { Config } from '../../config/load';
import type { CameraService } from '../cameras/camera-service';
import { buildCascade, type CascadeDeps, type UpstreamFootagePort } from '../gb-platform/cascade';
import { applySuperiorPtz } from '../gb-platform/superior-ptz';
import type { Principal } from '../auth/policy-terms';
import type { PtzService } from '../ptz/ptz-service';
import type { PlaybackService } from '../recordings/playback-service';
import type { CameraDirectory } from '../spatial/camera-directory';
import { ForbiddenError, NotFoundError } from '../errors';
import type { AuthParts } from './auth';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The superior's footage: spans and session windows of the playback service, as `principal` (policy, audit). */
function footagePort(
  playback: PlaybackService,
  principal: () => Promise<Principal>,
  o: { ip: string; windowS: number; superiorId: string },
): UpstreamFootagePort {
  return {
    async spans(cameraId, fromMs, toMs) {
      const r = await playback.spans(await principal(), cameraId, {
        from: iso(fromMs),
        to: iso(toMs),
        profile: 'main',
      });
      return r.spans.map((s) => ({ startMs: Date.parse(s.start), endMs: Date.parse(s.end), kind: s.kind }));
    },
    open: (cameraId) => async (startMs, endMs) => {
      const req = {
        start: iso(startMs),
        end: iso(Math.min(endMs, startMs + o.windowS * 1000)),
        profile: 'main' as const,
        speed: 1 as const,
        reason: `GB/T 28181 superior ${o.superiorId}`,
      };
      const r = await playback.open(await principal(), cameraId, req, o.ip).catch((err: unknown) => {
        if (err instanceof NotFoundError) return null; // no footage left in the range
        throw err;
      });
      const token = r && /^\/playback\/([^/]+)\/stream\.mp4$/.exec(r.stream)?.[1];
      if (!r || !token) return null;
      // access is checked again between segments: a withdrawn right ends the session there
      const again = async (): Promise<void> => void (await playback.access.authorize(token));
      return {
        stream: playback.stream(await playback.access.authorize(token), again),
        windowEndMs: Date.parse(r.windowEnd),
      };
    },
  };
}

/** With `gb28181.upstream` on: Cloud Eye registers as a lower platform with a superior one, stopped at close. */
export async function startGbUpstream(
  config: Config,
  repos: Repositories,
  cameras: CameraService,
  supervisor: CascadeDeps['supervisor'],
  d: { auth: AuthParts; ptz: PtzService; playback: PlaybackService; directory: CameraDirectory },
  closers: Closers,
  log: Log,
): Promise<void> {
  const u = config.gb28181.upstream;
  if (!u.enabled) return;
  const ip = `gb28181:${u.superiorId}`;
  // the superior acts as the local accounts named by ptzAs (PTZ) and playbackAs (recordings)
  const account = (key: 'ptzAs' | 'playbackAs') => async (): Promise<Principal> => {
    const user = u[key] ? await repos.accounts.userByName(u[key]) : null;
    const p = user ? await d.auth.auth.resolve(`u:${user.id}`) : null;
    if (!p)
      throw new ForbiddenError(
        `the account gb28181.upstream.${key} (${JSON.stringify(u[key])}) is not set or not usable`,
      );
    return { ...p, name: `${p.name} (GB/T 28181 superior)` };
  };
  const ptzAs = account('ptzAs');
  const windowS = config.recording.playback.windowS;
  const upstream = buildCascade(config, {
    cameras: () => repos.cameras.all(),
    departments: () => repos.org.departments(),
    service: cameras,
    supervisor,
    ptz: async (cameraId, cmd) => applySuperiorPtz(d.ptz, await ptzAs(), cameraId, cmd, ip),
    ...(u.playbackAs
      ? { footage: footagePort(d.playback, account('playbackAs'), { ip, windowS, superiorId: u.superiorId }) }
      : {}),
    log,
  });
  // a subscribed superior hears of cameras shared, withdrawn, changed, on and off line
  const offs = [
    cameras.onChange(() => upstream.catalogChanged()),
    d.directory.onChange(() => upstream.catalogChanged()),
  ];
  await upstream.start();
  closers.add(async () => {
    for (const off of offs) off();
    await upstream.stop();
  });
}
