// The map's attribution line in the interface language: replaces Leaflet's English-only control and follows language switches.
import * as L from 'leaflet';
import { MESSAGES, type MsgKey } from '../core/messages';
import { has, onLang, t } from '../core/i18n';

/**
 * A layer's attribution as shown: a message key (e.g. 'map.attributionOffline'), or the zh-CN text, the en
 * text or both ("天地图 Tianditu") of a 'map.attribution*' message, is shown in the current language; any
 * other text (a configured source's own credit, HTML as Leaflet accepts it) is shown as given.
 */
export function attributionText(raw: string): { text: string } | { html: string } {
  if (has(raw) && raw.startsWith('map.attribution')) return { text: t(raw) };
  for (const [key, pair] of Object.entries(MESSAGES)) {
    if (!key.startsWith('map.attribution')) continue;
    const [zh, en] = pair as readonly [string, string];
    if (raw === zh || raw === en || raw === `${zh} ${en}`) return { text: t(key as MsgKey) };
  }
  return { html: raw };
}

class TranslatedAttribution extends L.Control {
  private box: HTMLElement | null = null;
  private off: (() => void) | null = null;

  constructor() {
    super({ position: 'bottomright' });
  }

  override onAdd(map: L.Map): HTMLElement {
    const box = L.DomUtil.create('div', 'leaflet-control-attribution');
    L.DomEvent.disableClickPropagation(box);
    this.box = box;
    map.on('layeradd layerremove', this.render, this);
    this.off = onLang(() => this.render());
    // the layers are added after the control in some orders: draw once the map settles too
    setTimeout(() => this.render(), 0);
    this.render();
    return box;
  }

  override onRemove(map: L.Map): void {
    map.off('layeradd layerremove', this.render, this);
    this.off?.();
    this.off = null;
    this.box = null;
  }

  private render(): void {
    const map = (this as unknown as { _map?: L.Map })._map;
    if (!this.box || !map) return;
    const seen = new Set<string>();
    map.eachLayer((l) => {
      const a = l.getAttribution?.();
      if (a) seen.add(a);
    });
    const parts: Node[] = [document.createTextNode(`${t('map.attributionPrefix')} Leaflet`)];
    for (const raw of seen) {
      parts.push(document.createTextNode(' | '));
      const shown = attributionText(raw);
      const span = document.createElement('span');
      if ('text' in shown) span.textContent = shown.text;
      else span.innerHTML = shown.html; // a configured source's own attribution markup, as Leaflet shows it
      parts.push(span);
    }
    this.box.replaceChildren(...parts);
  }
}

/** Puts the translated attribution in place of Leaflet's; returns its removal. */
export function translateAttribution(map: L.Map): () => void {
  map.attributionControl?.remove();
  const control = new TranslatedAttribution().addTo(map);
  return () => control.remove();
}
