// End-to-end: moving between the console's pages by clicking the top menu, as a person does, after the map was shown.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { launchBrowser, loginAs, newPage, endPage } from './browser';
import { seedCity } from './seed';
import { waitRender } from './map-helpers';
import { assertNotShown, assertOnScreen } from './screen-checks';

describe('console navigation (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let browser: Browser;
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    tg = await startTestGateway();
    await tg.addUser('city', 'admin', null);
    await tg.addUser('padmin', 'admin', 'police');
    await tg.addUser('pop', 'operator', 'police');
    await seedCity(tg, await tg.login('city'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
  });

  afterEach(async function () {
    await endPage(this, 'navigation', page);
    page = undefined;
  });

  /** Clicks a menu item and checks that its page, and not the map, is what the screen shows. */
  async function openByMenu(p: Page, name: string): Promise<void> {
    await p.click(`.nav-link[data-page=${name}]`);
    // the page follows the hashchange the click causes, an event later
    const highlighted = await p
      .waitForSelector(`.nav-link.active[data-page=${name}]`, { timeout: 5000 })
      .then(() => true)
      .catch(() => false);
    assert.equal(highlighted, true, `${name} is highlighted`);
    await assertOnScreen(p, `.${name}-page h1`, `the heading of ${name}`);
    await assertOnScreen(p, `.${name}-page`, `the ${name} page`);
    await assertNotShown(p, '#map', 'the map');
  }

  it('an admin reaches every admin page from the menu after the map, and the map comes back', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'padmin');
    await waitRender(p, 0);
    await assertOnScreen(p, '#map', 'the map');
    for (const name of ['cameras', 'users', 'api-keys', 'shares', 'discovery', 'rules', 'audit']) {
      await openByMenu(p, name);
      // a long page scrolls inside its box: its last part can be brought into view
      const scrolls = await p.$eval(`.${name}-page`, (el) => getComputedStyle(el).overflowY);
      assert.ok(['auto', 'scroll'].includes(scrolls), `the ${name} page scrolls (overflow-y ${scrolls})`);
    }
    await p.click('.nav-link[data-page=map]');
    await assertOnScreen(p, '#map', 'the map after coming back');
    await assertOnScreen(p, '.cam-marker, .cam-cluster', 'a camera on the map after coming back');
    await assertNotShown(p, '.admin-page', 'an admin page');
    // and away again: the second visit to a page works the same
    await openByMenu(p, 'users');
    await p.waitForSelector('.users-page tr[data-user=pop]');
    await assertOnScreen(p, '.users-page tr[data-user=pop]', 'the operator row of the users table');
  });

  it('an operator reaches the discovery page from the menu after the map', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pop');
    await waitRender(p, 0);
    await assertOnScreen(p, '#map', 'the map');
    await openByMenu(p, 'discovery');
    await p.click('.nav-link[data-page=map]');
    await assertOnScreen(p, '#map', 'the map after coming back');
  });
});
