// A storage volume for footage: its path, quota, the bytes the index holds on it, and what statfs says is free.
import { statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface VolumeConfig {
  path: string;
  /** Most indexed bytes kept; 0 = no quota. */
  quotaBytes: number;
}

export class Volume {
  /** Absolute path: what the index stores as the segment's volume. */
  readonly path: string;
  readonly quotaBytes: number;
  /** Bytes of present segments indexed on this volume (loaded at start, then kept up to date). */
  indexedBytes = 0;
  /** True while retention could not bring the volume under its limit (everything left is held): recorders stop. */
  full = false;
  /** Since a write to the volume failed (errno code), until a segment is stored on it again. */
  writeFailure: { code: string | null; at: number } | null = null;

  constructor(
    c: VolumeConfig,
    private readonly reserveBytes: number,
  ) {
    this.path = path.resolve(c.path);
    this.quotaBytes = c.quotaBytes;
  }

  /**
   * Whether a small file can be written and removed at the volume's root now: sets `writeFailure` when it cannot
   * (a recorder's failure may be its camera's directory only), clears it when it can.
   */
  async probe(): Promise<boolean> {
    const file = path.join(this.path, '.cloudeye-probe');
    try {
      await writeFile(file, 'probe');
      await unlink(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.writeFailure ??= { code: typeof code === 'string' ? code : null, at: Date.now() };
      return false;
    }
    this.writeFailure = null;
    return true;
  }

  /** Bytes available to this process on the volume's filesystem. */
  async freeBytes(): Promise<number> {
    const s = await statfs(this.path);
    return s.bavail * s.bsize;
  }

  /**
   * Most bytes of footage the volume may hold now: the quota, and never more than leaves `reserveBytes`
   * free on the filesystem (whatever else writes to it).
   */
  async limitBytes(): Promise<number> {
    const bySpace = this.indexedBytes + (await this.freeBytes()) - this.reserveBytes;
    return Math.max(0, this.quotaBytes > 0 ? Math.min(this.quotaBytes, bySpace) : bySpace);
  }
}

/** The volume with the most room, one that takes writes first (a failing one is tried again when all fail). */
export async function pickVolume(volumes: Iterable<Volume>): Promise<Volume> {
  let best: { v: Volume; free: number } | null = null;
  for (const v of volumes) {
    // a volume that refuses writes may also refuse statfs (gone): it ranks last
    const free = (await v.limitBytes().catch(() => 0)) - v.indexedBytes - (v.writeFailure ? 2 ** 60 : 0);
    if (!v.full && (!best || free > best.free)) best = { v, free };
  }
  if (!best) throw new Error('every recording volume is full of held footage');
  return best.v;
}
