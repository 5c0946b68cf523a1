// Turns ffmpeg's fMP4 byte stream into an init segment and fragments (moof + mdat), rejoining split pictures.
import { Fmp4Error } from '../errors';
import { startsMidPicture, type SliceCodec } from './access-units';
import { BoxReader, DEFAULT_MAX_BOX_BYTES, type TopBox } from './box-reader';
import { children } from './boxes';
import { readFragment } from './fragment';
import { readInit, type InitInfo } from './init-segment';
import { joinSplit, type HeldFragment } from './split-join';
import type { Fragment, InitSegment } from './types';

export interface FragmentReaderOptions {
  generation: number;
  /** Rejoin split pictures (see transcoder/fmp4/access-units.ts) for copied h264/h265; null: don't. */
  sliceCodec: SliceCodec | null;
  /**
   * Hold each fragment from the start, as if a split picture had been seen already (a camera known
   * to split pictures, e.g. from an earlier run): its first keyframe then arrives whole too.
   */
  assumeSplitPictures?: boolean;
  /**
   * Hold the run's first fragment until the next one shows whether it continues it (one frame of
   * delay on the first keyframe only): a camera that splits pictures is not known to before its first
   * keyframe, and a viewer starting there would decode half a picture.
   */
  holdFirstFragment?: boolean;
  /** Largest box accepted (default 16 MiB); a larger or malformed size → onError(Fmp4Error), input ignored after. */
  maxBoxBytes?: number;
  onInit(init: InitSegment): void;
  onFragment(f: Omit<Fragment, 'seq'>): void;
  onError(err: Fmp4Error): void;
}

/** Runs a parse step: an unexpected failure inside it (a layout no check foresaw) is an Fmp4Error too. */
function parse<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof Fmp4Error) throw err;
    throw new Fmp4Error(`transcoder: fmp4: unreadable box data (${(err as Error).message})`);
  }
}

/** Boxes that may stand before a moof (kept with the fragment). */
const PREFIX = new Set(['styp', 'sidx', 'ssix', 'prft', 'emsg']);
/** Boxes that carry nothing a consumer needs (dropped). */
const IGNORED = new Set(['free', 'skip', 'wide', 'mfra', 'udta', 'meta', 'uuid']);

/**
 * Reads one ffmpeg run's fMP4 (`-movflags empty_moov+default_base_moof+frag_every_frame` on a pipe):
 * ftyp + moov → onInit; [styp/sidx/prft…] + moof + mdat → onFragment, receivedAt = Date.now() when the
 * mdat's last byte was pushed. The first bad box, size or layout → onError(Fmp4Error) once, nothing
 * emitted after; push() never throws for bad input. Memory: one box being read, the boxes of the
 * fragment being assembled, and (once a split picture was seen) one held fragment.
 *
 * Split pictures: ffmpeg puts the halves of a split picture (see access-units.ts) in consecutive
 * fragments. Once the reader has seen a fragment whose first video sample starts mid-picture, it
 * holds each fragment until the next one shows whether it continues it, and merges them into one
 * (one sample). Before that first sighting nothing is held, so cameras that never split pay no delay;
 * the fragment of that first sighting is passed on as it is, with keyframe false.
 */
export class FragmentReader {
  private readonly boxes: BoxReader;
  private info: InitInfo | null = null;
  private ftyp: Buffer | null = null;
  private prefix: Buffer[] = [];
  private prefixBytes = 0;
  private moof: Buffer | null = null;
  private held: HeldFragment | null = null;
  private splitSeen: boolean;
  private emitted = false;
  private ended = false;

  constructor(private readonly o: FragmentReaderOptions) {
    this.splitSeen = !!o.assumeSplitPictures && o.sliceCodec !== null;
    this.boxes = new BoxReader({
      maxBoxBytes: o.maxBoxBytes,
      onBox: (b) => this.onBox(b),
      onError: (e) => this.onReaderError(e),
    });
  }

  /** True once an Fmp4Error was reported: nothing more is emitted. */
  get failed(): boolean {
    return this.boxes.failed;
  }

  /** True once a split picture was seen (fragments are then held one fragment long). */
  get splitPictures(): boolean {
    return this.splitSeen;
  }

  push(chunk: Buffer): void {
    if (this.ended) return;
    this.boxes.push(chunk);
  }

