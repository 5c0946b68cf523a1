// Bounded bit reading of an H.264/H.265 NAL unit's payload (RBSP): fixed-width fields and exp-Golomb codes.
import { Fmp4Error } from '../errors';

/** Largest parameter set read (bytes): real SPSs are well under 1 KiB, even with scaling lists and VUI. */
export const MAX_PARAMETER_SET_BYTES = 64 * 1024;

/** The RBSP of a NAL unit's bytes from `from`: emulation prevention bytes (00 00 03) removed. */
export function unescapeRbsp(nal: Buffer, from: number, what: string): Buffer {
  if (nal.length > MAX_PARAMETER_SET_BYTES)
    throw new Fmp4Error(`transcoder: fmp4: ${what}: ${nal.length} bytes, above the limit ${MAX_PARAMETER_SET_BYTES}`);
  const out = Buffer.allocUnsafe(Math.max(0, nal.length - from));
  let n = 0;
  let zeros = 0;
  for (let i = from; i < nal.length; i++) {
    const b = nal[i]!;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/**
 * Reads bits MSB first from an RBSP; every read is checked against its end, and an exp-Golomb code
 * longer than 32 bits is refused, so hostile input ends in an Fmp4Error naming `what`, never a hang.
 */
export class BitReader {
  private pos = 0;
  private readonly bits: number;

  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {
    this.bits = buf.length * 8;
  }

  private fail(why: string): never {
    throw new Fmp4Error(`transcoder: fmp4: ${this.what}: ${why}`);
  }

  /** Bits read so far. */
  get position(): number {
    return this.pos;
  }

  /** One bit. */
  u1(): number {
    if (this.pos >= this.bits) this.fail(`truncated at bit ${this.pos}`);
    const bit = (this.buf[this.pos >> 3]! >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return bit;
  }

  /** An unsigned n-bit field, n ≤ 32. */
  u(n: number): number {
    if (this.pos + n > this.bits) this.fail(`truncated: ${n} bits wanted at bit ${this.pos} of ${this.bits}`);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.u1();
    return v;
  }

  /** Skips n bits. */
  skip(n: number): void {
    if (this.pos + n > this.bits) this.fail(`truncated: ${n} bits skipped at bit ${this.pos} of ${this.bits}`);
    this.pos += n;
  }

  /** ue(v): unsigned exp-Golomb, at most 2^32 − 2. */
  ue(): number {
    let zeros = 0;
    while (this.u1() === 0) {
      if (++zeros > 31) this.fail(`exp-Golomb code longer than 32 bits at bit ${this.pos}`);
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /** se(v): signed exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }

  /** ue(v) that must lie within [0, max]: `field` names it in the error. */
  ueMax(max: number, field: string): number {
    const v = this.ue();
    if (v > max) this.fail(`${field} ${v} is above ${max}`);
    return v;
  }
}
