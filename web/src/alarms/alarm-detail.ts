// One opened alarm: its state and workflow buttons, assignee and notes, the event that raised it, the linked cameras
// (a click plays one live), for the cameras that recorded it the footage indexed around the event time, and the
// event's window played back (events/event-video-view).
import type { Camera } from '../../../gateway/contract';
import { api, ApiError, qs } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import { canWatch } from '../core/roles';
import type { AppContext } from '../core/context';
import { attempt, when } from '../ui/table';
import { eventSummary, kindLabel, position } from '../events/event-format';
import { eventVideoView } from '../events/event-video-view';
import { dragCamera } from '../wall/camera-drag';
import {
  assignAlarm,
  assignees,
  getAlarm,
  noteAlarm,
  stepAlarm,
  type Alarm,
  type AlarmClip,
  type AlarmDetail,
  type AlarmStep,
} from './alarm-api';

export interface AlarmDetailHooks {
  /** The alarm changed (a step, an assignment, a note). */
  changed(a: Alarm): void;
  locate(lng: number, lat: number): void;
  back(): void;
}

export function stateBadge(a: Pick<Alarm, 'state' | 'escalated'>): HTMLElement {
  const el = h('span', { class: `alarm-state state-${a.state}`, 'data-state': a.state });
  label(el, `alarm.state.${a.state}`);
  const wrap = h('span', { class: 'alarm-badges' }, el);
  if (a.escalated && a.state === 'new')
    wrap.append(label(h('span', { class: 'badge alarm-overdue' }), 'alarm.escalated'));
  return wrap;
}

/** The steps offered from each state (the server answers 409 to any other). */
const STEPS: Record<Alarm['state'], AlarmStep[]> = {
  new: ['ack', 'close'],
  acknowledged: ['handle', 'close'],
  handled: ['close'],
  closed: ['reopen'],
};

