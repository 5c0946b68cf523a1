// Public surface of the ONVIF library (gateway/onvif): client, discovery, URI checks and errors.
export { OnvifDevice, type OnvifDeviceOptions, type PtzVector } from './device';
export { PullPoint } from './pull-point';
export * from './errors';
export type { DeviceClock, DeviceInformation, ServiceAddresses } from './parse-device';
export type { MediaProfile, VideoEncoding } from './parse-media';
export type { PtzNode, PtzPosition, PtzPreset, PtzStatus } from './parse-ptz';
export type { OnvifEvent, PullPointSubscription } from './parse-events';
export { parseSystemDateAndTime, parseDeviceInformation, parseServices, parseCapabilities } from './parse-device';
export { parseProfiles, parseMediaUri, normEncoding } from './parse-media';
export { parsePresets, parsePtzNodes, parsePtzStatus, parseSetPreset } from './parse-ptz';
export { parseNotifications, parsePullPointSubscription, parseRenew, parseMetadataEvents } from './parse-events';
export { validateStreamUri, validateSnapshotUri, pinServiceUrl, type UriPolicy } from './uri';
export { parseXml } from './xml';
export { readFault, usernameToken, envelope, type SoapFault } from './soap';
export { soapExchange, type SoapRequest, type SoapResponse } from './transport';
export {
  parseDigestChallenge,
  digestAuthorization,
  verifyDigestAuthorization,
  offersBasic,
  type DigestChallenge,
} from './http-digest';
export { probeMulticast, type MulticastProbeOptions, type MulticastProbeResult } from './probe-multicast';
export {
  sweepUnicast,
  type SweepOptions,
  type SweepResult,
  type SweepProgress,
  type SweepFailure,
} from './sweep-unicast';
export { expandCidr, parseTargets, type SweepTarget } from './targets';
export {
  buildProbe,
  parseProbeMatches,
  MAX_WSD_DATAGRAM,
  WSD_GROUP,
  WSD_PORT,
  type DiscoveredDevice,
  type ProbeMatch,
  type DatagramStats,
} from './ws-discovery';
