// Media time of fMP4 pieces for the bench's plain WebSocket viewers: the video timescale of an init segment, a fragment's tfdt in seconds.

/** The children of a box payload: [type, start of payload, end] for each box in data[from, to). */
function* boxes(data: Uint8Array, from: number, to: number): Generator<[string, number, number]> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) return;
    const type = String.fromCharCode(data[at + 4]!, data[at + 5]!, data[at + 6]!, data[at + 7]!);
    yield [type, at + header, at + size];
    at += size;
  }
}

/** The first box found along `path` (e.g. ['moov', 'trak', 'mdia', 'mdhd']): its payload range, or null. */
function find(data: Uint8Array, path: string[], from = 0, to = data.length): [number, number] | null {
  for (const [type, start, end] of boxes(data, from, to))
    if (type === path[0]) return path.length === 1 ? [start, end] : find(data, path.slice(1), start, end);
  return null;
}

/** Timescale of the first track's media header (mdhd) in an init segment, or null when absent. */
export function initTimescale(init: Uint8Array): number | null {
  const r = find(init, ['moov', 'trak', 'mdia', 'mdhd']);
  if (!r) return null;
  const view = new DataView(init.buffer, init.byteOffset, init.byteLength);
  const version = init[r[0]]!;
  const at = r[0] + 4 + (version === 1 ? 16 : 8);
  return at + 4 <= r[1] ? view.getUint32(at) : null;
}

/** A fragment's (moof+mdat) first track's baseMediaDecodeTime in seconds, or null when it has no tfdt. */
export function fragmentStartS(fragment: Uint8Array, timescale: number): number | null {
  const r = find(fragment, ['moof', 'traf', 'tfdt']);
  if (!r || timescale <= 0) return null;
  const view = new DataView(fragment.buffer, fragment.byteOffset, fragment.byteLength);
  const version = fragment[r[0]]!;
  const t = version === 1 ? Number(view.getBigUint64(r[0] + 4)) : view.getUint32(r[0] + 4);
  return t / timescale;
}
