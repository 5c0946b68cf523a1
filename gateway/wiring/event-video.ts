// Wiring of event → video: the links of events and alarms to their cameras' live and recorded video, and plate tracks.
import type { Config } from '../../config/load';
import { EventVideoLinks } from '../events/event-video';
import { PlateTracks } from '../events/plate-track';
import type { AlarmParts } from './alarms';
import type { AuthParts } from './auth';
import type { EventParts } from './events';
import type { PlaybackParts } from './playback';
import type { SpatialParts } from './spatial';

export function buildEventVideo(
  config: Config,
  auth: AuthParts,
  spatial: SpatialParts,
  events: EventParts,
  playback: PlaybackParts,
  alarms: AlarmParts,
): { links: EventVideoLinks; tracks: PlateTracks } {
  const { access } = auth;
  const v = config.events.video;
  const links = new EventVideoLinks(
    {
      event: (id) => events.repo.get(id),
      camera: (id) => spatial.directory.lookup(id),
      can: (p, action, cam) => access.can(p, action, cam),
      chooser: spatial.spatial,
      hasFootage: async (id, fromMs, toMs) => (await playback.playback.present(id, 'main', fromMs, toMs)).length > 0,
      openPlayback: (p, id, w, ip) =>
        playback.playback.open(p, id, { start: w.start, end: w.end, profile: 'main', speed: 1, reason: w.reason }, ip),
      alarm: (p, id) => alarms.alarms.get(p, id),
    },
    { preS: v.preS, postS: v.postS, cameraCount: v.cameraCount, radiusM: v.radiusM },
  );
  const tracks = new PlateTracks(
    { search: events.search, links, point: (id) => events.sources.pointById(id) },
    { maxDays: v.trackMaxDays, maxPoints: v.trackMaxPoints },
  );
  return { links, tracks };
}
