// Encoding text to GB2312 (GB/T 28181's default body charset): Node has a GB18030 decoder but no encoder, so the table is built from it.

let table: Map<string, number> | null = null;

/** Code point → 2-byte GB2312 code, built once by decoding every row/cell of GB2312 (0xA1A1–0xF7FE). */
function gbTable(): Map<string, number> {
  if (table) return table;
  table = new Map();
  const dec = new TextDecoder('gb18030');
  for (let hi = 0xa1; hi <= 0xf7; hi++)
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      const ch = dec.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, (hi << 8) | lo);
    }
  return table;
}

/** Encodes `s` as GB2312; characters outside GB2312 become "?" (as iconv does with //TRANSLIT off). */
export function encodeGb2312(s: string): Buffer {
  const t = gbTable();
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0x3f;
    if (cp < 0x80) out.push(cp);
    else {
      const code = t.get(ch);
      if (code === undefined) out.push(0x3f);
      else out.push(code >> 8, code & 0xff);
    }
  }
  return Buffer.from(out);
}
