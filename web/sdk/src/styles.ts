// The widgets' styles, scoped to their shadow roots: the map's are Leaflet's and the console's (its page rules match
// nothing there) and the SDK's own (player-styles.ts).
import leafletCss from 'leaflet/dist/leaflet.css';
import consoleCss from '../../static/app.css';
import { OWN } from './player-styles';

let cached = '';

/** Every rule the map needs, with Leaflet's images taken from `gateway` and the console's :root read as :host. */
export function mapCss(gateway: string): string {
  cached ||=
    leafletCss.replace(/url\(images\//g, `url(${gateway}/leaflet/images/`) +
    consoleCss.replace(/:root/g, ':host') +
    OWN;
  return cached;
}
