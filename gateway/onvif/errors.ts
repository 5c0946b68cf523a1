// Named errors of the ONVIF library; each message starts with "onvif:" and carries the bad value.

/** Base class: every error thrown by gateway/onvif is an OnvifError. */
export class OnvifError extends Error {
  override name = 'OnvifError';
}

/** Shortens a value for an error message (device input may be huge or hostile). */
export function clip(v: unknown, max = 120): string {
  const s = typeof v === 'string' ? v : String(v);
  const flat = s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

/** A SOAP Fault returned by the device. `code`/`subcode` are local names (e.g. "Sender", "NotAuthorized"). */
export class OnvifFaultError extends OnvifError {
  override name = 'OnvifFaultError';
  constructor(
    readonly code: string,
    readonly subcode: string | undefined,
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`onvif: SOAP fault ${code}${subcode ? `/${subcode}` : ''}: ${clip(reason)}`);
  }
}

/** The device refused our credentials: HTTP 401 after the digest retry, or a NotAuthorized fault. */
export class OnvifAuthError extends OnvifError {
  override name = 'OnvifAuthError';
  constructor(
    readonly url: string,
    readonly detail: string,
  ) {
    super(`onvif: not authorized at ${clip(url)}: ${detail}`);
  }
}

/** No complete answer within `timeoutMs` (connect, headers and body included). */
export class OnvifTimeoutError extends OnvifError {
  override name = 'OnvifTimeoutError';
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`onvif: no answer from ${clip(url)} within ${timeoutMs} ms`);
  }
}

/** The response body grew past `maxResponseBytes`; the read was aborted. */
export class OnvifTooLargeError extends OnvifError {
  override name = 'OnvifTooLargeError';
  constructor(
    readonly url: string,
    readonly limit: number,
  ) {
    super(`onvif: response from ${clip(url)} exceeds ${limit} bytes`);
  }
}

/** Transport failure (connection refused, reset, unexpected HTTP status). */
export class OnvifHttpError extends OnvifError {
  override name = 'OnvifHttpError';
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`onvif: request to ${clip(url)} failed: ${status !== undefined ? `HTTP ${status} ` : ''}${detail}`);
  }
}

/** The document is not acceptable XML: malformed, truncated, or carrying a DOCTYPE/ENTITY (XXE, billion laughs). */
export class OnvifXmlError extends OnvifError {
  override name = 'OnvifXmlError';
  constructor(
    detail: string,
    readonly excerpt: string,
  ) {
    super(`onvif: bad XML (${detail}) near ${clip(excerpt, 60)}`);
  }
}

/** The XML was fine but lacks what the operation must return (e.g. no Uri in GetStreamUriResponse). */
export class OnvifResponseError extends OnvifError {
  override name = 'OnvifResponseError';
  constructor(
    readonly operation: string,
    detail: string,
  ) {
    super(`onvif: ${operation}: ${detail}`);
  }
}

/** A URI reported by a device was refused by validateStreamUri / validateSnapshotUri / service pinning. */
export class OnvifUriError extends OnvifError {
  override name = 'OnvifUriError';
  constructor(
    readonly uri: string,
    readonly why: string,
  ) {
    super(`onvif: refused URI ${clip(uri)}: ${why}`);
  }
}

/** A sweep target (CIDR, host or host:port) is malformed or too large. */
export class OnvifTargetError extends OnvifError {
  override name = 'OnvifTargetError';
  constructor(
    readonly target: string,
    readonly why: string,
  ) {
    super(`onvif: bad sweep target ${clip(target)}: ${why}`);
  }
}
