// An independent reading of LL-HLS media playlists for the tests: a parser and the RFC 8216bis rules a packager must keep.

export interface PartLine {
  uri: string;
  duration: number;
  independent: boolean;
}

export interface SegmentLine {
  msn: number;
  uri: string;
  duration: number;
  discontinuity: boolean;
  /** Discontinuity sequence number, counted as players count it (EXT-X-DISCONTINUITY-SEQUENCE + tags so far). */
  dsn: number;
  /** URI of the EXT-X-MAP in force for it. */
  map: string | null;
  pdt: number | null;
  parts: PartLine[];
}

export interface Playlist {
  version: number | null;
  targetDuration: number | null;
  partTarget: number | null;
  canBlockReload: boolean;
  partHoldBack: number | null;
  holdBack: number | null;
  mediaSequence: number;
  discontinuitySequence: number;
  segments: SegmentLine[];
  /** The segment in progress: its parts, tags, msn (null when no part of it is listed). */
  partial: SegmentLine | null;
  preloadHint: string | null;
}

const attr = (line: string, name: string): string | null => {
  const m = new RegExp(`(?:^|[:,])${name}=("([^"]*)"|[^,]*)`).exec(line);
  return m ? (m[2] ?? m[1]!) : null;
};

export function parsePlaylist(text: string): Playlist {
  const lines = text.split('\n').map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new Error(`not a playlist: ${JSON.stringify(text.slice(0, 40))}`);
  const p: Playlist = {
    version: null,
    targetDuration: null,
    partTarget: null,
    canBlockReload: false,
    partHoldBack: null,
    holdBack: null,
    mediaSequence: 0,
    discontinuitySequence: 0,
    segments: [],
    partial: null,
    preloadHint: null,
  };
  let map: string | null = null;
  let pending = {
    discontinuity: false,
    pdt: null as number | null,
    parts: [] as PartLine[],
    duration: null as number | null,
  };
  let dsn = 0;
  const fresh = () => ({ discontinuity: false, pdt: null, parts: [], duration: null });
  for (const line of lines.slice(1)) {
    const [tag, value = ''] = line.startsWith('#')
      ? [line.split(':')[0]!, line.slice(line.indexOf(':') + 1)]
      : ['', ''];
    if (line === '') continue;
    else if (tag === '#EXT-X-VERSION') p.version = Number(value);
    else if (tag === '#EXT-X-TARGETDURATION') p.targetDuration = Number(value);
    else if (tag === '#EXT-X-PART-INF') p.partTarget = Number(attr(value, 'PART-TARGET'));
    else if (tag === '#EXT-X-SERVER-CONTROL') {
      p.canBlockReload = attr(value, 'CAN-BLOCK-RELOAD') === 'YES';
      p.partHoldBack = attr(value, 'PART-HOLD-BACK') === null ? null : Number(attr(value, 'PART-HOLD-BACK'));
      p.holdBack = attr(value, 'HOLD-BACK') === null ? null : Number(attr(value, 'HOLD-BACK'));
    } else if (tag === '#EXT-X-MEDIA-SEQUENCE') p.mediaSequence = Number(value);
    else if (tag === '#EXT-X-DISCONTINUITY-SEQUENCE') dsn = p.discontinuitySequence = Number(value);
    else if (tag === '#EXT-X-DISCONTINUITY') pending.discontinuity = true;
    else if (tag === '#EXT-X-MAP') map = attr(value, 'URI');
    else if (tag === '#EXT-X-PROGRAM-DATE-TIME') pending.pdt = Date.parse(value);
    else if (tag === '#EXT-X-PART')
      pending.parts.push({
        uri: attr(value, 'URI')!,
        duration: Number(attr(value, 'DURATION')),
        independent: attr(value, 'INDEPENDENT') === 'YES',
      });
    else if (tag === '#EXTINF') pending.duration = Number(value.split(',')[0]);
    else if (tag === '#EXT-X-PRELOAD-HINT') p.preloadHint = attr(value, 'URI');
    else if (!line.startsWith('#')) {
      if (pending.duration === null) throw new Error(`segment ${line} without EXTINF`);
      if (pending.discontinuity) dsn++;
      p.segments.push({
        msn: p.mediaSequence + p.segments.length,
        uri: line,
        dsn,
        map,
        ...pending,
        duration: pending.duration,
      });
      pending = fresh();
    }
  }
  if (pending.parts.length > 0) {
    const msn = p.mediaSequence + p.segments.length;
    p.partial = { msn, uri: '', dsn: dsn + (pending.discontinuity ? 1 : 0), map, ...pending, duration: 0 };
  }
  return p;
}

