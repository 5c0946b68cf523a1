// Builds ISO-BMFF boxes from parts (for the init segment, written once per run; fragments are written in place).

/** Bytes of big-endian fields: each [value, width in bytes] (width 1, 2, 4 or 8). */
export function fields(...list: Array<[number, 1 | 2 | 4 | 8]>): Buffer {
  const out = Buffer.alloc(list.reduce((n, [, w]) => n + w, 0));
  let p = 0;
  for (const [v, w] of list) {
    if (w === 1) p = out.writeUInt8(v, p);
    else if (w === 2) p = out.writeUInt16BE(v, p);
    else if (w === 4) p = out.writeUInt32BE(v >>> 0, p);
    else p = out.writeBigUInt64BE(BigInt(v), p);
  }
  return out;
}

/** A box: 32-bit size, four-character type, then the parts. */
export function box(type: string, ...parts: Buffer[]): Buffer {
  const body = parts.reduce((n, b) => n + b.length, 0);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...parts], 8 + body);
}

/** A full box: version and flags before the parts. */
export function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  return box(type, fields([((version << 24) | flags) >>> 0, 4]), ...parts);
}

/** The unity transformation matrix of mvhd/tkhd. */
export const UNITY_MATRIX = fields(
  [0x00010000, 4],
  [0, 4],
  [0, 4],
  [0, 4],
  [0x00010000, 4],
  [0, 4],
  [0, 4],
  [0, 4],
  [0x40000000, 4],
);
