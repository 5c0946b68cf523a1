// Public surface of transcoder/: the Supervisor, its types and errors, and the pure helpers.
export { Supervisor } from './supervisor';
export type { GrabResult } from './supervisor';
export type {
  AcquireResult,
  StreamRef,
  StreamStateEvent,
  StreamFailingEvent,
  StreamRecoveredEvent,
  StreamLogEvent,
} from './supervisor';
export type { StreamCodecEvent, SupervisorEvents } from './supervisor';
export type { StreamInfo, StreamState } from './stream';
export {
  TranscoderError,
  TranscoderInputError,
  TranscoderCapacityError,
  TranscoderStartError,
  TranscoderStateError,
  TranscoderGrabError,
} from './errors';
export { DEFAULT_TRANSCODER_OPTIONS, resolveOptions } from './options';
export type { TranscoderOptions, TranscoderConfig, AudioPolicy } from './options';
export { buildFfmpegArgs, buildSpawnCommand, PLAYLIST_NAME } from './ffmpeg-args';
export type { FfmpegArgOptions, FfmpegCommand, RunNumbers } from './ffmpeg-args';
export { buildSourceInput, ffconcatQuote, SOURCE_FD } from './source-input';
export type { SourceInput, SourceInputOptions } from './source-input';
export { buildFrameGrabArgs, buildOutputGrabArgs, type GrabSpec } from './frame-grab-args';
export { FILE_NAME_WHITELIST, resolveStreamFile, parsePlaylist } from './hls-files';
export { streamKey, validateSourceUrl, validateSpec, needsTranscode, maskUrl } from './stream-spec';
export type { StreamSpec, StreamKey, Profile } from './stream-spec';
export { backoffDelayMs } from './backoff';