/** What in one playlist breaks the LL-HLS rules (RFC 8216bis 4.4.3–4.4.5); empty when nothing does. */
export function llHlsViolations(p: Playlist): string[] {
  const v: string[] = [];
  const td = p.targetDuration ?? NaN;
  const pt = p.partTarget ?? NaN;
  if (p.version !== 9) v.push(`EXT-X-VERSION ${p.version}, want 9`);
  if (!(td >= 1)) v.push(`EXT-X-TARGETDURATION ${td}`);
  if (!(pt > 0)) v.push(`PART-TARGET ${pt}`);
  if (!p.canBlockReload) v.push('CAN-BLOCK-RELOAD missing');
  if (!((p.partHoldBack ?? 0) >= 3 * pt - 1e-9)) v.push(`PART-HOLD-BACK ${p.partHoldBack} < 3 × ${pt}`);
  if (!((p.holdBack ?? 0) >= 3 * td)) v.push(`HOLD-BACK ${p.holdBack} < 3 × ${td}`);
  if (p.segments.length === 0) v.push('no complete segment');
  if (!p.preloadHint) v.push('EXT-X-PRELOAD-HINT missing');
  const all = p.partial ? [...p.segments, p.partial] : p.segments;
  for (const s of all) {
    const name = s.uri || `in-progress ${s.msn}`;
    if (s.uri && Math.round(s.duration) > td) v.push(`${name}: EXTINF ${s.duration} > TARGETDURATION ${td}`);
    if (!s.map) v.push(`${name}: no EXT-X-MAP before it`);
    if (s.pdt === null || Number.isNaN(s.pdt)) v.push(`${name}: no EXT-X-PROGRAM-DATE-TIME`);
    s.parts.forEach((part, i) => {
      if (part.duration > pt + 1e-9) v.push(`${part.uri}: DURATION ${part.duration} > PART-TARGET ${pt}`);
      const last = s.uri !== '' && i === s.parts.length - 1;
      if (!last && !part.independent && part.duration < 0.85 * pt)
        v.push(`${part.uri}: DURATION ${part.duration} < 85% of PART-TARGET and neither independent nor last`);
    });
    if (s.uri && s.parts.length > 0) {
      const sum = s.parts.reduce((a, b) => a + b.duration, 0);
      if (Math.abs(sum - s.duration) > 0.001 * s.parts.length)
        v.push(`${name}: parts sum to ${sum}, EXTINF ${s.duration}`);
      if (!s.parts[0]!.independent) v.push(`${name}: its first part is not INDEPENDENT`);
    }
  }
  return v;
}

/** What breaks the rules between two successive reloads of one playlist (sequence numbers, names, discontinuities). */
export function reloadViolations(before: Playlist, after: Playlist): string[] {
  const v: string[] = [];
  if (after.mediaSequence < before.mediaSequence)
    v.push(`media sequence went back ${before.mediaSequence} → ${after.mediaSequence}`);
  if (after.discontinuitySequence < before.discontinuitySequence)
    v.push(`discontinuity sequence went back ${before.discontinuitySequence} → ${after.discontinuitySequence}`);
  if (after.targetDuration! < before.targetDuration!) v.push(`target duration went down`);
  for (const s of after.segments) {
    const old = before.segments.find((o) => o.msn === s.msn);
    if (!old) continue;
    if (old.uri !== s.uri || old.duration !== s.duration || old.dsn !== s.dsn || old.map !== s.map)
      v.push(`segment ${s.msn} changed: ${JSON.stringify(old)} → ${JSON.stringify(s)}`);
  }
  const lastBefore = before.segments.at(-1)?.msn ?? -1;
  const lastAfter = after.segments.at(-1)?.msn ?? -1;
  if (lastAfter < lastBefore) v.push(`newest segment went back ${lastBefore} → ${lastAfter}`);
  return v;
}
