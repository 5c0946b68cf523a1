// Access policy, non-human subjects: the principals event sources and linkage rules act as, and what an event is
// checked as. Pure, no I/O.
import type { PolicyCamera, Principal } from './policy-terms';

/** An event source as the policy sees it: a department's sender of events. */
export interface PolicySource {
  id: number;
  name: string;
  departmentId: number;
}

/**
 * The principal an event source acts as: an integrator of its department (action 'post-event' per camera),
 * so a source may post events only for cameras and points its department may see (own, or shared to it).
 */
export function sourcePrincipal(s: PolicySource): Principal {
  return {
    kind: 'user',
    id: -s.id,
    name: `source:${s.name}`,
    role: 'integrator',
    departmentId: s.departmentId,
    area: null,
    scopes: [],
  };
}

/**
 * The principal a linkage rule chooses cameras as: an operator of the rule's department, so an alarm is given
 * only cameras its department may view (its own, or shared to it), whoever in the department later opens it.
 */
export function alarmPrincipal(rule: { id: number; name: string; departmentId: number }): Principal {
  return {
    kind: 'user',
    id: -rule.id,
    name: `alarm-rule:${rule.name}`,
    role: 'operator',
    departmentId: rule.departmentId,
    area: null,
    scopes: [],
  };
}

/**
 * What decides who may see an event: its camera when it has one (as the camera is now), else its point or
 * its own position with the department that owns it, as a camera without tags (so whole-department and
 * polygon shares reach it, tag and camera-list shares do not).
 */
export function eventSubject(
  e: { cameraId: string | null; departmentId: number; lng: number; lat: number },
  camera?: PolicyCamera,
): PolicyCamera {
  return (
    camera ?? {
      id: e.cameraId ? `gone:${e.cameraId}` : '',
      departmentId: e.departmentId,
      tags: [],
      lng: e.lng,
      lat: e.lat,
    }
  );
}
