// A plate track on the map: the line through its reads in time order and numbered markers; a marker's popup shows the
// read (time, checkpoint, picture) and plays the clip of the nearest camera, with live and "play video" actions.
import * as L from 'leaflet';
import type { PlateTrack, TrackPointProps } from '../../../gateway/events/plate-track';
import type { AppContext } from '../core/context';
import { formatDateTime } from '../core/dates';
import { h, label } from '../core/dom';
import type { BaseMap } from '../map/base-map';
import { clipPlayer } from './clip-player';
import { eventVideoView } from './event-video-view';

export type TrackPoint = { coordinates: [number, number]; props: TrackPointProps };

/** The read points of a track, in time order. */
export function trackPoints(track: PlateTrack): TrackPoint[] {
  const out: TrackPoint[] = [];
  for (const f of track.features)
    if (f.geometry.type === 'Point')
      out.push({ coordinates: f.geometry.coordinates, props: f.properties as TrackPointProps });
  return out;
}

export class TrackLayer {
  private readonly group = L.layerGroup();
  private readonly markers = new Map<number, L.Marker>();
  private points: TrackPoint[] = [];
  /** What the open popup plays (closed with it). */
  private playing: Array<{ close(): void }> = [];
  private readonly offCrs: () => void;

  constructor(
    private readonly ctx: AppContext,
    private readonly base: BaseMap,
  ) {
    this.group.addTo(base.map);
    // positions are WGS-84: redrawn when the base map's datum changes
    this.offCrs = base.onCrsChange(() => this.draw());
    base.map.on('popupclose', this.stopPlaying);
  }

  /** Draws `track` (replacing the one shown) and fits the map to it. */
  show(track: PlateTrack): void {
    this.points = trackPoints(track);
    this.draw();
    const lls = this.points.map((p) => this.base.toLatLng(p.coordinates[0], p.coordinates[1]));
    if (lls.length === 1) this.base.map.setView(lls[0]!, Math.max(this.base.map.getZoom(), 16));
    else if (lls.length > 1) this.base.map.fitBounds(L.latLngBounds(lls), { padding: [60, 60], maxZoom: 18 });
  }

  clear(): void {
    this.points = [];
    this.draw();
  }

  /** Opens the popup of read `seq` (1-based), as a click on its marker does. */
  open(seq: number): void {
    this.markers.get(seq)?.openPopup();
  }

  private draw(): void {
    this.base.map.closePopup();
    this.group.clearLayers();
    this.markers.clear();
    const lls = this.points.map((p) => this.base.toLatLng(p.coordinates[0], p.coordinates[1]));
    if (lls.length > 1)
      L.polyline(lls, { color: '#2b6cb0', weight: 4, opacity: 0.8, className: 'track-line', interactive: false }).addTo(
        this.group,
      );
    this.points.forEach((p, i) => {
      const seq = p.props.seq;
      const icon = L.divIcon({
        className: 'track-marker',
        html: `<span class="track-seq" data-seq="${seq}" data-event-id="${p.props.eventId}">${seq}</span>`,
        iconSize: [26, 26],
        iconAnchor: [13, 13],
      });
      const m = L.marker(lls[i]!, { icon, title: `${seq}`, zIndexOffset: 1000 + seq });
      m.bindPopup(() => this.popup(p), { className: 'track-popup-wrap', minWidth: 300, maxWidth: 380 });
      m.addTo(this.group);
      this.markers.set(seq, m);
    });
  }

  private readonly stopPlaying = (): void => {
    for (const p of this.playing.splice(0)) p.close();
  };

  private popup(p: TrackPoint): HTMLElement {
    this.stopPlaying();
    const r = p.props;
    const cam = r.camera;
    const row = (key: Parameters<typeof label>[1], value: string) => [label(h('dt'), key), h('dd', {}, value)] as const;
    const facts = h(
      'dl',
      {},
      ...row('track.time', formatDateTime(r.at)),
      ...row('track.checkpoint', r.checkpoint ? `${r.checkpoint.name} (${r.checkpoint.code})` : '—'),
      ...(r.direction ? row('track.direction', r.direction) : []),
    );
    const image = r.imageUrl
      ? h('img', { class: 'track-image', src: r.imageUrl, alt: r.plate, loading: 'lazy' })
      : label(h('p', { class: 'muted' }), 'track.noImage');
    const camLine = cam
      ? h(
          'p',
          { class: 'track-camera', 'data-camera-id': cam.id },
          label(h('span', { class: 'muted' }), 'track.camera'),
          ` ${cam.name} · ${Math.round(cam.distanceM)} m `,
          cam.covering ? label(h('span', { class: 'badge covering-badge' }), 'track.covering') : null,
        )
      : label(h('p', { class: 'muted track-camera' }), 'track.noCamera');
    const clipBox = h('div', { class: 'track-clip' });
    if (cam && cam.mayPlayback && cam.footage) {
      const c = clipPlayer({ cameraId: cam.id, from: cam.clip.from, to: cam.clip.to, reason: `plate ${r.plate}` });
      this.playing.push(c);
      clipBox.append(label(h('div', { class: 'clip-title' }), 'video.clip'), c.el);
    } else if (cam)
      clipBox.append(
        label(h('p', { class: 'muted clip-note' }), cam.mayPlayback ? 'video.noFootage' : 'video.noRight'),
      );
    const linked = h('div', { class: 'track-linked' });
    const actions = h(
      'div',
      { class: 'track-actions' },
      cam
        ? h('button', {
            class: 'btn small live',
            i18n: 'video.live',
            onclick: () => this.ctx.play([{ id: cam.id, name: cam.name }]),
          })
        : null,
      h('button', {
        class: 'btn small play-event',
        i18n: 'video.playEvent',
        onclick: () => {
          const v = eventVideoView(this.ctx, { event: r.eventId });
          this.playing.push(v);
          linked.replaceChildren(v.el);
        },
      }),
    );
    return h(
      'div',
      { class: 'track-popup', 'data-seq': r.seq, 'data-event-id': r.eventId },
      h('h3', {}, h('span', { class: 'track-seq-badge' }, String(r.seq)), ` ${r.plate}`),
      facts,
      image,
      camLine,
      clipBox,
      actions,
      linked,
    );
  }

  close(): void {
    this.stopPlaying();
    this.base.map.off('popupclose', this.stopPlaying);
    this.offCrs();
    this.group.remove();
  }
}
