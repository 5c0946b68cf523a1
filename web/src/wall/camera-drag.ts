// Dragging a camera onto a wall pane: anything showing a camera (the map's marker and popup, lists, search results, an
// alarm's cameras) is a drag source carrying the camera's id; the wall picture's panes are the drop targets.

/** The drag payload's type: the camera id as text. */
export const CAMERA_MIME = 'application/x-cloudeye-camera';

/** Makes `el` a drag source of camera `id` (text/plain carries the name, for drops outside the console). */
export function dragCamera<E extends HTMLElement>(el: E, id: string, name: string): E {
  el.draggable = true;
  el.dataset.dragCamera = id;
  // a press on a source is its own: the map pans on a press below it and blocks native drags while it does
  el.addEventListener('mousedown', (e) => e.stopPropagation());
  el.addEventListener('dragstart', (e) => {
    if (!e.dataTransfer) return;
    e.dataTransfer.setData(CAMERA_MIME, id);
    e.dataTransfer.setData('text/plain', name);
    e.dataTransfer.effectAllowed = 'copy';
  });
  return el;
}

/** Makes `el` a drop target for cameras: `drop(id)` is called with the dropped camera's id. */
export function dropCamera(el: HTMLElement, drop: (cameraId: string) => void): void {
  const accepts = (e: DragEvent): boolean => !!e.dataTransfer?.types.includes(CAMERA_MIME);
  el.addEventListener('dragover', (e) => {
    if (!accepts(e)) return;
    e.preventDefault();
    e.dataTransfer!.dropEffect = 'copy';
    el.classList.add('drop-over');
  });
  el.addEventListener('dragleave', () => el.classList.remove('drop-over'));
  el.addEventListener('drop', (e) => {
    el.classList.remove('drop-over');
    const id = e.dataTransfer?.getData(CAMERA_MIME);
    if (!id || !/^\d{1,18}$/.test(id)) return;
    e.preventDefault();
    drop(id);
  });
}
