// Named errors of the GB/T 28181 library; each message starts with "gb28181:" and carries the bad value.

/** Base class: every error thrown by gateway/gb28181 is a GbError. */
export class GbError extends Error {
  override name = 'GbError';
}

/** Shortens a value for an error message (device input may be huge, binary or hostile). */
export function clip(v: unknown, max = 80): string {
  const s = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
  const flat = s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

/** A SIP message that is not well formed (start line, header syntax, Content-Length). */
export class SipParseError extends GbError {
  override name = 'SipParseError';
  constructor(
    readonly why: string,
    readonly excerpt: string,
  ) {
    super(`gb28181: bad SIP message (${why}) near ${clip(excerpt)}`);
  }
}

/** A SIP message, header section, header count or body over its configured bound. */
export class SipTooLargeError extends GbError {
  override name = 'SipTooLargeError';
  constructor(
    readonly what: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`gb28181: ${what} of ${size} exceeds the limit of ${limit}`);
  }
}

/** A MANSCDP body that is not acceptable: wrong encoding, DOCTYPE/ENTITY, malformed or missing CmdType. */
export class ManscdpError extends GbError {
  override name = 'ManscdpError';
  constructor(
    readonly why: string,
    readonly excerpt: string,
  ) {
    super(`gb28181: bad MANSCDP body (${why}) near ${clip(excerpt, 60)}`);
  }
}

/** A SIP request to a device got no final response in time (Timer B/F of RFC 3261, or a query's wait). */
export class SipTimeoutError extends GbError {
  override name = 'SipTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`gb28181: ${what}: no answer within ${timeoutMs} ms`);
  }
}

/** A device answered a request with a final non-2xx status. */
export class SipStatusError extends GbError {
  override name = 'SipStatusError';
  constructor(
    readonly what: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`gb28181: ${what}: answered ${status} ${clip(reason, 40)}`);
  }
}

/** A device id that is not registered here, or not a 20-digit GB/T 28181 code where one is required. */
export class GbDeviceError extends GbError {
  override name = 'GbDeviceError';
  constructor(
    readonly deviceId: string,
    readonly why: string,
  ) {
    super(`gb28181: device ${clip(deviceId, 40)}: ${why}`);
  }
}

/** An RTP packet, RFC 4571 frame or SDP body that cannot be used. */
export class GbMediaError extends GbError {
  override name = 'GbMediaError';
  constructor(
    readonly why: string,
    readonly value: unknown,
  ) {
    super(`gb28181: ${why}: ${clip(value, 60)}`);
  }
}

/** A PTZCmd hex string that is not 8 bytes of A5 0F … with a correct checksum, or a value out of range. */
export class PtzCmdError extends GbError {
  override name = 'PtzCmdError';
  constructor(
    readonly why: string,
    readonly value: unknown,
  ) {
    super(`gb28181: bad PTZCmd (${why}): ${clip(value, 40)}`);
  }
}
