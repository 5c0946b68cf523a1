// The signed-in console: top bar (role-aware navigation, language, density, user), and the page router (#/map, #/users, …).
import type { Camera } from '../../../gateway/contract';
import { h, label } from '../core/dom';
import { logout } from '../core/api';
import { allows, canEditCamera, canWatch, pagesFor, type Page } from '../core/roles';
import type { AppContext } from '../core/context';
import { MapPage } from './map-page';
import { langSwitch, densitySwitch } from './settings';
import { camerasPage } from '../admin/cameras-page';
import { usersPage } from '../admin/users-page';
import { apiKeysPage } from '../admin/api-keys-page';
import { sharesPage } from '../admin/shares-page';
import { discoveryPage } from '../admin/discovery-page';
import { auditPage } from '../admin/audit-page';
import { rulesPage } from '../admin/rules-page';
import { wallPage } from '../wall/wall-page';
import { CameraSearch } from './camera-search';
import { CameraTree } from './camera-tree';
import { AlarmFeed } from '../alarms/alarm-feed';
import type { Alarm } from '../alarms/alarm-api';
import { linkStatus } from './link-status';

export class Shell {
  readonly el: HTMLElement;
  private readonly main = h('main', { class: 'content' });
  private readonly nav = h('nav', { class: 'main-nav', 'aria-label': 'pages' });
  private readonly pages: Page[];
  private mapPage: MapPage | null = null;
  private current: { page: Page; el: HTMLElement; close?: () => void } | null = null;
  private readonly finders: Array<{ close(): void }> = [];
  /** The camera of the link last opened (#/map?camera=<id>): opened once, not again on each route. */
  private linked: string | null = null;
  /** Alarms reach the operator on every page (null for roles that may not read them). */
  private readonly alarms: AlarmFeed | null;
  private readonly link: { el: HTMLElement; close(): void };

  constructor(
    private readonly ctx: AppContext,
    private readonly onLogout: () => void,
  ) {
    this.pages = pagesFor(ctx.me);
    for (const p of this.pages)
      this.nav.append(h('a', { href: `#/${p}`, class: 'nav-link', 'data-page': p, i18n: `nav.${p}` }));
    const user = h(
      'span',
      { class: 'user-chip', title: ctx.me.role },
      ctx.me.name,
      ' · ',
      label(h('span', { class: 'role-name' }), `role.${ctx.me.role}`),
    );
    const out = h('button', {
      class: 'btn small logout',
      i18n: 'nav.logout',
      onclick: async () => {
        await logout();
        this.onLogout();
      },
    });
    // finding a camera is part of the map: offered to the roles that have it
    let find: HTMLElement | null = null;
    if (this.pages.includes('map')) {
      const search = new CameraSearch((hit) => this.focusCamera(hit));
      const tree = new CameraTree(ctx, (cam) => {
        tree.open(false);
        this.focusCamera(cam);
      });
      this.finders.push(search, tree);
      find = h('div', { class: 'finders' }, search.el, tree.el);
    }
    // the wall density sizes the video wall: only for roles that may watch video
    const density = canWatch(ctx.me) ? densitySwitch(() => this.mapPage?.base?.map.invalidateSize()) : null;
    this.link = linkStatus(ctx.realtime);
    const brand = h('div', { class: 'brand' }, h('span', { class: 'logo' }, '◉'), label(h('span'), 'app.title'));
    const top = h(
      'header',
      { class: 'topbar' },
      brand,
      this.nav,
      find,
      h('div', { class: 'spacer' }),
      this.link.el,
      density,
      langSwitch(),
      user,
      out,
    );
    // an alarm opens on the map, where its cameras are (roles that read alarms have the map)
    const mapped = this.pages.includes('map') && allows(ctx.me.role, 'alarm-read');
    this.alarms = mapped ? new AlarmFeed(ctx, (a) => this.openAlarm(a)) : null;
    this.el = h('div', { class: `shell role-${ctx.me.role}` }, top, this.main, this.alarms?.el ?? null);
  }

  start(): void {
    this.alarms?.start();
    window.addEventListener('hashchange', this.route);
    this.route();
  }

  close(): void {
    window.removeEventListener('hashchange', this.route);
    for (const f of this.finders.splice(0)) f.close();
    this.current?.close?.();
    this.mapPage?.close();
    this.alarms?.close();
    this.link.close();
    this.el.remove();
  }

  /** Shows the map (from any page), flies to the camera and plays it. */
  private focusCamera(cam: Pick<Camera, 'id' | 'name' | 'lng' | 'lat'>): void {
    // a history entry of its own: Back returns to the page the camera was picked from
    if (location.hash !== '#/map') history.pushState(null, '', '#/map');
    this.show('map');
    this.mapPage?.focus(cam);
  }

  /** Shows the map (from any page) with the alarm opened in its panel. */
  private openAlarm(a: Alarm): void {
    if (location.hash !== '#/map') history.pushState(null, '', '#/map');
    this.show('map');
    this.mapPage?.openAlarm(a);
  }

  private readonly route = (): void => {
    const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
    const want = path as Page;
    const page = this.pages.includes(want) ? want : this.pages[0];
    if (!page) {
      this.main.replaceChildren(label(h('p', { class: 'muted' }), 'common.nothingHere'));
      return;
    }
    this.show(page);
    // a camera's link (#/map?camera=<id>, the popup's Copy link): the map opens on it, playing
    const camera = page === 'map' ? new URLSearchParams(query ?? '').get('camera') : null;
    if (camera && camera !== this.linked) this.mapPage?.openLinked(camera);
    this.linked = camera;
  };

  private show(page: Page): void {
    this.nav
      .querySelectorAll<HTMLElement>('[data-page]')
      .forEach((a) => a.classList.toggle('active', a.dataset.page === page));
    if (this.current?.page === page) return;
    if (this.current && this.current.page !== 'map') {
      this.current.close?.();
      this.current.el.remove();
    }
    if (this.mapPage) this.mapPage.el.hidden = page !== 'map';
    if (page === 'map') {
      if (!this.mapPage) {
        this.mapPage = new MapPage(this.ctx, this.alarms);
        this.main.append(this.mapPage.el);
        this.mapPage.start();
      } else this.mapPage.base.map.invalidateSize();
      this.current = { page, el: this.mapPage.el };
      return;
    }
    const built = this.build(page);
    this.main.append(built.el);
    this.current = { page, ...built };
  }

  private build(page: Exclude<Page, 'map'>): { el: HTMLElement; close?: () => void } {
    const locate = (cam: Camera): void => {
      location.hash = '#/map';
      setTimeout(
        () => (canEditCamera(this.ctx.me, cam.departmentId) ? this.mapPage?.edit(cam) : this.mapPage?.locate(cam)),
        50,
      );
    };
    switch (page) {
      case 'cameras':
        return { el: camerasPage(this.ctx, locate) };
      case 'users':
        return { el: usersPage(this.ctx) };
      case 'api-keys':
        return { el: apiKeysPage(this.ctx, () => this.mapPage?.select?.lastPolygon ?? null) };
      case 'shares':
        return { el: sharesPage(this.ctx, () => this.mapPage?.select?.lastPolygon ?? null) };
      case 'discovery':
        return discoveryPage(this.ctx);
      case 'wall':
        return wallPage(this.ctx);
      case 'rules':
        return { el: rulesPage(this.ctx, () => this.mapPage?.select?.lastPolygon ?? null) };
      case 'audit':
        return auditPage(this.ctx);
    }
  }
}
