// The SDK's own Leaflet: loaded first and taken off `window.L` at once, so a host page's Leaflet (any version) stays its own.
import * as L from 'leaflet';

// Leaflet's UMD build always assigns window.L; noConflict gives the page back whatever it had there
L.noConflict();

export { L };
