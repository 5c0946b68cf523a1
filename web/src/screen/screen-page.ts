// The wall screen page, /screen/<id>: paired once with a pairing secret, then shows what the gateway holds for the screen
// and follows its pushes; a page replaced by another browser with the same credential, or of a removed screen, closes.
import type { Screen } from '../../../gateway/wall/wall-model';
import type { WallScreenMessage } from '../../../gateway/realtime/messages';
import { api, ApiError, onSessionExpired, useFixedToken } from '../core/api';
import { h, label } from '../core/dom';
import { applyLang, t } from '../core/i18n';
import { Realtime } from '../core/realtime';
import { ScreenGrid } from './screen-grid';

const storeKey = (id: number): string => `cloudeye.screen.${id}`;

/** The screen id of a /screen/<id> path; null for any other path. */
export function screenIdOf(pathname: string): number | null {
  const m = /^\/screen\/(\d{1,9})\/?$/.exec(pathname);
  return m ? Number(m[1]) : null;
}

export class ScreenPage {
  private realtime: Realtime | null = null;
  private grid: ScreenGrid | null = null;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly id: number,
  ) {}

  start(): void {
    document.body.classList.add('screen-mode');
    this.offs.push(onSessionExpired(() => this.unpaired()));
    // a pairing link (/screen/<id>#pair=<secret>) pairs at once; the fragment never reaches the server or its logs
    const linked = /^#pair=([^&]+)$/.exec(location.hash)?.[1];
    if (linked) history.replaceState(null, '', location.pathname);
    const token = localStorage.getItem(storeKey(this.id));
    if (linked) void this.pair(decodeURIComponent(linked));
    else if (token) void this.run(token);
    else this.showPairing();
  }

  /** The pairing form: the secret an admin got when the screen was created, exchanged once for the screen's token. */
  private showPairing(error = ''): void {
    const secret = h('input', {
      name: 'secret',
      autocomplete: 'off',
      'i18n-placeholder': 'screen.secret',
      required: true,
    });
    const form = h(
      'form',
      { class: 'login-card screen-pair' },
      label(h('h1'), 'screen.pairTitle'),
      label(h('p', { class: 'muted' }), 'screen.pairHint'),
      secret,
      h('button', { type: 'submit', class: 'btn primary', i18n: 'screen.pair' }),
      h('p', { class: 'error' }, error),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.pair(secret.value.trim());
    });
    this.root.replaceChildren(h('div', { class: 'login-page' }, form));
    applyLang(this.root);
  }

  private async pair(secret: string): Promise<void> {
    try {
      const r = await fetch(`/api/v1/wall/screens/${this.id}/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret }),
      });
      if (!r.ok) throw new Error(String(r.status));
      const { token } = (await r.json()) as { token: string };
      localStorage.setItem(storeKey(this.id), token);
      await this.run(token);
    } catch {
      this.showPairing(t('screen.pairFailed'));
    }
  }

  /** Shows the screen with its token: its state now, then every push; after a drop, its state again. */
  private async run(token: string): Promise<void> {
    useFixedToken(token);
    const realtime = new Realtime();
    this.realtime = realtime;
    realtime.start();
    this.grid = new ScreenGrid(realtime);
    this.root.replaceChildren(h('main', { class: 'screen-page', 'data-screen-id': this.id }, this.grid.el));
    this.offs.push(
      realtime.on('wall:screen', (m) => this.onMessage(m)),
      realtime.onReconnect(() => void this.load()),
    );
    await this.load();
  }

  private async load(): Promise<void> {
    try {
      this.grid?.show(await api<Screen>('GET', '/wall/screen'));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) this.unpaired();
    }
  }

  private onMessage(m: WallScreenMessage): void {
    if (m.id !== this.id) return;
    if ('closed' in m) this.closed(m.closed === 'replaced' ? 'screen.replaced' : 'screen.removed');
    else this.grid?.show(m);
  }

  /** The token is no longer the screen's (paired again elsewhere, or the screen removed): pair again. */
  private unpaired(): void {
    localStorage.removeItem(storeKey(this.id));
    this.stop();
    this.showPairing();
  }

  /** Closed by the gateway: nothing plays any more, the reason is shown. */
  private closed(why: 'screen.replaced' | 'screen.removed'): void {
    this.stop();
    this.root.replaceChildren(label(h('p', { class: 'screen-closed', 'data-reason': why }), why));
  }

  private stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.grid?.close();
    this.grid = null;
    this.realtime?.close();
    this.realtime = null;
    useFixedToken(null);
  }
}
