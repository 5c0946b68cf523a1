// What every page of the console shares: the caller, departments, the realtime link, client config.
import type { Camera, Department } from '../../../gateway/contract';

/** What the wall needs of a camera: full records and spatial-query summaries both fit. */
export type PlayableCamera = Pick<Camera, 'id' | 'name'> & { capabilities?: Camera['capabilities'] };
import type { Me } from './api';
import type { Realtime } from './realtime';
import type { ClientConfig } from '../map/base-map';
import { currentLang, t } from './i18n';

export interface AppContext {
  me: Me;
  departments: Department[];
  realtime: Realtime;
  config: ClientConfig;
  /** Puts cameras on the video wall (no-op for roles without video). */
  play(cams: PlayableCamera[]): void;
}

/** The department's display name in the current language. */
export function departmentName(ctx: Pick<AppContext, 'departments'>, id: number): string {
  const d = ctx.departments.find((x) => x.id === id);
  if (!d) return `#${id}`;
  return currentLang() === 'en' ? d.nameEn || d.name : d.name;
}

/** A camera status in the current language. */
export function statusName(status: string): string {
  switch (status) {
    case 'online':
      return t('status.online');
    case 'offline':
      return t('status.offline');
    case 'degraded':
      return t('status.degraded');
    case 'unauthorized':
      return t('status.unauthorized');
    default:
      return t('status.unknown');
  }
}
