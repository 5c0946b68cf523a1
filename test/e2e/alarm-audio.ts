// The alarm sound as a test sees it: headless Chromium has no speakers, so the page's oscillator starts are counted.
import type { Page } from 'playwright-core';

/** An init script: records every oscillator the page's code starts (its frequency, its context's state). */
export const AUDIO_HOOK = `
  window.__oscillators = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    window.__oscillators.push({ hz: this.frequency.value, state: this.context.state });
    window.__audio = this.context;
    return start.apply(this, args);
  };
`;

/** The oscillators started so far. */
export async function oscillators(page: Page): Promise<Array<{ hz: number; state: string }>> {
  return page.evaluate(
    () => (window as unknown as { __oscillators: Array<{ hz: number; state: string }> }).__oscillators,
  );
}

/** Waits until the page's audio context runs (the autoplay policy let it: the operator clicked in the page). */
export async function audioRuns(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __audio?: AudioContext }).__audio?.state === 'running');
}
