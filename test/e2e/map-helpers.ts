// Reading the console's map from a test: how many cameras the cameras layer shows, and waiting for its next redraw.
import type { Page } from 'playwright-core';

/** The cameras layer's redraw counter (data-cameras-rendered on the map element), 0 before the first draw. */
export async function renderSeq(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.getElementById('map')?.dataset.camerasRendered ?? 0));
}

/** Waits until the cameras layer has redrawn after `after`. */
export async function waitRender(page: Page, after: number, timeout = 10_000): Promise<void> {
  try {
    await page.waitForFunction((n) => Number(document.getElementById('map')?.dataset.camerasRendered ?? 0) > n, after, {
      timeout,
    });
  } catch (err) {
    // say what the console showed (e.g. the cameras endpoint is missing) rather than only "timeout"
    const shown = await page.$$eval('.toast-error', (els) => els.map((e) => e.textContent).join(' | ')).catch(() => '');
    throw new Error(
      `the cameras layer did not redraw within ${timeout} ms${shown ? `; the console showed: ${shown}` : ''}`,
      { cause: err },
    );
  }
}

/** Cameras on screen: single markers plus the counts of cluster bubbles. */
export async function shownCameras(page: Page): Promise<{ total: number; ids: string[] }> {
  return page.evaluate(() => {
    const ids = [...document.querySelectorAll<HTMLElement>('.cam-marker[data-camera-id]')].map(
      (e) => e.dataset.cameraId ?? '',
    );
    const inClusters = [...document.querySelectorAll<HTMLElement>('.cam-cluster[data-count]')].reduce(
      (a, e) => a + Number(e.dataset.count),
      0,
    );
    return { total: ids.length + inClusters, ids };
  });
}

/** Sets a filter field of the Filter tab and waits for the redraw it causes. */
export async function setFilter(page: Page, name: 'q' | 'department' | 'status' | 'tag', value: string): Promise<void> {
  const before = await renderSeq(page);
  if (name === 'department' || name === 'status') await page.selectOption(`.filter-panel select[name=${name}]`, value);
  else await page.fill(`.filter-panel input[name=${name}]`, value);
  await waitRender(page, before);
}

/** Screen (page) pixels of a WGS-84 position on the console's map as it is drawn now. */
export async function toScreen(page: Page, lng: number, lat: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([lng, lat]) => {
      const { base } = window.cloudeye!;
      const r = base.map.getContainer().getBoundingClientRect();
      const p = base.map.latLngToContainerPoint(base.toLatLng(lng!, lat!));
      return { x: r.left + p.x, y: r.top + p.y };
    },
    [lng, lat],
  );
}

/** Centres the console's map on a WGS-84 position at a zoom, without animation. */
export async function showAt(page: Page, lng: number, lat: number, zoom: number): Promise<void> {
  // a zoom animation still running (a click that centred the map) would land its own view after this one: wait it out
  await page.waitForFunction(
    () => !(window.cloudeye!.base.map as unknown as { _animatingZoom?: boolean })._animatingZoom,
  );
  await page.evaluate(
    async ([lng, lat, zoom]) => {
      const { base } = window.cloudeye!;
      base.map.setView(base.toLatLng(lng!, lat!), zoom!, { animate: false });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    },
    [lng, lat, zoom],
  );
}
