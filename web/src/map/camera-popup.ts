// The camera popup: name, department, status, a snapshot fetched with the token, Play, a link to the camera (and Edit
// for the owning admin).
import * as L from 'leaflet';
import type { Camera } from '../../../gateway/contract';
import { api, request, ApiError } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { allows, canEditCamera, canWatch } from '../core/roles';
import { departmentName, statusName, type AppContext } from '../core/context';
import { dragCamera } from '../wall/camera-drag';
import { sendToScreen } from '../wall/send-to-screen';

export interface PopupActions {
  onEdit(cam: Camera): void;
}

/** Loads the snapshot as a blob (Bearer auth cannot ride on an <img src>) and returns its object URL. */
async function snapshotUrl(id: string, signal: AbortSignal): Promise<string> {
  const res = await request('GET', `/cameras/${encodeURIComponent(id)}/snapshot`, { signal });
  return URL.createObjectURL(await res.blob());
}

/** Room (px) the popup keeps from the map's edges: the map's own controls (zoom, layers, scale) sit in its corners. */
function clearance(map: L.Map): { tl: L.Point; br: L.Point; maxHeight: number } {
  const box = (sel: string): DOMRect | undefined => map.getContainer().querySelector(sel)?.getBoundingClientRect();
  const corners = [
    '.leaflet-top.leaflet-left',
    '.leaflet-top.leaflet-right',
    '.leaflet-bottom.leaflet-left',
    '.leaflet-bottom.leaflet-right',
  ];
  const [tl, tr, bl, brc] = corners.map(box);
  const gap = 8;
  const top = Math.max(tl?.height ?? 0, tr?.height ?? 0) + gap;
  const bottom = Math.max(bl?.height ?? 0, brc?.height ?? 0) + gap;
  // the popup's tip and shadow take about 30 px below its box
  return {
    tl: L.point((tl?.width ?? 0) + gap, top),
    br: L.point((tr?.width ?? 0) + gap, bottom),
    maxHeight: Math.max(160, map.getSize().y - top - bottom - 30),
  };
}

/** The console's link to camera `id` (opens the map and plays it); copied to the clipboard where the page may. */
export function cameraLink(id: string): string {
  return `${location.origin}${location.pathname}#/map?camera=${encodeURIComponent(id)}`;
}

function copyLink(id: string): void {
  const link = cameraLink(id);
  const told = (): void => toast(t('camera.linkCopied', { link }));
  // the clipboard needs a secure context (https or localhost): elsewhere the link is shown to copy by hand
  if (navigator.clipboard) navigator.clipboard.writeText(link).then(told, told);
  else told();
}

export function openCameraPopup(map: L.Map, at: L.LatLng, id: string, ctx: AppContext, actions: PopupActions): L.Popup {
  const body = h(
    'div',
    { class: 'cam-popup', 'data-camera-id': id },
    label(h('div', { class: 'muted' }), 'common.loading'),
  );
  const room = clearance(map);
  const popup = L.popup({
    minWidth: 260,
    maxWidth: 340,
    maxHeight: room.maxHeight,
    className: 'cam-popup-wrap',
    autoPan: true,
    keepInView: true,
    autoPanPaddingTopLeft: room.tl,
    autoPanPaddingBottomRight: room.br,
  })
    .setLatLng(at)
    .setContent(body)
    .openOn(map);
  const ctrl = new AbortController();
  let objectUrl: string | null = null;
  popup.on('remove', () => {
    ctrl.abort();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  });
  api<Camera>('GET', `/cameras/${encodeURIComponent(id)}`, { signal: ctrl.signal })
    .then((cam) => {
      body.replaceChildren(
        // the name is a drag handle: dropped on a wall pane, the camera goes there
        dragCamera(h('h3', { class: 'cam-name', title: t('wall.dragHint') }, cam.name), cam.id, cam.name),
        h(
          'dl',
          {},
          label(h('dt'), 'camera.department'),
          h('dd', { class: 'cam-dept' }, departmentName(ctx, cam.departmentId)),
          label(h('dt'), 'camera.status'),
          h(
            'dd',
            {},
            h('span', { class: `status-dot status-${cam.status}` }),
            h('span', { class: 'cam-status', 'data-status': cam.status }, statusName(cam.status)),
          ),
          cam.address ? label(h('dt'), 'camera.address') : null,
          cam.address ? h('dd', {}, cam.address) : null,
        ),
      );
      if (canWatch(ctx.me)) {
        const img = h('img', { class: 'cam-snapshot', alt: t('camera.snapshot') });
        const holder = h(
          'div',
          { class: 'snapshot-box' },
          label(h('span', { class: 'muted' }), 'camera.snapshotLoading'),
        );
        body.append(holder);
        snapshotUrl(cam.id, ctrl.signal)
          .then((u) => {
            objectUrl = u;
            img.src = u;
            holder.replaceChildren(img);
          })
          .catch(() => {
            if (!ctrl.signal.aborted) holder.replaceChildren(label(h('span', { class: 'muted' }), 'camera.noSnapshot'));
          });
      }
      const buttons = h('div', { class: 'row' });
      if (canWatch(ctx.me))
        buttons.append(
          h('button', { class: 'btn primary play-btn', i18n: 'camera.play', onclick: () => ctx.play([cam]) }),
        );
      // a link that opens the console on this camera, playing (#/map?camera=<id>): for a colleague, or a bookmark
      if (canWatch(ctx.me))
        buttons.append(
          h('button', { class: 'btn link-btn', i18n: 'camera.copyLink', onclick: () => copyLink(cam.id) }),
        );
      if (canEditCamera(ctx.me, cam.departmentId))
        buttons.append(
          h('button', {
            class: 'btn edit-btn',
            i18n: 'camera.edit',
            onclick: () => {
              map.closePopup(popup);
              actions.onEdit(cam);
            },
          }),
        );
      body.append(buttons);
      if (allows(ctx.me.role, 'wall-drive') && canWatch(ctx.me)) body.append(sendToScreen(cam.id));
      popup.update();
    })
    .catch((err: unknown) => {
      if (ctrl.signal.aborted) return;
      body.replaceChildren(h('div', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)));
    });
  return popup;
}
