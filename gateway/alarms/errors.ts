// Errors of the alarm workflow; http/errors.ts maps them to HTTP statuses.

/** A workflow step the alarm's state does not allow (HTTP 409): names the alarm, the step and the state. */
export class AlarmStateError extends Error {
  override name = 'AlarmStateError';
  constructor(
    readonly alarmId: string,
    readonly step: string,
    readonly state: string,
    reason: string,
  ) {
    super(`alarms: alarm ${alarmId}: ${reason}`);
  }
}
