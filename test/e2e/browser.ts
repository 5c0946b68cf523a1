// Headless Debian Chromium for the console tests (playwright-core), with the flags a closed network needs, and screenshots on failure.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A fresh page of its own context (own sessionStorage/localStorage), collecting page errors. */
export async function newPage(
  browser: Browser,
  base: string,
  opts: { width?: number; height?: number; timezoneId?: string } = {},
): Promise<Page & { errors: string[] }> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: opts.width ?? 1400, height: opts.height ?? 900 },
    locale: 'zh-CN',
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
  });
  const page = (await context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(String(err)));
  return page;
}

export const RESULTS_DIR = path.resolve('test-results');

/** Saves a full-page screenshot named after the test (afterEach on failure, or to look at the console). */
export async function screenshot(page: Page | undefined, name: string): Promise<string | null> {
  if (!page || page.isClosed()) return null;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '_').slice(0, 120)}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  return file;
}

/** End of one test's page: a screenshot named after the test when it failed, then the page's context closed. */
export async function endPage(test: Mocha.Context, prefix: string, page: Page | undefined): Promise<void> {
  if (test.currentTest?.state === 'failed') await screenshot(page, `${prefix}-${test.currentTest.title}`);
  await page?.context().close();
}

/** Logs in through the login form and waits for the console shell. */
export async function loginAs(page: Page, username: string, password = `pw-${username}`): Promise<void> {
  await page.goto('/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('.shell');
}
