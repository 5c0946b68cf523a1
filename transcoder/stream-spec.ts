// What a caller asks to stream (StreamSpec), its key, and the checks run before anything is spawned.
import { TranscoderInputError } from './errors';
import { externalFor, type ExternalSource } from './pull/external';

/** Stream profile of a camera: main (full resolution) or sub (low resolution). */
export type Profile = 'main' | 'sub';

/** A stream request; the codec comes from registration so nothing is probed on the click path. */
export interface StreamSpec {
  /** Camera id: 1–64 of [A-Za-z0-9_-] (it names the output directory). */
  cameraId: string;
  profile: Profile;
  /** rtsp:// or rtsps:// URL, credentials embedded or given in username/password. */
  url: string;
  /** Video codec of the source as registered: 'h264', 'h265' (or 'hevc'), 'mjpeg', … */
  codec: string;
  /** Copy H.265 as is (tagged hvc1) for viewers that decode it, instead of transcoding. Default false. */
  passthroughH265?: boolean;
  /** Source audio codec ('aac', 'pcm_alaw', …); null = no audio; undefined = unknown. */
  audioCodec?: string | null;
  /** Credentials given separately; percent-encoded into the URL handed to ffmpeg. */
  username?: string;
  password?: string;
}

/**
 * Identifies one output: `${cameraId}.${profile}` for what the camera pull emits, `${cameraId}.${profile}.h264`
 * for the H.264 derived from an H.265 pull (see outputKey).
 */
export type StreamKey = string;

const CAMERA_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN = /^[a-z0-9_]{1,32}$/;
const KEY = /^[A-Za-z0-9_-]{1,64}\.(main|sub)$/;
const OUTPUT_KEY = /^[A-Za-z0-9_-]{1,64}\.(main|sub)(\.h264)?$/;
// Not dangerous without a shell, but never legitimate in a camera URL: reject rather than pass on.
const FORBIDDEN_CHARS = /[\u0000-\u0020\u007f-\uffff|`$<>\\"'{}^]/;

/** The key of (cameraId, profile). Does not validate; see validateSpec. */
export function streamKey(cameraId: string, profile: Profile): StreamKey {
  return `${cameraId}.${profile}`;
}

/** True when `key` has the shape produced by streamKey for a valid camera id. */
export function isStreamKey(key: string): boolean {
  return KEY.test(key);
}

/** The key of an output of (cameraId, profile): the pull's own (`h264` false) or the H.264 derived from it. */
export function outputKey(cameraId: string, profile: Profile, h264: boolean): StreamKey {
  return h264 ? `${streamKey(cameraId, profile)}.h264` : streamKey(cameraId, profile);
}

/** True when `key` has the shape produced by outputKey for a valid camera id. */
export function isOutputKey(key: string): boolean {
  return OUTPUT_KEY.test(key);
}

/** True when a pull of a camera sending `codec` transcodes it to H.264 itself: anything but H.264 and H.265. */
export function pullTranscodes(codec: string): boolean {
  return !['h264', 'h265', 'hevc'].includes(codec);
}

/** True when a viewer of the spec gets H.264 transcoded from the source (pulled or derived; counts against maxTranscodes). */
export function needsTranscode(spec: Pick<StreamSpec, 'codec' | 'passthroughH265'>): boolean {
  if (spec.codec === 'h264') return false;
  if ((spec.codec === 'h265' || spec.codec === 'hevc') && spec.passthroughH265 === true) return false;
  return true;
}

/**
 * Checks a source URL: only rtsp:/rtsps: (lower case, as ffmpeg matches them), no leading '-', no whitespace or control characters, no
 * shell metacharacters, no `concat:`/`file:` anywhere, a host present, at most 2048 characters.
 * Throws TranscoderInputError naming the URL (credentials masked).
 */
export function validateSourceUrl(url: unknown): string {
  const bad = (why: string): never => {
    throw new TranscoderInputError(`transcoder: source url ${JSON.stringify(maskUrl(String(url)))} rejected: ${why}`);
  };
  if (typeof url !== 'string' || url.length === 0) return bad('not a non-empty string');
  if (url.length > 2048) bad('longer than 2048 characters');
  if (url.startsWith('-')) bad('starts with "-"');
  if (FORBIDDEN_CHARS.test(url)) bad('whitespace, control, non-ASCII or shell metacharacter');
  if (/concat:|file:|subfile,|data:/i.test(url)) bad('embedded protocol');
  // ffmpeg looks protocols up case-sensitively: "RTSP://" can never play
  if (!/^rtsps?:\/\//.test(url)) bad('scheme must be rtsp:// or rtsps:// (lower case)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad('not a URL');
  }
  if (parsed.hostname === '') bad('no host');
  return url;
}

/** Validates a whole spec and returns it normalised (codec lower-cased). Throws TranscoderInputError. */
export function validateSpec(spec: StreamSpec, external: readonly ExternalSource[] = []): StreamSpec {
  if (typeof spec !== 'object' || spec === null)
    throw new TranscoderInputError(`transcoder: spec ${JSON.stringify(spec)} is not an object`);
  if (typeof spec.cameraId !== 'string' || !CAMERA_ID.test(spec.cameraId))
    throw new TranscoderInputError(
      `transcoder: cameraId ${JSON.stringify(spec.cameraId)} must be 1-64 of [A-Za-z0-9_-]`,
    );
  if (spec.profile !== 'main' && spec.profile !== 'sub')
    throw new TranscoderInputError(`transcoder: profile ${JSON.stringify(spec.profile)} must be main or sub`);
  const codec = typeof spec.codec === 'string' ? spec.codec.toLowerCase() : spec.codec;
  if (typeof codec !== 'string' || !TOKEN.test(codec))
    throw new TranscoderInputError(`transcoder: codec ${JSON.stringify(spec.codec)} is not a codec name`);
  if (
    spec.audioCodec !== undefined &&
    spec.audioCodec !== null &&
    (typeof spec.audioCodec !== 'string' || !TOKEN.test(spec.audioCodec.toLowerCase()))
  )
    throw new TranscoderInputError(`transcoder: audioCodec ${JSON.stringify(spec.audioCodec)} is not a codec name`);
  for (const f of ['username', 'password'] as const) {
    const v = spec[f];
    if (v !== undefined && (typeof v !== 'string' || /[\u0000-\u001f\u007f]/.test(v)))
      throw new TranscoderInputError(
        `transcoder: ${f} of camera ${spec.cameraId} has control characters or is not a string`,
      );
  }
  const source = typeof spec.url === 'string' ? externalFor(spec.url, external) : undefined;
  if (source) {
    try {
      source.validate(spec.url);
    } catch (err) {
      throw new TranscoderInputError(
        `transcoder: source url ${JSON.stringify(spec.url.slice(0, 200))} rejected: ${(err as Error).message}`,
      );
    }
  } else validateSourceUrl(spec.url);
  return {
    ...spec,
    codec,
    audioCodec: typeof spec.audioCodec === 'string' ? spec.audioCodec.toLowerCase() : spec.audioCodec,
  };
}

/** The URL handed to ffmpeg: separately given credentials percent-encoded into it. */
export function sourceUrlWithCredentials(spec: Pick<StreamSpec, 'url' | 'username' | 'password'>): string {
  if (spec.username === undefined || spec.username === '') return spec.url;
  const u = new URL(spec.url);
  u.username = encodeURIComponent(spec.username);
  u.password = encodeURIComponent(spec.password ?? '');
  return u.toString();
}

/** The URL with any password replaced by "***", for messages and logs. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}
