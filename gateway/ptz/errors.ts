// Errors of PTZ control; http/errors.ts maps them to problem details.
import { ConflictError } from '../errors';

/** Another principal holds the camera's PTZ with an equal or higher priority (HTTP 409 naming it and until when). */
export class PtzControlError extends ConflictError {
  override name = 'PtzControlError';
  constructor(
    readonly cameraId: string,
    readonly holder: { name: string; priority: number },
    /** When the holder's control lapses unless it acts again (ISO time). */
    readonly until: string,
  ) {
    super(`ptz: camera ${cameraId} is controlled by ${holder.name} (priority ${holder.priority}) until ${until}`);
  }
}
