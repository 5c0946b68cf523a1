// Writes bit fields and exp-Golomb codes into a NAL unit (emulation prevention added), to build parameter sets for tests.

export class BitWriter {
  private bits: number[] = [];

  u(n: number, v: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(v / 2 ** i) % 2);
    return this;
  }

  ue(v: number): this {
    const len = Math.floor(Math.log2(v + 1));
    return this.u(len, 0).u(len + 1, v + 1);
  }

  se(v: number): this {
    return this.ue(v > 0 ? 2 * v - 1 : -2 * v);
  }

  /** Raw bits, e.g. '0000…' runs that are not a valid code. */
  raw(bits: string): this {
    for (const c of bits) this.bits.push(c === '1' ? 1 : 0);
    return this;
  }

  /** The NAL unit: `header` bytes, then the RBSP (stop bit and alignment unless `trailing` is false), escaped. */
  nal(header: number[], trailing = true): Buffer {
    const bits = [...this.bits];
    if (trailing) bits.push(1);
    while (bits.length % 8) bits.push(0);
    const rbsp: number[] = [];
    for (let i = 0; i < bits.length; i += 8) rbsp.push(bits.slice(i, i + 8).reduce((a, b) => a * 2 + b, 0));
    const out = [...header];
    let zeros = 0;
    for (const b of rbsp) {
      if (zeros >= 2 && b <= 3) {
        out.push(3);
        zeros = 0;
      }
      out.push(b);
      zeros = b === 0 ? zeros + 1 : 0;
    }
    return Buffer.from(out);
  }
}
