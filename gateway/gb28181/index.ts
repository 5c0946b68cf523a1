// Public surface of the GB/T 28181 library (gateway/gb28181): SIP, digest, MANSCDP, PTZCmd, SDP, RTP, PS, and the platform server.
export * from './errors';
export {
  parseSip,
  serializeSip,
  parseHead,
  header,
  headerValues,
  canonicalName,
  DEFAULT_LIMITS,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  type SipHeader,
  type SipLimits,
} from './sip-message';
export {
  parseUri,
  parseNameAddr,
  parseVia,
  parseCSeq,
  parseParams,
  formatUri,
  formatNameAddr,
  formatVia,
} from './sip-headers';
export type { SipUri, NameAddr, Via, CSeq } from './sip-headers';
export { SipStreamFramer } from './sip-framing';
export { DigestServer, parseDigest, digestResponse, authorizationHeader, type DigestVerdict } from './digest';
export { RateLimiter } from './flood';
export { SipEndpoint, type SipPeer, type IncomingRequest, type SipEndpointOptions } from './sip-endpoint';
export { buildRequest, responseTo, newBranch, newTag, newCallId, MANSCDP } from './sip-request';
export { decodeBody, declaredCharset, parseXml } from './xml';
export { encodeGb2312 } from './gb2312';
export {
  parseManscdp,
  readKeepalive,
  readDeviceInfo,
  readDeviceStatus,
  readRecordInfo,
  readAlarm,
  type ManscdpDoc,
  type Keepalive,
  type DeviceInfo,
  type DeviceStatus,
  type RecordInfo,
  type RecordItem,
  type AlarmNotify,
} from './manscdp';
export { readCatalog, CatalogCollector, type CatalogItem, type CatalogPage } from './manscdp-catalog';
export * from './manscdp-build';
export { encodePtzCmd, decodePtzCmd, type PtzCommand } from './ptz';
export { parseSdp, buildSdp, type GbSdp, type SdpOffer, type MediaTransport, type RecordedRange } from './sdp';
export { parseRtp, buildRtp, frame4571, Rfc4571Framer, RtpReceiver, RtpPacketizer, type RtpPacket } from './rtp';
export { PsDemuxer, type PsDemuxOptions, type PsDemuxStats } from './ps-demux';
export { muxPicture, packHeader, systemHeader, programStreamMap, crc32Mpeg } from './ps-mux';
export { splitAnnexB, joinAnnexB, isKeyframe, isAud, nalType, type VideoAccessUnit, type VideoCodec } from './nal';
export { GbDialog, invite, type MediaTarget } from './dialog';
export { Gb28181Server, type GbServerOptions, type GbDevice } from './server';
export { openMediaReceiver, type MediaReceiver, type MediaReceiverOptions } from './media-receiver';
export {
  buildRecordInfoPages,
  collectRecordItems,
  gbTimeToMs,
  msToGbTime,
  buildMediaStatusNotify,
  readMediaStatus,
  type MediaStatus,
} from './manscdp-record';
export { buildMansrtsp, parseMansrtsp, type MansrtspCommand } from './mansrtsp';
export { openMediaSender, type MediaSender, type MediaSenderOptions } from './media-sender';
export {
  GbUpstream,
  UpstreamRefusal,
  type UpstreamOptions,
  type UpstreamState,
  type UpstreamMedia,
  type UpstreamRecord,
} from './upstream';