  /** The stream ended (ffmpeg exited): passes on a held fragment. Nothing is read after. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.failed) this.release();
  }

  private onReaderError(err: Fmp4Error): void {
    this.held = null;
    this.prefix = [];
    this.moof = null;
    this.o.onError(err);
  }

  private fail(why: string): void {
    this.boxes.fail(new Fmp4Error(`transcoder: fmp4: ${why}`));
  }

  private onBox(box: TopBox): void {
    try {
      if (!this.info) this.beforeInit(box);
      else this.afterInit(box);
    } catch (err) {
      if (err instanceof Fmp4Error) this.boxes.fail(err);
      else throw err;
    }
  }

  private beforeInit(box: TopBox): void {
    if (box.type === 'ftyp' && !this.ftyp) this.ftyp = box.data;
    else if (box.type === 'moov' && this.ftyp) {
      const init = Buffer.concat([this.ftyp, box.data]);
      this.info = parse(() => readInit(init, this.o.generation));
      this.ftyp = null;
      this.o.onInit(this.info.init);
    } else if (!IGNORED.has(box.type)) {
      const at = this.boxes.position - box.data.length;
      const why =
        box.type === 'moov'
          ? 'without an ftyp before it'
          : box.type === 'ftyp'
            ? 'twice'
            : 'before the init segment (ftyp, moov)';
      this.fail(`box "${box.type}" at offset ${at} ${why}`);
    }
  }

  private afterInit(box: TopBox): void {
    const at = this.boxes.position - box.data.length;
    if (box.type === 'mdat') {
      if (!this.moof) return this.fail(`mdat at offset ${at} without a moof before it`);
      this.assemble(box.data);
    } else if (this.moof) this.fail(`box "${box.type}" at offset ${at} between a moof and its mdat`);
    else if (box.type === 'moof') this.moof = box.data;
    else if (PREFIX.has(box.type)) {
      this.prefixBytes += box.data.length;
      if (this.prefixBytes > (this.o.maxBoxBytes ?? DEFAULT_MAX_BOX_BYTES))
        return this.fail(`${this.prefixBytes} bytes of boxes before a moof at offset ${at}`);
      this.prefix.push(box.data);
    } else if (box.type === 'ftyp' || box.type === 'moov')
      this.fail(`a second init segment at offset ${at} in one run`);
    else if (!IGNORED.has(box.type)) this.fail(`unexpected box "${box.type}" at offset ${at}`);
  }

  private assemble(mdat: Buffer): void {
    const receivedAt = Date.now();
    const info = this.info!;
    const start = this.prefixBytes;
    const moofBytes = this.moof!.length;
    const data = Buffer.concat([...this.prefix, this.moof!, mdat]);
    this.prefix = [];
    this.prefixBytes = 0;
    this.moof = null;
    const frag = parse(() => {
      const moof = children(data, start, start + moofBytes, 'fragment')[0]!;
      return { data, moof, parsed: readFragment(data, moof, info), receivedAt };
    });
    this.route(frag);
  }

  /** Applies the split-picture rule: emit, hold, or fold into the held fragment. */
  private route(frag: HeldFragment): void {
    const codec = this.o.sliceCodec;
    if (!codec) return this.emit(frag);
    const first = frag.parsed.video?.samples[0];
    const mid =
      !!first &&
      first.offset >= 0 &&
      parse(() => startsMidPicture(frag.data.subarray(first.offset, first.offset + first.size), codec));
    if (mid) {
      this.splitSeen = true;
      const held = this.held;
      const joined = held && parse(() => joinSplit(held, frag, this.info!));
      if (joined) {
        this.held = joined;
        return;
      }
      // nothing to fold it into (first sighting, or a layout joinSplit does not handle): not a place to start decoding
      frag.parsed.keyframe = false;
      this.release();
      return this.emit(frag);
    }
    this.release();
    if (this.splitSeen || (!this.emitted && this.o.holdFirstFragment)) this.held = frag;
    else this.emit(frag);
  }

  private release(): void {
    const h = this.held;
    this.held = null;
    if (h) this.emit(h);
  }

  private emit(f: HeldFragment): void {
    this.emitted = true;
    const p = f.parsed;
    this.o.onFragment({
      data: f.data,
      keyframe: p.keyframe,
      generation: this.o.generation,
      startS: p.startS,
      durationS: p.durationS,
      receivedAt: f.receivedAt,
    });
  }
}
