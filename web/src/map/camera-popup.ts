// The camera popup: name, department, status, a snapshot fetched with the token, Play (and Edit for the owning admin).
import * as L from 'leaflet';
import type { Camera } from '../../../gateway/contract';
import { api, request, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import { canEditCamera, canWatch } from '../core/roles';
import { departmentName, statusName, type AppContext } from '../core/context';

export interface PopupActions {
  onEdit(cam: Camera): void;
}

/** Loads the snapshot as a blob (Bearer auth cannot ride on an <img src>) and returns its object URL. */
async function snapshotUrl(id: string, signal: AbortSignal): Promise<string> {
  const res = await request('GET', `/cameras/${encodeURIComponent(id)}/snapshot`, { signal });
  return URL.createObjectURL(await res.blob());
}

export function openCameraPopup(map: L.Map, at: L.LatLng, id: string, ctx: AppContext, actions: PopupActions): L.Popup {
  const body = h('div', { class: 'cam-popup', 'data-camera-id': id }, label(h('div', { class: 'muted' }), 'common.loading'));
  const popup = L.popup({ minWidth: 260, maxWidth: 340, className: 'cam-popup-wrap' }).setLatLng(at).setContent(body).openOn(map);
  const ctrl = new AbortController();
  let objectUrl: string | null = null;
  popup.on('remove', () => {
    ctrl.abort();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  });
  api<Camera>('GET', `/cameras/${encodeURIComponent(id)}`, { signal: ctrl.signal })
    .then((cam) => {
      body.replaceChildren(
        h('h3', { class: 'cam-name' }, cam.name),
        h('dl', {},
          label(h('dt'), 'camera.department'), h('dd', { class: 'cam-dept' }, departmentName(ctx, cam.departmentId)),
          label(h('dt'), 'camera.status'), h('dd', {}, h('span', { class: `status-dot status-${cam.status}` }), h('span', { class: 'cam-status', 'data-status': cam.status }, statusName(cam.status))),
          cam.address ? label(h('dt'), 'camera.address') : null, cam.address ? h('dd', {}, cam.address) : null,
        ),
      );
      if (canWatch(ctx.me)) {
        const img = h('img', { class: 'cam-snapshot', alt: t('camera.snapshot') });
        const holder = h('div', { class: 'snapshot-box' }, label(h('span', { class: 'muted' }), 'camera.snapshotLoading'));
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
      if (canWatch(ctx.me)) buttons.append(h('button', { class: 'btn primary play-btn', i18n: 'camera.play', onclick: () => ctx.play([cam]) }));
      if (canEditCamera(ctx.me, cam.departmentId)) buttons.append(h('button', { class: 'btn edit-btn', i18n: 'camera.edit', onclick: () => { map.closePopup(popup); actions.onEdit(cam); } }));
      body.append(buttons);
      popup.update();
    })
    .catch((err: unknown) => {
      if (ctrl.signal.aborted) return;
      body.replaceChildren(h('div', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)));
    });
  return popup;
}
