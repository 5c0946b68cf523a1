// The SDK's own widget rules (player, status line, PTZ pad): all a player needs; the map adds Leaflet's and the console's.
export const OWN = `
:host { display: block; position: relative; min-height: 240px; contain: content; font: 14px/1.4 system-ui, sans-serif; }
.ce-map, .ce-map-canvas, .ce-player { position: absolute; inset: 0; }
.ce-video { width: 100%; height: 100%; background: #000; object-fit: contain; display: block; }
.ce-status { position: absolute; left: 8px; bottom: 8px; z-index: 1000; padding: 2px 8px; border-radius: 4px;
  background: rgba(0, 0, 0, 0.6); color: #fff; font-size: 13px; pointer-events: none; }
.ce-status:empty { display: none; }
.ce-status[data-state='failed'] { background: #b42318; }
.ce-ptz { position: absolute; right: 8px; bottom: 8px; display: grid; grid-template-columns: repeat(3, 28px); gap: 2px; }
.ce-ptz[hidden] { display: none; }
.ce-ptz button { width: 28px; height: 28px; border: 0; border-radius: 4px; background: rgba(0, 0, 0, 0.55); color: #fff; }
.ce-wall { position: absolute; inset: 0; display: grid; gap: 2px; background: #111; }
.ce-wall[data-layout='4'] { grid-template: repeat(2, 1fr) / repeat(2, 1fr); }
.ce-wall[data-layout='9'] { grid-template: repeat(3, 1fr) / repeat(3, 1fr); }
.ce-wall > .ce-player { position: relative; inset: auto; min-width: 0; min-height: 0; }
.ce-wall > .ce-selected { outline: 2px solid #1677ff; outline-offset: -2px; }
`;

/** The player's rules (its own only: a player-only page loads neither Leaflet's nor the console's). */
export function playerCss(_gateway: string): string {
  return OWN;
}
