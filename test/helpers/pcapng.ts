// A tiny pcapng reader for tests: Enhanced Packet Blocks of Ethernet/IPv4 captures, UDP (and TCP) payloads out.

export interface CapturedPayload {
  /** Index of the packet in the capture (0-based). */
  index: number;
  proto: 'udp' | 'tcp';
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

const ip = (b: Buffer, at: number): string => [b[at], b[at + 1], b[at + 2], b[at + 3]].join('.');

/** Every UDP/TCP payload of an Ethernet (link type 1) or raw IPv4 (101/228) pcapng capture, in capture order. */
export function readPcapng(file: Buffer): CapturedPayload[] {
  if (file.readUInt32LE(0) !== 0x0a0d0d0a) throw new Error('pcapng: not a Section Header Block');
  const le = file.readUInt32LE(8) === 0x1a2b3c4d;
  const u32 = (at: number): number => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const u16 = (at: number): number => (le ? file.readUInt16LE(at) : file.readUInt16BE(at));
  const links: number[] = [];
  const out: CapturedPayload[] = [];
  let index = 0;
  for (let at = 0; at + 12 <= file.length;) {
    const type = u32(at);
    const len = u32(at + 4);
    if (len < 12 || at + len > file.length) throw new Error(`pcapng: block at ${at} has length ${len}`);
    if (type === 1) links.push(u16(at + 8));
    else if (type === 6) {
      const link = links[u32(at + 8)] ?? 1;
      const caplen = u32(at + 20);
      const pkt = file.subarray(at + 28, at + 28 + caplen);
      const p = decode(pkt, link, index++);
      if (p) out.push(p);
    }
    at += len;
  }
  return out;
}

function decode(pkt: Buffer, link: number, index: number): CapturedPayload | null {
  let at = 0;
  if (link === 1) {
    let etherType = pkt.readUInt16BE(12);
    at = 14;
    while (etherType === 0x8100) {
      etherType = pkt.readUInt16BE(at + 2);
      at += 4;
    }
    if (etherType !== 0x0800) return null;
  } else if (link !== 101 && link !== 228) return null;
  const ihl = ((pkt[at] ?? 0) & 0x0f) * 4;
  const total = pkt.readUInt16BE(at + 2);
  const proto = pkt[at + 9];
  const src = ip(pkt, at + 12);
  const dst = ip(pkt, at + 16);
  const l4 = at + ihl;
  const end = at + total;
  if (proto === 17) {
    const udpLen = pkt.readUInt16BE(l4 + 4);
    return {
      index,
      proto: 'udp',
      src,
      dst,
      srcPort: pkt.readUInt16BE(l4),
      dstPort: pkt.readUInt16BE(l4 + 2),
      payload: pkt.subarray(l4 + 8, l4 + udpLen),
    };
  }
  if (proto === 6) {
    const off = ((pkt[l4 + 12] ?? 0) >> 4) * 4;
    return {
      index,
      proto: 'tcp',
      src,
      dst,
      srcPort: pkt.readUInt16BE(l4),
      dstPort: pkt.readUInt16BE(l4 + 2),
      payload: pkt.subarray(l4 + off, end),
    };
  }
  return null;
}
