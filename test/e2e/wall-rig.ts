// What the wall's end-to-end tests set up alike: colour-bar cameras registered over the API, screens created with their
// one-time secret, a screen page paired in a browser of its own as a person does, and an operator's console on the wall page.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { RtspProcess } from '../../sim/cameras/rtsp-process';
import type { TestGateway } from '../helpers/gateway';
import { loginAs, newPage } from './browser';
import { offset } from './seed';

export type TestPage = Page & { errors: string[] };

/** Registers camera `i` of `sim` (main and sub, H.264) `east` metres east of the centre; resolves with its id. */
export async function addSimCamera(
  tg: TestGateway,
  token: string,
  sim: RtspProcess,
  i: number,
  name: string,
  east: number,
): Promise<string> {
  const [lng, lat] = offset(east, 0);
  const r = await tg.api('POST', '/api/v1/cameras', {
    token,
    body: {
      name,
      mainUri: sim.url(i, 'main'),
      subUri: sim.url(i, 'sub'),
      streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
      lng,
      lat,
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.body.id as string;
}

/** A screen registered over the API: its id and its one-time pairing secret. */
export interface NewScreen {
  id: number;
  secret: string;
}

export async function addScreen(
  tg: TestGateway,
  token: string,
  body: { name: string; col: number; row?: number; layout?: string },
): Promise<NewScreen> {
  const r = await tg.api('POST', '/api/v1/wall/screens', { token, body: { row: 0, layout: '4', ...body } });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.screen.id, secret: r.body.pairing.secret };
}

/** A screen page in a browser context of its own, paired by typing the secret and clicking 配对. */
export async function pairScreenPage(
  browser: Browser,
  base: string,
  s: NewScreen,
  pages: TestPage[] = [],
): Promise<TestPage> {
  const page = await newPage(browser, base, { width: 960, height: 540 });
  pages.push(page);
  await page.goto(`/screen/${s.id}`);
  await page.fill('form.screen-pair input[name=secret]', s.secret);
  await page.click('form.screen-pair button[type=submit]');
  // a screen's panes are drawn together: the first one there, all are
  await page.waitForSelector('.screen-page .screen-pane[data-pane="0"]');
  return page;
}

/** A console logged in as `user`, on the wall page (reached by its menu entry). */
export async function openWallPage(browser: Browser, base: string, user: string, pages: TestPage[] = []) {
  const page = await newPage(browser, base);
  pages.push(page);
  await loginAs(page, user);
  await page.click('.nav-link[data-page=wall]');
  await page.waitForSelector('.wall-page .wall-picture');
  return page;
}
