// Snapshots: JPEG from the camera's snapshot URI (basic/digest auth) or one frame grabbed through the transcoder; cached briefly.
import { digestAuthorization, offersBasic, parseDigestChallenge } from '../onvif/index';
import {
  TranscoderCapacityError,
  TranscoderGrabError,
  TranscoderInputError,
  TranscoderStateError,
} from '../../transcoder/index';
import type { GrabResult, GrabSpec } from '../../transcoder/index';

/** The camera did not give a usable picture (refused URI, HTTP error, not a JPEG, …): HTTP 502. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/**
 * No picture could be had now (camera unreachable or down, timeout, grab capacity, shutting down):
 * HTTP 503 with `Retry-After: retryAfterS`.
 */
export class SnapshotUnavailableError extends SnapshotError {
  override name = 'SnapshotUnavailableError';
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

/** What the snapshot service needs of the transcoder (its Supervisor), declared here (STYLE §5). */
export interface FrameSource {
  /** One keyframe: of the running stream's output when it is live, else grabbed from the camera. */
  grab(spec: GrabSpec): Promise<GrabResult>;
  /** True while the stream of (cameraId, profile) is live on this node, copied at the camera's resolution. */
  isLive(cameraId: string, profile: 'main' | 'sub'): boolean;
}

/** One camera as the snapshot service sees it. */
export interface SnapshotSource {
  cameraId: string;
  /** Profile of `streamUri` (a grab of the main profile is a full-resolution picture). */
  profile: 'main' | 'sub';
  snapshotUri: string | null;
  streamUri: string | null;
  /** Registered video codec of `streamUri`. Default 'h264'. */
  codec?: string;
  credentials: { username: string; password: string } | null;
}

/**
 * A picture and where it came from: the running stream's newest segment (`live-stream`), the
 * camera's snapshot URI, or a keyframe grabbed from the camera's stream (`camera-stream`).
 */
export interface Snapshot {
  jpeg: Buffer;
  source: 'live-stream' | 'snapshot-uri' | 'camera-stream';
}

export interface SnapshotOptions {
  /** HTTP snapshot request timeout, milliseconds. */
  timeoutMs: number;
  /** How long a snapshot is served from cache, milliseconds. */
  cacheMs: number;
  /** Largest JPEG accepted from a snapshot URI, bytes. */
  maxBytes: number;
}

const isJpeg = (b: Buffer): boolean => b.length > 4 && b[0] === 0xff && b[1] === 0xd8;
// the stream validator's rule, for http: nothing that has no business in a camera URL
const FORBIDDEN_CHARS = /[\u0000-\u0020\u007f-\uffff|`$<>\\"'{}^]/;
const RETRY_S = 5;

async function readLimited(res: Response, max: number): Promise<Buffer> {
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw new SnapshotError(`snapshot: response over ${max} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/** The transcoder's refusals and failures as snapshot errors (502 / 503), the reason kept. */
function fromTranscoder(cameraId: string, err: unknown): Error {
  if (err instanceof TranscoderInputError)
    return new SnapshotError(`snapshot: camera ${cameraId}: stream URI refused (${err.message})`);
  if (err instanceof TranscoderGrabError)
    return new SnapshotUnavailableError(`snapshot: camera ${cameraId} gave no picture (${err.message})`, RETRY_S);
  if (err instanceof TranscoderCapacityError)
    return new SnapshotUnavailableError(`snapshot: camera ${cameraId}: ${err.message}`, err.retryAfterS);
  if (err instanceof TranscoderStateError)
    return new SnapshotUnavailableError(`snapshot: camera ${cameraId}: ${err.message}`, RETRY_S);
  return err instanceof Error ? err : new Error(String(err));
}

export class SnapshotService {
  private readonly cache = new Map<string, { at: number; snap: Promise<Snapshot> }>();

  constructor(
    private readonly frames: FrameSource,
    private readonly opts: SnapshotOptions,
  ) {}

  /**
   * A JPEG of the camera at most `maxAgeMs` (default cacheMs) old; concurrent callers share one
   * fetch. While the stream of (camera, profile) is live on this node, a keyframe of its newest
   * segment (what its viewers see; nothing asks the camera); otherwise the snapshot URI, and when that
   * fails (or there is none) one keyframe grabbed from the camera's stream through the transcoder.
   * Rejects with SnapshotError (502) or SnapshotUnavailableError (503).
   */
  get(src: SnapshotSource, maxAgeMs = this.opts.cacheMs): Promise<Snapshot> {
    const key = `${src.cameraId}.${src.profile}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.snap;
    const snap = this.fetchFresh(src);
    this.cache.set(key, { at: Date.now(), snap });
    snap.catch(() => {
      if (this.cache.get(key)?.snap === snap) this.cache.delete(key);
    });
    if (this.cache.size > 5000)
      for (const [k, v] of this.cache) if (Date.now() - v.at > this.opts.cacheMs) this.cache.delete(k);
    return snap;
  }

  private async fetchFresh(src: SnapshotSource): Promise<Snapshot> {
    const spec = (url: string): GrabSpec => ({
      cameraId: src.cameraId,
      profile: src.profile,
      url,
      codec: src.codec ?? 'h264',
      ...(src.credentials ?? {}),
    });
    const source = (r: GrabResult): Snapshot['source'] =>
      r.from === 'stream-output' ? 'live-stream' : 'camera-stream';
    if (src.streamUri && this.frames.isLive(src.cameraId, src.profile)) {
      const r = await this.frames.grab(spec(src.streamUri)).catch((err: unknown) => {
        throw fromTranscoder(src.cameraId, err);
      });
      return { jpeg: r.jpeg, source: source(r) };
    }
    let httpFailure: Error | null = null;
    if (src.snapshotUri) {
      try {
        return { jpeg: await this.fromHttp(src.cameraId, src.snapshotUri, src.credentials), source: 'snapshot-uri' };
      } catch (err) {
        if (!src.streamUri) throw err;
        httpFailure = err as Error;
      }
    }
    if (!src.streamUri)
      throw new SnapshotError(`snapshot: camera ${src.cameraId} has neither a snapshot nor a stream URI`);
    try {
      const r = await this.frames.grab(spec(src.streamUri));
      return { jpeg: r.jpeg, source: source(r) };
    } catch (err) {
      const e = fromTranscoder(src.cameraId, err);
      if (httpFailure) e.message += `; snapshot URI: ${httpFailure.message}`;
      throw e;
    }
  }

  private async fromHttp(cameraId: string, uri: string, creds: SnapshotSource['credentials']): Promise<Buffer> {
    if (!/^https?:\/\/[^/]/.test(uri) || FORBIDDEN_CHARS.test(uri) || !URL.canParse(uri))
      throw new SnapshotError(
        `snapshot: camera ${cameraId}: snapshot URI ${JSON.stringify(uri.slice(0, 200))} refused: must be a plain http(s) URL`,
      );
    const get = async (authorization?: string): Promise<Response> => {
      const signal = AbortSignal.timeout(this.opts.timeoutMs);
      try {
        return await fetch(uri, { redirect: 'error', signal, headers: authorization ? { authorization } : {} });
      } catch (err) {
        const why = signal.aborted
          ? `no answer within ${this.opts.timeoutMs} ms`
          : String((err as { cause?: unknown }).cause ?? err);
        throw new SnapshotUnavailableError(`snapshot: camera ${cameraId}: snapshot URI unreachable (${why})`, RETRY_S);
      }
    };
    let res = await get();
    if (res.status === 401 && creds) {
      const header = res.headers.get('www-authenticate') ?? undefined;
      await res.body?.cancel();
      const ch = parseDigestChallenge(header);
      const u = new URL(uri);
      if (ch)
        res = await get(
          digestAuthorization(ch, {
            method: 'GET',
            uri: u.pathname + u.search,
            username: creds.username,
            password: creds.password,
            nc: 1,
          }),
        );
      else if (offersBasic(header))
        res = await get(`Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new SnapshotError(`snapshot: camera ${cameraId} answered HTTP ${res.status}`);
    }
    const body = await readLimited(res, this.opts.maxBytes).catch((err: unknown) => {
      if (err instanceof SnapshotError) throw err;
      throw new SnapshotUnavailableError(
        `snapshot: camera ${cameraId}: snapshot URI answer cut off (${(err as Error).message})`,
        RETRY_S,
      );
    });
    if (!isJpeg(body)) throw new SnapshotError(`snapshot: camera ${cameraId} did not send a JPEG`);
    return body;
  }
}
