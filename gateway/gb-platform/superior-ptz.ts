// A superior GB/T 28181 platform's PTZ commands on a camera shared upward, carried out through the PTZ API as a local
// account (its rights, its PTZ priority, its audit): moves with their speeds, stop, presets by number.
import type { Principal } from '../auth/policy-terms';
import type { PtzCommand } from '../gb28181/index';
import type { PtzService } from '../ptz/ptz-service';
import { ValidationError } from '../errors';

/** A PTZCmd speed (0..max) as a share of full speed; a direction with speed 0 still moves, slowly. */
const share = (v: number, max: number): number => Math.max(0.1, Math.min(1, v / max));

export async function applySuperiorPtz(
  ptz: PtzService,
  p: Principal,
  cameraId: string,
  cmd: PtzCommand,
  ip: string,
): Promise<void> {
  switch (cmd.kind) {
    case 'stop':
      return ptz.stop(p, cameraId, ip);
    case 'move':
      if (!cmd.pan && !cmd.tilt && !cmd.zoom) return ptz.stop(p, cameraId, ip);
      return ptz.move(
        p,
        cameraId,
        {
          pan: cmd.pan * share(cmd.panSpeed, 255),
          tilt: cmd.tilt * share(cmd.tiltSpeed, 255),
          zoom: cmd.zoom * share(cmd.zoomSpeed, 15),
        },
        ip,
      );
    case 'preset':
      // a camera's preset numbered N upward is the preset whose token is N (as GB/T 28181 channels number them)
      if (cmd.op === 'goto') return ptz.gotoPreset(p, cameraId, String(cmd.preset), ip);
      if (cmd.op === 'delete') return ptz.removePreset(p, cameraId, String(cmd.preset), ip);
      await ptz.setPreset(p, cameraId, `预置位 ${cmd.preset}`, ip);
      return;
    case 'fi':
      throw new ValidationError('gb28181 upstream: focus and iris commands are not supported by the PTZ API', []);
  }
}
