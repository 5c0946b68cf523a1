// The address a camera's stream is pulled from: its RTSP URI, the gb28181:// address of a GB/T 28181 channel, or the
// cascade://<peer>/<camera>/<profile> address of a lower platform's camera.
import type { Camera } from '../contract';

type StreamAddress = Pick<
  Camera,
  'source' | 'mainUri' | 'subUri' | 'gbDeviceId' | 'gbChannelId' | 'cascadePeer' | 'cascadeCameraId'
>;

/** `gb28181://<device id>/<channel id>`: served by the gateway's GB/T 28181 media source (transcoder external source). */
export const gbStreamUrl = (deviceId: string, channelId: string): string => `gb28181://${deviceId}/${channelId}`;

/**
 * The URL of a camera's `profile` stream, or null when it has none. `subFallback`: a camera without a sub
 * stream serves its main one for 'sub' (live viewing; recordings ask for exactly the profile they plan).
 * A GB/T 28181 channel has one stream, served for either profile.
 */
export function streamUrl(cam: StreamAddress, profile: 'main' | 'sub', subFallback: boolean): string | null {
  if (cam.source === 'gb28181')
    return cam.gbDeviceId && cam.gbChannelId ? gbStreamUrl(cam.gbDeviceId, cam.gbChannelId) : null;
  if (cam.source === 'cascade')
    return cam.cascadePeer && cam.cascadeCameraId
      ? `cascade://${cam.cascadePeer}/${cam.cascadeCameraId}/${profile}`
      : null;
  if (profile === 'main') return cam.mainUri;
  return subFallback ? (cam.subUri ?? cam.mainUri) : cam.subUri;
}
