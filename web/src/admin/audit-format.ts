// Audit rows in words: the action, outcome, actor, target and details in the interface language (raw codes only as a fallback).
import type { AuditEntry } from '../../../gateway/contract';
import { h } from '../core/dom';
import { has, t, type MsgKey } from '../core/i18n';
import { formatDateTime } from '../core/dates';
import { departmentName, type AppContext } from '../core/context';

/** The actions the gateway writes, in the order the filter offers them. */
export const AUDIT_ACTIONS = [
  'login',
  'logout',
  'stream.open',
  'stream.close',
  'camera.ptz',
  'camera.ptz-patrol',
  'camera.create',
  'camera.update',
  'camera.delete',
  'camera.import',
  'camera.register',
  'camera.resync',
  'discovery.scan',
  'share.create',
  'share.revoke',
  'user.create',
  'user.update',
  'apikey.create',
  'apikey.revoke',
  'apikey.update',
  'network.create',
  'department.create',
  'department.update',
  'grid.create',
  'grid.delete',
  'wall.pane.set',
  'wall.pane.clear',
  'wall.layout.set',
  'wall.view.apply',
  'wall.screen.create',
  'wall.screen.remove',
  'cascade.link',
  'cascade.refused',
] as const;

/** A label for `key` when the dictionary has it, else `fallback`. */
function tr(key: string, fallback: string): string {
  return has(key) ? t(key as MsgKey) : fallback;
}

export function actionText(action: string): string {
  return tr(`act.${action}`, action);
}

export function outcomeText(outcome: string): string {
  return tr(`outcome.${outcome}`, outcome);
}

export function actorText(e: AuditEntry): string {
  if (e.actorType === 'system') return t('audit.system');
  if (e.actorType === 'anonymous') return `${e.actorName} (${t('audit.anonymous')})`;
  return e.actorDisplayName ? `${e.actorDisplayName} (${e.actorName})` : e.actorName;
}

export function targetText(ctx: Pick<AppContext, 'departments'>, e: AuditEntry): string {
  if (!e.targetType) return '';
  const kind = tr(`target.${e.targetType}`, e.targetType);
  if (!e.targetId) return kind;
  const name = e.targetType === 'department' ? departmentName(ctx, Number(e.targetId)) : e.targetName;
  return name ? `${kind} ${name} (#${e.targetId})` : `${kind} #${e.targetId}`;
}

function duration(s: number): string {
  const whole = Math.round(s);
  return whole < 60
    ? t('detail.seconds', { s: Math.round(s * 10) / 10 })
    : t('detail.duration', { m: Math.floor(whole / 60), s: whole % 60 });
}

/** Camera fields named by a camera.update row, as the camera form calls them. */
const FIELD_KEYS: Record<string, MsgKey> = {
  name: 'camera.name',
  address: 'camera.address',
  bearing: 'camera.bearing',
  fov: 'camera.fov',
  rangeM: 'camera.range',
  tags: 'camera.tags',
  lng: 'camera.position',
  lat: 'camera.position',
};

function plain(v: unknown): string {
  if (typeof v === 'boolean') return t(v ? 'detail.yes' : 'detail.no');
  if (Array.isArray(v)) return v.map(plain).join(', ');
  if (v && typeof v === 'object')
    return Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => `${k}: ${plain(x)}`)
      .join(', ');
  return String(v);
}

function value(ctx: Pick<AppContext, 'departments'>, key: string, v: unknown): string {
  switch (key) {
    case 'profile':
      return tr(`detail.profile.${String(v)}`, String(v));
    case 'durationS':
      return typeof v === 'number' ? duration(v) : plain(v);
    case 'reason':
      return tr(`reason.${String(v)}`, String(v));
    case 'role':
      return tr(`role.${String(v)}`, String(v));
    case 'departmentId':
    case 'to':
      return typeof v === 'number' ? departmentName(ctx, v) : plain(v);
    case 'kind':
      return tr(`share.kind.${String(v)}`, String(v));
    case 'refusedBy':
    case 'source':
      return tr(`detail.${key}.${String(v)}`, String(v));
    case 'expiresAt':
      return typeof v === 'string' ? formatDateTime(v) : t('share.never');
    case 'fields':
      return Array.isArray(v)
        ? [...new Set(v.map((f) => (FIELD_KEYS[String(f)] ? t(FIELD_KEYS[String(f)]!) : String(f))))].join(', ')
        : plain(v);
    default:
      return plain(v);
  }
}

/** Keys that help no reader (a session's random id) are left out. */
const HIDDEN = new Set(['session', 'bytes', 'takenAt']);

/** The row's details as labelled items ("时长 1 分 5 秒 · 原因 观看者离开"), not JSON. */
export function detailView(ctx: Pick<AppContext, 'departments'>, e: AuditEntry): HTMLElement {
  const box = h('span', { class: 'audit-detail' });
  for (const [key, v] of Object.entries(e.detail)) {
    if (HIDDEN.has(key) || v === null || v === undefined || v === '') continue;
    if (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length) continue;
    box.append(
      h(
        'span',
        { class: 'detail-item', 'data-key': key },
        h('span', { class: 'detail-key' }, tr(`detail.${key}`, key)),
        ' ',
        value(ctx, key, v),
      ),
    );
  }
  return box;
}

/** The row's time in the interface language's format. */
export function atText(e: AuditEntry): string {
  return formatDateTime(e.at);
}
