// Snapshots: JPEG from the camera's snapshot URI (basic/digest auth) or one frame grabbed by ffmpeg; cached briefly.
import { spawn } from 'node:child_process';
import { digestAuthorization, offersBasic, parseDigestChallenge } from '../onvif/index';

/** The camera gave no picture (HTTP layer: 502 Bad Gateway with the reason). */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

export interface SnapshotSource {
  cameraId: string;
  snapshotUri: string | null;
  streamUri: string | null;
  credentials: { username: string; password: string } | null;
}

export interface SnapshotOptions {
  ffmpegPath: string;
  timeoutMs: number;
  /** How long a snapshot is served from cache, in milliseconds. */
  cacheMs: number;
  maxBytes: number;
}

const isJpeg = (b: Buffer): boolean => b.length > 4 && b[0] === 0xff && b[1] === 0xd8;

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

export class SnapshotService {
  private readonly cache = new Map<string, { at: number; jpeg: Promise<Buffer> }>();

  constructor(private readonly opts: SnapshotOptions) {}

  /** A JPEG of the camera, at most cacheMs old. Concurrent callers share one fetch. */
  get(src: SnapshotSource): Promise<Buffer> {
    const hit = this.cache.get(src.cameraId);
    if (hit && Date.now() - hit.at < this.opts.cacheMs) return hit.jpeg;
    const jpeg = this.fetchFresh(src);
    this.cache.set(src.cameraId, { at: Date.now(), jpeg });
    jpeg.catch(() => this.cache.delete(src.cameraId));
    if (this.cache.size > 5000) for (const [k, v] of this.cache) if (Date.now() - v.at > this.opts.cacheMs) this.cache.delete(k);
    return jpeg;
  }

  private async fetchFresh(src: SnapshotSource): Promise<Buffer> {
    if (src.snapshotUri) {
      try {
        return await this.fromHttp(src.snapshotUri, src.credentials);
      } catch (err) {
        if (!src.streamUri) throw err;
      }
    }
    if (!src.streamUri) throw new SnapshotError(`snapshot: camera ${src.cameraId} has neither a snapshot nor a stream URI`);
    return this.fromStream(src.streamUri, src.credentials);
  }

  private async fromHttp(uri: string, creds: SnapshotSource['credentials']): Promise<Buffer> {
    if (!/^https?:\/\//i.test(uri)) throw new SnapshotError('snapshot: snapshot URI must be http(s)');
    const get = (authorization?: string) => fetch(uri, { redirect: 'error', signal: AbortSignal.timeout(this.opts.timeoutMs), headers: authorization ? { authorization } : {} });
    let res = await get();
    if (res.status === 401 && creds) {
      const header = res.headers.get('www-authenticate') ?? undefined;
      await res.body?.cancel();
      const ch = parseDigestChallenge(header);
      const u = new URL(uri);
      if (ch) res = await get(digestAuthorization(ch, { method: 'GET', uri: u.pathname + u.search, username: creds.username, password: creds.password, nc: 1 }));
      else if (offersBasic(header)) res = await get(`Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new SnapshotError(`snapshot: camera answered HTTP ${res.status}`);
    }
    const body = await readLimited(res, this.opts.maxBytes);
    if (!isJpeg(body)) throw new SnapshotError('snapshot: camera did not send a JPEG');
    return body;
  }

  /** One frame from the stream; ffmpeg from an argument array with the RTSP protocols only. */
  private fromStream(uri: string, creds: SnapshotSource['credentials']): Promise<Buffer> {
    if (!/^rtsps?:\/\/[^\s]+$/i.test(uri) || uri.startsWith('-')) return Promise.reject(new SnapshotError('snapshot: stream URI must be rtsp(s)'));
    const u = new URL(uri);
    if (creds && !u.username) {
      u.username = encodeURIComponent(creds.username);
      u.password = encodeURIComponent(creds.password);
    }
    const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'rtsp,rtsps,rtp,udp,tcp,tls', '-rtsp_transport', 'tcp', '-timeout', String(this.opts.timeoutMs * 1000), '-i', u.toString(), '-frames:v', '1', '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'];
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let size = 0;
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), this.opts.timeoutMs + 2000);
      child.stdout.on('data', (b: Buffer) => {
        size += b.length;
        if (size > this.opts.maxBytes) child.kill('SIGKILL');
        else out.push(b);
      });
      child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-500)));
      child.once('error', (e) => (clearTimeout(timer), reject(new SnapshotError(`snapshot: ffmpeg failed to start: ${e.message}`))));
      child.once('close', (code) => {
        clearTimeout(timer);
        const jpeg = Buffer.concat(out);
        if (code === 0 && isJpeg(jpeg)) resolve(jpeg);
        else reject(new SnapshotError(`snapshot: no frame from the stream (${err.trim().split('\n').pop()?.replace(/\/\/[^@/]*@/g, '//***@') || `exit ${code}`})`));
      });
    });
  }
}
