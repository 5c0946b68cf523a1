// Errors of the cascade between platforms (mapped to HTTP in gateway/http/errors.ts).

/** A catalog item refused as registry input (logged and audited; nothing of it is stored). */
export class CascadeRefused extends Error {
  override name = 'CascadeRefused';
}

/** The lower platform is not linked, or did not answer a request in time (503 at the upper platform). */
export class CascadeUnavailable extends Error {
  override name = 'CascadeUnavailable';
}

/** The lower platform refused a request: its own status (403, 404, 400, …) and message are passed on. */
export class CascadeRemoteError extends Error {
  override name = 'CascadeRemoteError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
