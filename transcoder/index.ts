// Public surface of transcoder/: the Supervisor, its types and errors, and the pure helpers.
export { Supervisor } from './supervisor';
export type { AcquireResult, GrabResult } from './supervisor';
export type {
  StreamRef,
  StreamStateEvent,
  StreamFailingEvent,
  StreamRecoveredEvent,
  StreamLogEvent,
  StreamCodecEvent,
  SupervisorEvents,
} from './events';
export type { StreamInfo, StreamState } from './pull/types';
export type { ExternalSource, ExternalFeed, ExternalSession, ExternalAccessUnit } from './pull/external';
export {
  TranscoderError,
  TranscoderInputError,
  TranscoderCapacityError,
  TranscoderStartError,
  TranscoderStateError,
  TranscoderGrabError,
  Fmp4Error,
  RtspError,
} from './errors';
export { DEFAULT_TRANSCODER_OPTIONS, resolveOptions } from './options';
export type { TranscoderOptions, TranscoderConfig, AudioPolicy } from './options';
export { buildFfmpegArgs, buildDerivedH264Args, buildSpawnCommand, FMP4_PIPE_OUTPUT } from './ffmpeg-args';
export type { FfmpegArgOptions, FfmpegCommand } from './ffmpeg-args';
export { buildSourceInput, ffconcatQuote, SOURCE_FD, PROBE } from './source-input';
export type { SourceInput, SourceInputOptions, ProbeWindow } from './source-input';
export { buildFrameGrabArgs, buildOutputGrabArgs, type GrabSpec } from './frame-grab-args';
export {
  streamKey,
  outputKey,
  isOutputKey,
  validateSourceUrl,
  validateSpec,
  needsTranscode,
  pullTranscodes,
  maskUrl,
} from './stream-spec';
export type { StreamSpec, StreamKey, Profile } from './stream-spec';
export { backoffDelayMs } from './backoff';
export type { InitSegment, Fragment } from './fmp4/types';
export type { Sink, AttachOptions, Attachment, Tap, HubLimits, SinkCloseReason } from './fanout/types';
export type { StreamHub } from './fanout/stream-hub';
export type { HlsPackager } from './hls/hls-packager';
