// Public surface of transcoder/hls/: the LL-HLS packager (a hub tap), its request parsing and its file names.
export { HlsPackager } from './hls-packager';
export type { HlsPackagerOptions } from './hls-packager';
export { parseHlsQuery } from './request';
export type { BlockingRequest } from './request';
export { parseFileName, initName, segmentName, partName } from './names';
export type { HlsFileName } from './names';
