// What a person sees: an element drawn inside the viewport and on top (not covered), or not shown at all.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/**
 * Asserts that the first element matching `selector` is visible, lies (at least its top-left part) inside the
 * viewport, and that the point at the middle of its visible part hits the element itself (nothing covers it).
 */
export async function assertOnScreen(page: Page, selector: string, what = selector): Promise<void> {
  const loc = page.locator(selector).first();
  await loc.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
  assert.ok(await loc.isVisible(), `${what} is visible`);
  const box = await loc.boundingBox();
  const vp = page.viewportSize();
  assert.ok(box && vp, `${what} has a box`);
  const left = Math.max(0, box.x);
  const top = Math.max(0, box.y);
  const right = Math.min(vp.width, box.x + box.width);
  const bottom = Math.min(vp.height, box.y + box.height);
  assert.ok(
    right > left && bottom > top,
    `${what} lies inside the ${vp.width}x${vp.height} viewport (its box: ${JSON.stringify(box)})`,
  );
  const x = (left + Math.min(right, left + 40)) / 2;
  const y = (top + Math.min(bottom, top + 20)) / 2;
  const hit = await page.evaluate(
    ([sel, px, py]) => {
      const el = document.querySelector(sel as string);
      const at = document.elementFromPoint(px as number, py as number);
      return {
        inside: !!el && !!at && (el === at || el.contains(at)),
        at: at ? `${at.tagName.toLowerCase()}.${[...at.classList].join('.')}` : 'nothing',
      };
    },
    [selector, x, y] as const,
  );
  assert.ok(hit.inside, `${what} is on top at (${x}, ${y}); the point shows ${hit.at}`);
}

/** Asserts that no element matching `selector` is shown (absent, hidden, or of zero size). */
export async function assertNotShown(page: Page, selector: string, what = selector): Promise<void> {
  const n = await page.locator(selector).count();
  for (let i = 0; i < n; i++)
    assert.equal(await page.locator(selector).nth(i).isVisible(), false, `${what} is not shown`);
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether box `inner` lies inside box `outer` (within `slack` px). */
export function boxInside(inner: Box, outer: Box, slack = 1): boolean {
  const x = inner.x >= outer.x - slack && inner.x + inner.width <= outer.x + outer.width + slack;
  return x && inner.y >= outer.y - slack && inner.y + inner.height <= outer.y + outer.height + slack;
}
