// Bounds-checked reading of nested ISO-BMFF boxes inside one buffer; every malformed size or read is an Fmp4Error.
import { Fmp4Error } from '../errors';

/** A box inside a buffer: [start, end) with its payload from `body`. */
export interface Box {
  type: string;
  start: number;
  end: number;
  /** Offset of the payload (after size, type and any 64-bit size). */
  body: number;
}

function fail(why: string): never {
  throw new Fmp4Error(`transcoder: fmp4: ${why}`);
}

/** The boxes that tile [from, to) of buf exactly; `where` names the parent in messages (e.g. "moov/trak"). */
export function children(buf: Buffer, from: number, to: number, where: string): Box[] {
  const out: Box[] = [];
  let p = from;
  while (p < to) {
    if (p + 8 > to) fail(`${where}: ${to - p} stray bytes where a box header should be`);
    let size = buf.readUInt32BE(p);
    let body = p + 8;
    const type = buf.toString('latin1', p + 4, p + 8);
    if (size === 1) {
      if (p + 16 > to) fail(`${where}/${type}: truncated 64-bit size`);
      const big = buf.readBigUInt64BE(p + 8);
      if (big > BigInt(to - p)) fail(`${where}/${type}: 64-bit size ${big} runs past its parent`);
      size = Number(big);
      body = p + 16;
    } else if (size === 0) size = to - p;
    if (size < body - p) fail(`${where}/${type}: size ${size} is below its header`);
    if (p + size > to) fail(`${where}/${type}: size ${size} runs past its parent (${to - p} bytes left)`);
    out.push({ type, start: p, end: p + size, body });
    p += size;
  }
  return out;
}

/** The children of a box. */
export function inside(buf: Buffer, box: Box, where: string, skip = 0): Box[] {
  if (box.body + skip > box.end) fail(`${where}: too short for its fields`);
  return children(buf, box.body + skip, box.end, where);
}

/** The first child of this type, or a clear error naming the path. */
export function need(list: Box[], type: string, where: string): Box {
  const b = list.find((c) => c.type === type);
  if (!b) fail(`${where}: no ${type} box`);
  return b;
}

/** Sequential reads inside one box's payload, each checked against the box's end. */
export class Fields {
  pos: number;
  constructor(
    private readonly buf: Buffer,
    private readonly box: Box,
    private readonly where: string,
    from = box.body,
  ) {
    this.pos = from;
  }

  private take(n: number): number {
    if (this.pos + n > this.box.end)
      fail(`${this.where}: truncated (needs ${n} more bytes at ${this.pos - this.box.start})`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.buf[this.take(1)]!;
  }
  u16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }
  u32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }
  i32(): number {
    return this.buf.readInt32BE(this.take(4));
  }
  /** A 64-bit unsigned value as a number (exact below 2^53, which any real time value is). */
  u64(): number {
    return Number(this.buf.readBigUInt64BE(this.take(8)));
  }
  bytes(n: number): Buffer {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }
  skip(n: number): void {
    this.take(n);
  }
  /** Bytes left before the box's end. */
  get left(): number {
    return this.box.end - this.pos;
  }
  /** Version and flags of a full box. */
  full(): { version: number; flags: number } {
    const vf = this.u32();
    return { version: vf >>> 24, flags: vf & 0xffffff };
  }
}
