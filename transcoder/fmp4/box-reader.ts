// Splits a byte stream (chunks cut anywhere) into whole top-level ISO-BMFF boxes, refusing hostile sizes.
import { Fmp4Error, TranscoderInputError } from '../errors';

/** Largest box accepted by default (bytes): a 4K keyframe is well under it. */
export const DEFAULT_MAX_BOX_BYTES = 16 * 1024 * 1024;

/** One whole top-level box. */
export interface TopBox {
  /** Four-character type, e.g. 'moof'. */
  type: string;
  /** The whole box, header included (a copy: it holds no reference to the pushed chunks). */
  data: Buffer;
}

export interface BoxReaderOptions {
  /** Largest box accepted, header included (default DEFAULT_MAX_BOX_BYTES). */
  maxBoxBytes?: number;
  /** Called for each whole box, in order. */
  onBox(box: TopBox): void;
  /** Called once with the first error; every byte pushed after it is ignored. */
  onError(err: Fmp4Error): void;
}

/** A box type is four printable ASCII characters (or ©, as in QuickTime's '©nam'). */
function printableType(b: Buffer, at: number): boolean {
  for (let i = at; i < at + 4; i++) {
    const c = b[i]!;
    if ((c < 0x20 || c > 0x7e) && c !== 0xa9) return false;
  }
  return true;
}

/**
 * Incremental top-level box splitter. Holds at most one box plus a 16-byte header: the header is
 * read first and checked (size ≥ its header, not 0 = "to end of file", ≤ maxBoxBytes, printable
 * type) before any room for the body is taken. On a bad header it reports an Fmp4Error once and
 * stops; push() never throws for bad input.
 */
export class BoxReader {
  private readonly max: number;
  private readonly header = Buffer.alloc(16);
  private headerHave = 0;
  /** The box being filled once its header is accepted. */
  private box: Buffer | null = null;
  private boxHave = 0;
  private type = '';
  private offset = 0;
  private error: Fmp4Error | null = null;

  constructor(private readonly o: BoxReaderOptions) {
    this.max = o.maxBoxBytes ?? DEFAULT_MAX_BOX_BYTES;
    if (!Number.isInteger(this.max) || this.max < 16)
      throw new TranscoderInputError(`transcoder: fmp4: maxBoxBytes must be an integer ≥ 16, got ${this.max}`);
  }

  /** True once a bad box was seen: nothing more is reported. */
  get failed(): boolean {
    return this.error !== null;
  }

  /** Bytes of the stream consumed so far (whole boxes and the partial one). */
  get position(): number {
    return this.offset;
  }

  /** Stops the reader with this error (used by the layer above for boxes it cannot accept). */
  fail(err: Fmp4Error): void {
    if (this.error) return;
    this.error = err;
    this.box = null;
    this.o.onError(err);
  }

  push(chunk: Buffer): void {
    let p = 0;
    while (p < chunk.length && !this.error) {
      if (!this.box) {
        p = this.readHeader(chunk, p);
        continue;
      }
      const n = Math.min(chunk.length - p, this.box.length - this.boxHave);
      chunk.copy(this.box, this.boxHave, p, p + n);
      this.boxHave += n;
      p += n;
      this.offset += n;
      if (this.boxHave === this.box.length) {
        const box = { type: this.type, data: this.box };
        this.box = null;
        this.boxHave = 0;
        this.o.onBox(box);
      }
    }
  }

  /** Takes header bytes from the chunk; returns the new position (the whole chunk when more is needed). */
  private readHeader(chunk: Buffer, p: number): number {
    const h = this.header;
    // 8 bytes first; 8 more only when the 32-bit size says "64-bit size follows"
    const want = this.headerHave >= 8 && h.readUInt32BE(0) === 1 ? 16 : 8;
    const n = Math.min(chunk.length - p, want - this.headerHave);
    chunk.copy(h, this.headerHave, p, p + n);
    this.headerHave += n;
    p += n;
    if (this.headerHave < want) return p;
    if (want === 8 && h.readUInt32BE(0) === 1) return p;
    const at = this.offset;
    const type = h.toString('latin1', 4, 8);
    const shown = JSON.stringify(type);
    if (!printableType(h, 4)) return this.bad(`bytes at offset ${at} are not a box (type ${shown})`, p);
    const small = h.readUInt32BE(0);
    let size: number;
    if (small === 0)
      return this.bad(`box ${shown} at offset ${at} has size 0 ("to end of file"), not accepted on a stream`, p);
    if (small === 1) {
      const big = h.readBigUInt64BE(8);
      if (big > BigInt(this.max))
        return this.bad(`box ${shown} at offset ${at} has a 64-bit size ${big} above the limit ${this.max}`, p);
      size = Number(big);
      if (size < 16) return this.bad(`box ${shown} at offset ${at} has a 64-bit size ${size}, below its header`, p);
    } else {
      size = small;
      if (size < 8) return this.bad(`box ${shown} at offset ${at} has size ${size}, below its 8-byte header`, p);
      if (size > this.max)
        return this.bad(`box ${shown} at offset ${at} has size ${size} above the limit ${this.max}`, p);
    }
    this.type = type;
    this.box = Buffer.allocUnsafe(size);
    h.copy(this.box, 0, 0, want);
    this.boxHave = want;
    this.headerHave = 0;
    this.offset += want;
    if (size === want) {
      // a box that is only a header (e.g. an empty 'free') is whole already
      const box = { type, data: this.box };
      this.box = null;
      this.boxHave = 0;
      this.o.onBox(box);
    }
    return p;
  }

  private bad(why: string, p: number): number {
    this.fail(new Fmp4Error(`transcoder: fmp4: ${why}`));
    return p;
  }
}
