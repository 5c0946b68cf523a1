// The player-only bundle (/sdk/cloudeye-player.js, global CloudEyePlayer; and .mjs): <cloudeye-player> for pages that
// show video without the map: no Leaflet, no map styles, so the first frame comes sooner. The full bundle is cloudeye.js.
import { CloudEyeError } from './connection';
import { CloudEyePlayerElement, definePlayerElement } from './player-element';

export { CloudEyeError, CloudEyePlayerElement };
export type { EventMap, EventName } from './connection';
export const version = '0.1.0';

definePlayerElement();
