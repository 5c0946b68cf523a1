// RTP payloads of H.264 (RFC 6184: single, STAP-A, FU-A) and H.265 (RFC 7798: single, AP, FU) → NAL units.

/** Where the unpackers put what they find (the depacketizer). */
export interface NalSink {
  /** A whole NAL unit of NAL type `type`. */
  nal(nal: Buffer, type: number): void;
  /** A fragment: `header` (the rebuilt NAL header) with the first one, `last` with the last one. */
  fragment(part: Buffer, header: Buffer | null, last: boolean, type: number): void;
  /** A malformed payload: what is in progress is lost. */
  damaged(why: string): void;
  /** A packetization the track does not allow: the stream is refused. */
  unsupported(what: string): never;
}

/** One H.264 RTP payload (non-empty). */
export function unpackH264(p: Buffer, sink: NalSink): void {
  const type = p[0]! & 0x1f;
  if (type >= 1 && type <= 23) return sink.nal(p, type);
  if (type === 24) return aggregate(p, 1, sink, (b) => b[0]! & 0x1f, 'STAP-A');
  if (type === 28) {
    if (p.length < 3) return sink.damaged(`FU-A of ${p.length} bytes`);
    const fu = p[1]!;
    const nalType = fu & 0x1f;
    const header = fu & 0x80 ? Buffer.from([(p[0]! & 0xe0) | nalType]) : null;
    return sink.fragment(p.subarray(2), header, (fu & 0x40) !== 0, nalType);
  }
  if (type === 25 || type === 26 || type === 27 || type === 29)
    sink.unsupported(`${['STAP-B', 'MTAP16', 'MTAP24', '', 'FU-B'][type - 25]} (NAL type ${type}, interleaved mode)`);
  // 0, 30, 31: undefined by RFC 6184, to be ignored
}

/** One H.265 RTP payload (non-empty). */
export function unpackH265(p: Buffer, sink: NalSink): void {
  if (p.length < 3) return sink.damaged(`H.265 payload of ${p.length} bytes`);
  const type = (p[0]! >> 1) & 0x3f;
  if (type < 48) return sink.nal(p, type);
  if (type === 48) return aggregate(p, 2, sink, (b) => (b[0]! >> 1) & 0x3f, 'AP');
  if (type === 49) {
    const fu = p[2]!;
    const nalType = fu & 0x3f;
    const header = fu & 0x80 ? Buffer.from([(p[0]! & 0x81) | (nalType << 1), p[1]!]) : null;
    return sink.fragment(p.subarray(3), header, (fu & 0x40) !== 0, nalType);
  }
  // 50 (PACI) and 51-63 (undefined) are ignored
}

/** STAP-A / AP: after the payload header, NAL units each behind a 16-bit size; zero bytes at the end are padding. */
function aggregate(p: Buffer, headerLen: number, sink: NalSink, typeOf: (nal: Buffer) => number, name: string): void {
  let off = headerLen;
  let count = 0;
  // check the whole layout before handing any NAL unit on: a truncated aggregate is lost entirely
  while (off + 2 <= p.length) {
    const size = p.readUInt16BE(off);
    if (size === 0) break; // padding (some cameras), or nothing
    if (off + 2 + size > p.length) return sink.damaged(`${name} with a NAL unit size ${size} past its end`);
    off += 2 + size;
    count++;
  }
  const end = off;
  for (; off < p.length; off++)
    if (p[off] !== 0) return sink.damaged(`${name} with ${p.length - end} stray byte(s) at its end`);
  if (count === 0) return sink.damaged(`${name} without a NAL unit`);
  for (off = headerLen; off < end;) {
    const size = p.readUInt16BE(off);
    const nal = p.subarray(off + 2, off + 2 + size);
    sink.nal(nal, typeOf(nal));
    off += 2 + size;
  }
}
