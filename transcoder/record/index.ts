// Public surface of transcoder/record: the segment writer tap, segment names and reading a segment back.
export { SegmentWriter } from './segment-writer';
export type { ClosedSegment, SegmentWriterOptions, WriteFailure } from './segment-writer';
export { segmentRelPath, parseSegmentRelPath, resolveSegmentPath, partPathOf, isPartName } from './segment-names';
export type { SegmentName, SegmentProfile } from './segment-names';
export { checkSegmentFile } from './segment-file';
export type { SegmentFileInfo, SegmentFileCheck } from './segment-file';