export class AlarmDetailView {
  readonly el = h('div', { class: 'alarm-detail' });
  private detail: AlarmDetail | null = null;
  private readonly ctrl = new AbortController();
  private names = new Map<number, string>();
  /** Its cameras played back over the event's window or live (made once: a redraw keeps a clip playing). */
  private video: { el: HTMLElement; close(): void } | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly id: string,
    private readonly hooks: AlarmDetailHooks,
  ) {}

  async load(): Promise<void> {
    this.el.replaceChildren(label(h('div', { class: 'muted' }), 'common.loading'));
    try {
      this.detail = await getAlarm(this.id);
      const users = await assignees(this.id).catch(() => []);
      this.names = new Map(users.map((u) => [u.id, u.name]));
      this.render();
    } catch (err) {
      this.el.replaceChildren(h('div', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)));
    }
  }

  get alarmId(): string {
    return this.id;
  }

  /** A newer copy of the alarm (from the realtime link). */
  update(a: Alarm): void {
    if (!this.detail) return;
    this.detail = { ...this.detail, alarm: a };
    this.render();
  }

  close(): void {
    this.ctrl.abort();
    this.video?.close();
  }

  /** Draws the alarm again (the interface language changed). */
  redraw(): void {
    this.render();
  }

  private async act(fn: () => Promise<Alarm>): Promise<void> {
    const a = await attempt(fn);
    // refused (another operator moved it meanwhile: 409): the problem is toasted, the alarm shown as it is now
    if (!a) {
      await this.load();
      if (this.detail) this.hooks.changed(this.detail.alarm);
      return;
    }
    if (!this.detail) return;
    this.detail = { ...this.detail, alarm: a };
    this.hooks.changed(a);
    this.render();
  }

  private render(): void {
    const d = this.detail;
    if (!d) return;
    const a = d.alarm;
    const steps = h('div', { class: 'row alarm-steps' });
    for (const step of STEPS[a.state])
      steps.append(
        h('button', {
          class: `btn small alarm-${step}${step === 'ack' ? ' primary' : ''}`,
          i18n: `alarm.${step}`,
          onclick: () => this.act(() => stepAlarm(a.id, step)),
        }),
      );
    this.el.replaceChildren(
      h(
        'div',
        { class: 'row' },
        h('button', { class: 'btn small alarm-back', i18n: 'alarm.back', onclick: () => this.hooks.back() }),
        h('button', {
          class: 'btn small alarm-locate',
          i18n: 'alarm.locate',
          onclick: () => this.hooks.locate(a.lng, a.lat),
        }),
      ),
      h('h3', { class: 'alarm-heading' }, `${kindLabel(a.kind)} · ${a.type}`, ' ', stateBadge(a)),
      facts([
        ['alarm.rule', a.ruleName],
        ['alarm.raisedAt', when(a.createdAt)],
        ['alarm.severity', String(a.severity)],
        [
          'alarm.assignee',
          a.assigneeId === null ? t('alarm.unassigned') : (this.names.get(a.assigneeId) ?? `#${a.assigneeId}`),
        ],
      ]),
      steps,
      a.state === 'closed' ? '' : this.assignForm(a),
      this.notes(a),
      this.eventBlock(d),
      this.camerasBlock(d.cameras),
      (this.video ??= eventVideoView(this.ctx, { alarm: this.id })).el,
    );
  }

  private assignForm(a: Alarm): HTMLElement {
    const sel = h('select', { name: 'assignee' }, h('option', { value: '' }, t('alarm.pickAssignee')));
    for (const [id, name] of this.names)
      sel.append(h('option', { value: String(id), selected: id === a.assigneeId }, name));
    return h(
      'div',
      { class: 'row alarm-assign' },
      sel,
      h('button', {
        class: 'btn small alarm-assign-btn',
        i18n: 'alarm.assign',
        onclick: () => {
          const userId = Number(sel.value);
          if (userId) void this.act(() => assignAlarm(a.id, userId));
        },
      }),
    );
  }

  private notes(a: Alarm): HTMLElement {
    const input = h('input', { type: 'text', name: 'note', maxlength: 2000, 'i18n-placeholder': 'alarm.note' });
    const list = h('ul', { class: 'alarm-notes' });
    for (const n of a.notes)
      list.append(h('li', {}, h('span', { class: 'muted' }, `${when(n.at)} ${n.userName}: `), n.text));
    return h(
      'section',
      {},
      label(h('h4'), 'alarm.notes'),
      list,
      h(
        'form',
        {
          class: 'row alarm-note-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const text = input.value.trim();
            if (text) void this.act(() => noteAlarm(a.id, text)).then(() => (input.value = ''));
          },
        },
        input,
        h('button', { class: 'btn small', type: 'submit', i18n: 'alarm.addNote' }),
      ),
    );
  }

  private eventBlock(d: AlarmDetail): HTMLElement {
    const e = d.event;
    return h(
      'section',
      { class: 'alarm-event' },
      label(h('h4'), 'alarm.event'),
      e
        ? facts([
            ['event.at', when(e.at)],
            ['event.kind', `${kindLabel(e.kind)} · ${e.type}`],
            ['event.what', eventSummary(e)],
            ['event.where', position(e.lng, e.lat)],
          ])
        : label(h('p', { class: 'muted' }), 'common.empty'),
    );
  }

  private camerasBlock(clips: AlarmClip[]): HTMLElement {
    const list = h('ol', { class: 'alarm-cameras' });
    const clipList = h('ul', { class: 'alarm-clips' });
    const watch = canWatch(this.ctx.me);
    for (const c of clips) {
      const name = h('span', { class: 'alarm-camera-name' }, `#${c.cameraId}`);
      const clipName = h('span', { class: 'alarm-camera-name' }, `#${c.cameraId}`);
      const play = watch
        ? h('button', { class: 'btn small alarm-camera-play', i18n: 'alarm.playLive', disabled: true })
        : null;
      list.append(
        dragCamera(
          h(
            'li',
            { class: 'alarm-camera', 'data-camera-id': c.cameraId },
            name,
            h(
              'span',
              { class: 'muted' },
              ` · ${t('alarm.metres', { n: Math.round(c.distanceM) })} · ${t(c.covering ? 'alarm.covering' : 'alarm.nearest')}`,
            ),
            play,
          ),
          c.cameraId,
          `#${c.cameraId}`,
        ),
      );
      api<Camera>('GET', `/cameras/${encodeURIComponent(c.cameraId)}`, { signal: this.ctrl.signal })
        .then((cam) => {
          name.textContent = clipName.textContent = cam.name;
          if (!play) return;
          play.disabled = false;
          play.addEventListener('click', () => this.ctx.play([cam]));
        })
        .catch(() => undefined);
      if (c.recording) clipList.append(this.clip(c, clipName));
    }
    if (!clips.length) list.append(label(h('li', { class: 'muted' }), 'alarm.noCameras'));
    if (!clipList.childElementCount) clipList.append(label(h('li', { class: 'muted' }), 'alarm.noClips'));
    return h('section', {}, label(h('h4'), 'alarm.cameras'), list, label(h('h4'), 'alarm.clips'), clipList);
  }

  /** A recorded clip: its range and what the recording index holds in it (asked of the server). */
  private clip(c: AlarmClip, name: HTMLElement): HTMLElement {
    const held = h('span', { class: 'muted clip-held' });
    api<{ spans: unknown[] }>(
      'GET',
      `/cameras/${encodeURIComponent(c.cameraId)}/recordings${qs({ from: c.from, to: c.to })}`,
      {
        signal: this.ctrl.signal,
      },
    )
      .then(
        (r) => (held.textContent = r.spans.length ? t('alarm.clipSpans', { n: r.spans.length }) : t('alarm.clipNone')),
      )
      .catch((err: unknown) => (held.textContent = err instanceof ApiError ? err.describe() : ''));
    return h(
      'li',
      { class: 'alarm-clip', 'data-camera-id': c.cameraId },
      name,
      ` ${when(c.from)} – ${when(c.to)} `,
      held,
    );
  }
}

function facts(rows: Array<[Parameters<typeof label>[1], string]>): HTMLElement {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of rows) dl.append(label(h('dt'), k), h('dd', {}, v));
  return dl;
}
