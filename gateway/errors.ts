// Domain errors shared by gateway services; http/errors.ts maps them to problem details in one place.

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "body.tags[2]" or "line 14: lat". */
  path: string;
  message: string;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** No or invalid credentials (HTTP 401). */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

/** Authenticated but not allowed (HTTP 403). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export class RateLimitError extends Error {
  override name = 'RateLimitError';
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

export class UnavailableError extends Error {
  override name = 'UnavailableError';
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

/**
 * A camera or other device failed a call the gateway needed: it answered badly (hostile or malformed
 * XML, a fault, an oversized or unexpected reply: HTTP 502), or did not answer at all (a timeout, a
 * refused connection: 503 with Retry-After). The message names the device and the reason; it is an
 * outside failure, logged as a warning without a stack trace.
 */
export class DeviceError extends Error {
  override name = 'DeviceError';
  constructor(
    message: string,
    readonly device: string,
    /** false when the device did not answer (it may later), true when it answered badly. */
    readonly answered = true,
  ) {
    super(message);
  }
}

/**
 * The gateway may not connect to a camera address: outside its network's CIDRs, or one of the
 * gateway's own service ports (HTTP 403 at play time; registration reports it as a ValidationError).
 */
export class AddressPolicyError extends Error {
  override name = 'AddressPolicyError';
  constructor(
    message: string,
    /** The camera field holding the address: mainUri, subUri, snapshotUri or xaddr. */
    readonly field: string,
  ) {
    super(message);
  }
}
