// The console's PTZ calls of one camera (moves, centre, presets, patrols, control), as the gateway's API names them.
import { api } from '../core/api';

/** Speeds or offsets per axis, -1..1. */
export interface PtzAxes {
  pan?: number;
  tilt?: number;
  zoom?: number;
}

/** A preset as the gateway lists it (ONVIF token and name). */
export interface Preset {
  token: string;
  name: string;
}

export interface Patrol {
  id: number;
  cameraId: string;
  name: string;
  steps: Array<{ preset: string; dwellS: number }>;
  runningSince: string | null;
}

export const ptzPath = (cameraId: string, rest: string): string =>
  `/cameras/${encodeURIComponent(cameraId)}/ptz/${rest}`;

export const ptzApi = {
  move: (id: string, v: PtzAxes) => api<void>('POST', ptzPath(id, 'move'), { body: v }),
  stop: (id: string) => api<void>('POST', ptzPath(id, 'stop')),
  centre: (id: string, x: number, y: number) => api<void>('POST', ptzPath(id, 'centre'), { body: { x, y } }),
  capabilities: (id: string) => api<{ relativeMove: boolean }>('GET', ptzPath(id, 'capabilities')),
  presets: (id: string) => api<Preset[]>('GET', ptzPath(id, 'presets')),
  gotoPreset: (id: string, token: string) =>
    api<void>('POST', ptzPath(id, `presets/${encodeURIComponent(token)}/goto`)),
  setPreset: (id: string, name: string) => api<Preset>('POST', ptzPath(id, 'presets'), { body: { name } }),
  renamePreset: (id: string, token: string, name: string) =>
    api<Preset>('PUT', ptzPath(id, `presets/${encodeURIComponent(token)}`), { body: { name } }),
  removePreset: (id: string, token: string) => api<void>('DELETE', ptzPath(id, `presets/${encodeURIComponent(token)}`)),
  patrols: (id: string) => api<Patrol[]>('GET', ptzPath(id, 'patrols')),
  createPatrol: (id: string, p: Pick<Patrol, 'name' | 'steps'>) =>
    api<Patrol>('POST', ptzPath(id, 'patrols'), { body: p }),
  removePatrol: (pid: number) => api<void>('DELETE', `/ptz/patrols/${pid}`),
  startPatrol: (pid: number) => api<Patrol>('POST', `/ptz/patrols/${pid}/start`),
  stopPatrol: (pid: number) => api<Patrol>('POST', `/ptz/patrols/${pid}/stop`),
};
