// The map page: sidebar tools (filters, incident, draw, alarms, event search), the Leaflet map with cameras and grids, and the video wall.
import type { Camera } from '../../../gateway/contract';
import { h, label, toast } from '../core/dom';
import { api, ApiError } from '../core/api';
import { allows, canPtz, canWatch } from '../core/roles';
import type { AppContext } from '../core/context';
import { BaseMap } from '../map/base-map';
import { translateAttribution } from '../map/attribution';
import { CameraLayer } from '../map/camera-layer';
import { openCameraPopup } from '../map/camera-popup';
import { CameraEditor } from '../map/camera-editor';
import { GridsLayer } from '../map/grids-layer';
import { VideoWall } from '../video/video-wall';
import { FilterPanel } from '../tools/filter-panel';
import { IncidentPanel } from '../tools/incident-panel';
import { SelectPanel } from '../tools/select-panel';
import { PlateTrackPanel } from '../events/plate-track';
import { AlarmPanel } from '../alarms/alarm-panel';
import type { AlarmFeed } from '../alarms/alarm-feed';
import type { Alarm } from '../alarms/alarm-api';
import { EventSearch } from '../events/event-search';
import { WallPanel } from '../wall/wall-panel';

type Tab = 'filter' | 'incident' | 'draw' | 'alarms' | 'events' | 'track';

declare global {
  interface Window {
    /** Handles for end-to-end tests and the console benchmark (the map, the cameras layer, the draw tool). */
    cloudeye?: { base: BaseMap; cameras: CameraLayer; select: SelectPanel; play: (cams: Camera[]) => void };
  }
}

export class MapPage {
  readonly el: HTMLElement;
  base!: BaseMap;
  cameras!: CameraLayer;
  select!: SelectPanel;
  private readonly mapEl = h('div', { id: 'map', class: 'map' });
  private readonly side = h('aside', { class: 'sidebar' });
  private readonly wall: VideoWall | null;
  private readonly closers: Array<() => void> = [];
  private editor: CameraEditor | null = null;
  /** The department's wall beside the map (drivers only): cameras are dragged onto its panes. */
  private readonly wallPanel: WallPanel | null;
  private alarms: AlarmPanel | null = null;
  private showTab: ((tab: Tab) => void) | null = null;

  /** `feed`: the console's alarm feed (null for roles that may not read alarms: no alarm panel). */
  constructor(
    private readonly ctx: AppContext,
    private readonly feed: AlarmFeed | null,
  ) {
    this.wallPanel = allows(ctx.me.role, 'wall-drive') && canWatch(ctx.me) ? new WallPanel(ctx) : null;
    this.wall = canWatch(ctx.me)
      ? new VideoWall({
          realtime: ctx.realtime,
          ptz: canPtz(ctx.me),
          playback: allows(ctx.me.role, 'playback'),
          exports: allows(ctx.me.role, 'export'),
          onEmpty: () => this.layout(),
          onChange: () => this.layout(),
        })
      : null;
    this.el = h(
      'div',
      { class: 'page map-page' },
      this.side,
      h('div', { class: 'map-wrap' }, this.mapEl, this.wallPanel?.el ?? null),
      this.wall?.el ?? null,
    );
    ctx.play = (cams: Camera[]) => {
      if (!this.wall) return;
      if (cams.length === 1) this.wall.play(cams[0]!);
      else this.wall.playAll(cams);
      this.layout();
    };
  }

