// What a widget shows when it cannot show its picture: why, in the console's language (zh-CN first).
import { t, type MsgKey } from '../../src/core/i18n';
import type { CloudEyeError } from './connection';

/** Shows `err` in `el` (its reason in data-reason, for the host page and tests). */
export function showProblem(el: HTMLElement, err: CloudEyeError): void {
  el.dataset.state = 'failed';
  el.dataset.reason = err.reason;
  el.textContent = t(`sdk.why.${err.reason}` as MsgKey);
  el.title = err.message;
}
