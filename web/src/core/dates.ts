// Dates and times shown in the interface language's format (not the browser's locale), in the browser's time zone.
import { currentLang } from './i18n';

const formats = new Map<string, Intl.DateTimeFormat>();

/** An ISO timestamp as date and time, e.g. "2026年12月6日 10:30:00" (zh-CN) or "Dec 6, 2026, 10:30:00 AM" (en). */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const lang = currentLang();
  let f = formats.get(lang);
  if (!f) formats.set(lang, (f = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' })));
  return f.format(d);
}