  /** Builds the map once the element is in the document (Leaflet needs its size). */
  start(): void {
    const ctx = this.ctx;
    this.base = new BaseMap(this.mapEl, ctx.config);
    this.closers.push(translateAttribution(this.base.map));
    const grids = new GridsLayer(this.base);
    this.cameras = new CameraLayer(this.base, {
      defaultRangeM: ctx.config.gis.defaultRangeM,
      onCameraClick: (p, at) => {
        this.cameras.select(p.id);
        openCameraPopup(this.base.map, at, p.id, ctx, { onEdit: (cam) => this.edit(cam) });
      },
      onError: (err) => toast(err instanceof ApiError ? err.describe() : String(err), 'error'),
    });
    this.cameras.start();
    this.closers.push(() => this.cameras.close());
    this.closers.push(ctx.realtime.on('camera:status', (changes) => this.cameras.applyStatus(changes)));
    this.closers.push(ctx.realtime.on('camera:changed', () => this.cameras.schedule(300)));
    this.closers.push(ctx.realtime.on('camera:removed', () => this.cameras.schedule(300)));

    const filters = new FilterPanel(
      ctx,
      (f) => this.cameras.setFilters(f),
      (on) => grids.setVisible(on),
    );
    const incident = new IncidentPanel(ctx, this.base, grids);
    this.select = new SelectPanel(ctx, this.base);
    incident.start();
    this.closers.push(
      () => filters.close(),
      () => incident.close(),
      () => this.select.close(),
      () => grids.close(),
    );
    grids
      .load()
      .then(() => {
        grids.setVisible(true);
        incident.fillPlaces();
      })
      .catch(() => undefined);

    const panels: Partial<Record<Tab, HTMLElement>> = {
      filter: filters.el,
      incident: incident.el,
      draw: this.select.el,
    };
    // alarms and event search, for the roles the policy lets read them
    const alarms = this.feed ? new AlarmPanel(ctx, this.base, () => show('alarms'), this.feed) : null;
    this.alarms = alarms;
    const events = allows(ctx.me.role, 'event-read') ? new EventSearch(this.base, () => this.select.lastShape) : null;
    for (const tool of [alarms, events]) {
      tool?.start();
      if (tool) this.closers.push(() => tool.close());
    }
    if (alarms) panels.alarms = alarms.el;
    if (events) panels.events = events.el;
    // the plate track: checkpoint reads, which event readers may search
    if (allows(ctx.me.role, 'event-read')) {
      const track = new PlateTrackPanel(ctx, this.base);
      this.closers.push(() => track.close());
      panels.track = track.el;
    }
    const tabs = h('nav', { class: 'tabs', role: 'tablist' });
    const body = h('div', { class: 'tab-body' });
    const show = (tab: Tab): void => {
      tabs
        .querySelectorAll<HTMLElement>('[data-tab]')
        .forEach((b) => b.classList.toggle('active', b.dataset.tab === tab));
      body.replaceChildren(panels[tab] ?? '');
      incident.arm(tab === 'incident');
      if (tab !== 'draw') this.select.reset();
    };
    for (const tab of Object.keys(panels) as Tab[])
      tabs.append(
        h(
          'button',
          { class: 'tab', role: 'tab', 'data-tab': tab, onclick: () => show(tab) },
          label(h('span'), `tab.${tab}`),
          tab === 'alarms' ? (alarms?.badge ?? null) : null,
        ),
      );
    this.side.append(tabs, body);
    this.showTab = show;
    show('filter');
    this.layout();
    window.cloudeye = {
      base: this.base,
      cameras: this.cameras,
      select: this.select,
      play: (cams) => this.ctx.play(cams),
    };
  }

  private layout(): void {
    const on = (this.wall?.size ?? 0) > 0;
    this.el.classList.toggle('with-wall', on);
    // the map's size changed with the grid columns
    setTimeout(() => this.base?.map.invalidateSize(), 0);
  }

  /** Opens the position/bearing editor for a camera (its owning admin). */
  edit(cam: Camera): void {
    this.editor?.close(null);
    this.editor = new CameraEditor(this.base, cam, this.ctx.config.gis.defaultRangeM, (saved) => {
      this.editor = null;
      if (saved) this.cameras.refresh();
    });
    this.editor.start(this.mapEl.parentElement ?? this.el);
  }

  /** Flies to a camera found by the search or the directory, marks it, and plays it (roles that watch video). */
  focus(cam: Pick<Camera, 'id' | 'name' | 'lng' | 'lat'>): void {
    const map = this.base.map;
    map.invalidateSize();
    this.cameras.select(cam.id);
    map.flyTo(this.base.toLatLng(cam.lng, cam.lat), Math.max(map.getZoom(), 18), { duration: 0.8 });
    if (!this.wall) return;
    // the full record carries the capabilities the pane needs (PTZ)
    api<Camera>('GET', `/cameras/${encodeURIComponent(cam.id)}`)
      .then((full) => this.ctx.play([full]))
      .catch((err: unknown) => toast(err instanceof ApiError ? err.describe() : String(err), 'error'));
  }

  /** Opens the camera of a link (#/map?camera=<id>): flies to it and plays it (roles that watch video). */
  openLinked(id: string): void {
    api<Camera>('GET', `/cameras/${encodeURIComponent(id)}`)
      .then((cam) => {
        const map = this.base.map;
        this.cameras.select(cam.id);
        map.setView(this.base.toLatLng(cam.lng, cam.lat), Math.max(map.getZoom(), 18));
        this.ctx.play([cam]);
      })
      .catch((err: unknown) => toast(err instanceof ApiError ? err.describe() : String(err), 'error'));
  }

  /** Opens an alarm in the alarm tab (from the console's alarm popup): its cameras listed, the map at its place. */
  openAlarm(a: Alarm): void {
    if (!this.alarms) return;
    this.showTab?.('alarms');
    this.base.map.invalidateSize();
    this.alarms.openAnnounced(a);
  }

  /** Centres the map on a camera (from the admin cameras table). */
  locate(cam: Camera): void {
    this.base.map.setView(this.base.toLatLng(cam.lng, cam.lat), 18);
  }

  close(): void {
    this.editor?.close(null);
    this.wall?.clear(false);
    for (const c of this.closers.splice(0)) c();
    this.wallPanel?.close();
    this.base?.map.remove();
  }
}
