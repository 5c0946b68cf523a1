// The top bar's camera directory: departments → camera networks or grids → cameras, opened level by level; a click picks a camera.
import type { CameraTree as Tree, CameraTreeLeaves } from '../../../gateway/contract';
import { api, qs, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { onLang, t } from '../core/i18n';
import { departmentName, statusName, type AppContext } from '../core/context';
import { dragCamera } from '../wall/camera-drag';

type By = 'network' | 'grid';
export type TreeCamera = CameraTreeLeaves['items'][number];

export class CameraTree {
  readonly el: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly body: HTMLElement;
  private readonly bySel: HTMLSelectElement;
  private tree: Tree | null = null;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly onPick: (cam: TreeCamera) => void,
  ) {
    const toggle = h('button', {
      class: 'btn small tree-toggle',
      type: 'button',
      i18n: 'tree.open',
      'aria-expanded': 'false',
      onclick: () => this.open(this.panel.hidden),
    });
    this.bySel = h('select', { name: 'tree-by', onchange: () => void this.load() });
    this.fillBy();
    this.body = h('div', { class: 'tree-body' });
    const dismiss = h(
      'button',
      { class: 'icon-btn tree-close', type: 'button', 'i18n-title': 'common.dismiss', onclick: () => this.open(false) },
      '×',
    );
    const head = h('div', { class: 'tree-head' }, label(h('strong'), 'tree.title'), this.bySel, dismiss);
    this.panel = h('div', { class: 'camera-tree-panel card', hidden: true, role: 'tree' }, head, this.body);
    this.el = h('div', { class: 'camera-tree' }, toggle, this.panel);
    this.offs.push(
      onLang(() => {
        this.fillBy();
        this.render();
      }),
    );
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private fillBy(): void {
    const v = this.bySel.value || 'network';
    this.bySel.replaceChildren(
      h('option', { value: 'network' }, t('tree.byNetwork')),
      h('option', { value: 'grid' }, t('tree.byGrid')),
    );
    this.bySel.value = v;
  }

  /** Shows or hides the panel; showing it reads the tree afresh. */
  open(on: boolean): void {
    this.panel.hidden = !on;
    this.el.querySelector('.tree-toggle')?.setAttribute('aria-expanded', String(on));
    if (on) void this.load();
  }

  private async load(): Promise<void> {
    this.body.replaceChildren(label(h('div', { class: 'muted' }), 'common.loading'));
    try {
      this.tree = await api<Tree>('GET', `/cameras/tree${qs({ by: this.bySel.value })}`);
      this.render();
    } catch (err) {
      this.body.replaceChildren(h('div', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)));
    }
  }

  private render(): void {
    const tree = this.tree;
    if (!tree) return;
    if (!tree.departments.length) {
      this.body.replaceChildren(label(h('div', { class: 'muted' }), 'tree.empty'));
      return;
    }
    const by = tree.by;
    this.body.replaceChildren(
      h(
        'ul',
        { class: 'tree-level' },
        ...tree.departments.map((d) => {
          const groups = h(
            'ul',
            { class: 'tree-level', hidden: true },
            ...d.groups.map((g) => this.groupNode(by, d.id, g)),
          );
          return this.node(
            'tree-dept',
            { 'data-department': String(d.id) },
            `${departmentName(this.ctx, d.id)} (${d.count})`,
            groups,
            () => undefined,
          );
        }),
      ),
    );
  }

  private groupNode(by: By, departmentId: number, g: Tree['departments'][number]['groups'][number]): HTMLElement {
    const leaves = h('ul', { class: 'tree-level', hidden: true });
    const name = g.id === null ? t(by === 'network' ? 'tree.noNetwork' : 'tree.noGrid') : g.name;
    return this.node(
      'tree-group',
      { 'data-group': g.id === null ? 'none' : String(g.id) },
      `${name} (${g.count})`,
      leaves,
      async () => {
        leaves.replaceChildren(label(h('li', { class: 'muted' }), 'common.loading'));
        try {
          const r = await api<CameraTreeLeaves>(
            'GET',
            `/cameras/tree/cameras${qs({ by, department: departmentId, group: g.id === null ? 'none' : g.id })}`,
          );
          const leaf = (c: TreeCamera): HTMLElement =>
            h(
              'li',
              { class: 'tree-cam-item' },
              dragCamera(
                h(
                  'button',
                  { class: 'link tree-cam', type: 'button', 'data-camera-id': c.id, onclick: () => this.onPick(c) },
                  h('span', { class: `status-dot status-${c.status}`, title: statusName(c.status) }),
                  c.name,
                ),
                c.id,
                c.name,
              ),
            );
          leaves.replaceChildren(...r.items.map(leaf));
          if (r.total > r.items.length)
            leaves.append(h('li', { class: 'muted' }, t('tree.more', { n: r.total - r.items.length })));
        } catch (err) {
          leaves.replaceChildren(h('li', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)));
        }
      },
    );
  }

  /** A row that opens and closes its children; `firstOpen` fills them the first time. */
  private node(
    cls: string,
    attrs: Record<string, string>,
    text: string,
    children: HTMLElement,
    firstOpen: () => unknown,
  ): HTMLElement {
    let filled = false;
    const btn = h(
      'button',
      { class: 'link tree-expand', type: 'button', 'aria-expanded': 'false' },
      h('span', { class: 'caret' }, '▸'),
      ' ',
      text,
    );
    btn.addEventListener('click', () => {
      const on = children.hidden;
      children.hidden = !on;
      btn.setAttribute('aria-expanded', String(on));
      btn.querySelector('.caret')!.textContent = on ? '▾' : '▸';
      if (on && !filled) {
        filled = true;
        void firstOpen();
      }
    });
    return h('li', { class: cls, ...attrs }, btn, children);
  }
}
