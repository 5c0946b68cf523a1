// A plain data table with translated column headers, and a form-field helper for the admin pages.
import { h, label } from '../core/dom';
import type { MsgKey } from '../core/i18n';
import { ApiError } from '../core/api';
import { toast } from '../core/dom';
import { formatDateTime } from '../core/dates';

export type Column<T> = [MsgKey, (row: T) => Node | string | number | null];

export function table<T>(
  columns: Array<Column<T>>,
  rows: T[],
  rowAttrs: (row: T) => Record<string, string> = () => ({}),
): HTMLTableElement {
  const head = h('tr');
  for (const [key] of columns) head.append(label(h('th'), key));
  const body = h('tbody');
  for (const row of rows) {
    const tr = h('tr', rowAttrs(row));
    for (const [, cell] of columns) {
      const v = cell(row);
      tr.append(h('td', {}, v === null ? '' : typeof v === 'number' ? String(v) : v));
    }
    body.append(tr);
  }
  if (!rows.length)
    body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'muted', i18n: 'common.empty' })));
  return h('table', { class: 'data' }, h('thead', {}, head), body);
}

/** A labelled form field. */
export function field(key: MsgKey, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, label(h('span'), key), input);
}

/** Runs an admin action, showing the problem (with its field errors) on failure. */
export async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    toast(err instanceof ApiError ? err.describe() : String(err), 'error');
    return undefined;
  }
}

/** A timestamp in the interface language's format ('' for none). */
export function when(iso: string | null): string {
  return iso ? formatDateTime(iso) : '';
}
