// The catalog Cloud Eye shares with a GB/T 28181 superior: a business group (type 215) for the platform, a virtual
// organisation (type 216) per department with shared cameras, and each shared camera as a channel under its department
// (GB/T 28181-2016 §9.5, annex E), so that the superior shows them in the city's own structure.
import type { Department } from '../contract';
import type { CameraRecord } from '../db/cameras-repo';
import type { CatalogItem } from '../gb28181/index';

const OFF_STATUSES = new Set<string>(['offline', 'unauthorized']);

/** Ids under our domain: type code and a 7-digit number. */
const idOf = (localId: string, type: number, n: number): string =>
  `${localId.slice(0, 10)}${type}${String(n).padStart(7, '0')}`;

/** The business group of the platform (one). */
export const businessGroupId = (localId: string): string => idOf(localId, 215, 1);
/** A department's virtual organisation. */
export const virtualOrgId = (localId: string, departmentId: number): string => idOf(localId, 216, departmentId);

/** The catalog of `shared` cameras (with their channel ids) and the organisation above them. */
export function upstreamCatalog(
  localId: string,
  platform: string,
  departments: readonly Department[],
  shared: ReadonlyArray<{ cam: CameraRecord; channelId: string }>,
): CatalogItem[] {
  const bg = businessGroupId(localId);
  const civilCode = localId.slice(0, 6);
  const used = new Set(shared.map((s) => s.cam.departmentId));
  const orgs: CatalogItem[] = [
    { deviceId: bg, name: platform, parentId: localId, parental: 1, civilCode },
    ...departments
      .filter((d) => used.has(d.id) && d.id >= 0 && d.id < 10_000_000)
      .map((d) => ({
        deviceId: virtualOrgId(localId, d.id),
        name: d.name,
        parentId: bg,
        businessGroupId: bg,
        parental: 1,
        civilCode,
      })),
  ];
  const known = new Set(orgs.map((o) => o.deviceId));
  const channels = shared.map(({ cam, channelId }) => {
    const org = virtualOrgId(localId, cam.departmentId);
    return {
      deviceId: channelId,
      name: cam.name,
      manufacturer: 'CloudEye',
      model: 'CloudEye',
      owner: 'CloudEye',
      civilCode,
      address: cam.address || cam.name,
      parental: 0,
      // under its department's organisation (a department id too large for one: directly under the platform)
      parentId: known.has(org) ? org : localId,
      businessGroupId: bg,
      registerWay: 1,
      secrecy: 0,
      // a camera not yet checked is shared as ON: the superior's INVITE finds out
      status: OFF_STATUSES.has(cam.status) ? 'OFF' : 'ON',
      longitude: cam.lng,
      latitude: cam.lat,
      // a camera with PTZ is a dome upward (the superior's operators get PTZ), any other a fixed camera
      ptzType: cam.capabilities?.ptz ? 1 : 3,
    } satisfies CatalogItem;
  });
  return [...orgs, ...channels];
}
