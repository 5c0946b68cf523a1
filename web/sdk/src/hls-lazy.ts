// The HLS fallback as its own bundle (/sdk/cloudeye-hls.mjs): hls.js is fetched only by a player whose browser needs it.
export { HlsPlayer } from '../../src/video/hls-player';
