// Checks every URI a device hands us (stream, snapshot, service XAddr) before the gateway uses it.
import { OnvifUriError } from './errors';

/** Options of validateStreamUri / validateSnapshotUri. */
export interface UriPolicy {
  /** The host (name or IP, no port) the gateway used to reach the device; the URI must name the same host. */
  deviceHost: string;
  /** Further hosts a URI may name (e.g. an NVR or media server registered by an administrator). Default []. */
  allowHosts?: string[];
  /** Decides further hosts (lower-cased, no brackets) a URI may name, e.g. those inside the camera network. */
  allowHost?: (host: string) => boolean;
  /** Maximum URI length in characters. Default 2048. */
  maxLength?: number;
}

// Shell and quoting metacharacters; '&' and '=' stay allowed because real query strings use them
// (Dahua "?channel=1&subtype=1") and ffmpeg is always run from an argument array.
const BAD_CHARS = /[\s\u0000-\u001f\u007f;|`$<>(){}\\'"!*^]/;

/** Lower-cased host without IPv6 brackets. */
export function normHost(h: string): string {
  return h.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

function check(uri: unknown, schemes: string[], policy: UriPolicy): URL {
  if (typeof uri !== 'string' || uri === '') throw new OnvifUriError(String(uri), 'empty or not a string');
  if (uri.length > (policy.maxLength ?? 2048)) throw new OnvifUriError(uri, 'too long');
  if (uri.startsWith('-')) throw new OnvifUriError(uri, "starts with '-' (would read as a command-line option)");
  if (BAD_CHARS.test(uri)) throw new OnvifUriError(uri, 'contains whitespace, control or shell metacharacters');
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new OnvifUriError(uri, 'not an absolute URI');
  }
  if (!schemes.includes(u.protocol.slice(0, -1)))
    throw new OnvifUriError(uri, `scheme ${u.protocol} not in ${schemes.join('/')}`);
  const host = normHost(u.hostname);
  if (!host) throw new OnvifUriError(uri, 'no host');
  const device = normHost(policy.deviceHost);
  const allowed =
    host === device || (policy.allowHosts ?? []).some((h) => normHost(h) === host) || policy.allowHost?.(host) === true;
  if ((u.username || u.password) && host !== device)
    throw new OnvifUriError(uri, `carries credentials for another host than the device ${device}`);
  if (!allowed) throw new OnvifUriError(uri, `host ${host} is not the device's host ${device}`);
  return u;
}

/**
 * Accepts an RTSP stream URI reported by a device: rtsp/rtsps only, no leading '-', no whitespace,
 * control or shell metacharacters, host equal to `deviceHost` (or in `allowHosts`, or accepted by `allowHost`), and embedded
 * credentials only for the device itself. Returns the URI unchanged; throws OnvifUriError.
 */
export function validateStreamUri(uri: unknown, policy: UriPolicy): string {
  check(uri, ['rtsp', 'rtsps'], policy);
  return uri as string;
}

/** Same rules as validateStreamUri for snapshot URIs, which must be http or https. */
export function validateSnapshotUri(uri: unknown, policy: UriPolicy): string {
  check(uri, ['http', 'https'], policy);
  return uri as string;
}

/**
 * Service address pinning: a service URL reported by the device (GetCapabilities / GetServices) is
 * followed only when it is http(s) on the xaddr's host; otherwise its path is kept and the xaddr's
 * scheme, host and port are used, so a device can never point the gateway at another host
 * (devices behind NAT also report internal addresses). Returns an absolute URL string.
 */
export function pinServiceUrl(xaddr: string, reported: string | undefined): string {
  const base = new URL(xaddr);
  if (!reported) return base.href;
  let u: URL;
  try {
    u = new URL(reported.trim(), base);
  } catch {
    return base.href;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || BAD_CHARS.test(u.pathname + u.search)) return base.href;
  if (normHost(u.hostname) === normHost(base.hostname) && !u.username && !u.password) return u.href;
  return new URL(u.pathname + u.search, base).href;
}
