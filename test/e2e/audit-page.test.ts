// End-to-end: the audit page in words (actions, names, readable details) and dates in the interface language, whatever the browser's locale.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';
import { launchBrowser, loginAs, endPage } from './browser';
import { CITY, seedCity } from './seed';
import { assertOnScreen } from './screen-checks';

/** A page whose browser speaks `locale` (the interface language is chosen in the console, zh-CN by default). */
async function pageIn(browser: Browser, base: string, locale: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: 1600, height: 900 },
    locale,
    timezoneId: 'Asia/Shanghai',
  });
  return context.newPage();
}

/** The parts of an instant in UTC+8 (Asia/Shanghai has no daylight saving). */
function shanghai(iso: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const t = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** The English medium date and time of an instant in UTC+8, e.g. "Dec 6, 2026, 6:30:05 PM". */
function english(iso: string): string {
  const z = shanghai(iso);
  const h12 = z.h % 12 === 0 ? 12 : z.h % 12;
  return `${MONTHS[z.mo - 1]} ${z.d}, ${z.y}, ${h12}:${two(z.mi)}:${two(z.s)} ${z.h < 12 ? 'AM' : 'PM'}`;
}

describe('audit page (e2e)', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let browser: Browser;
  let cams: Map<string, Camera>;
  let page: Page | undefined;
  let closeAt: string;
  let refusedId: string;
  let closeId: string;

  before(async function () {
    this.timeout(120_000);
    tg = await startTestGateway();
    await tg.addUser('city', 'admin', null);
    await tg.addUser('padmin', 'admin', 'police');
    await tg.addUser('paudit', 'auditor', 'police');
    const pview = await tg.addUser('pview', 'viewer', 'police');
    await tg.gw.repos.accounts.updateUser(pview, { displayName: '值班员张三' });
    cams = await seedCity(
      tg,
      await tg.login('city'),
      CITY.filter((c) => ['天网-西门', '交通-大桥'].includes(c.name)),
    );
    const west = cams.get('天网-西门')!;
    const bridge = cams.get('交通-大桥')!;
    // what the log holds after a viewer watched for 65 s, and after it asked for a traffic camera it may not see
    const audit = tg.gw.repos.audit;
    await tg.login('pview');
    const by = {
      actorType: 'user',
      actorId: pview,
      actorName: 'pview',
      departmentId: tg.departments.police,
      ip: '127.0.0.1',
      targetType: 'camera',
    } as const;
    await audit.append({
      ...by,
      action: 'stream.open',
      targetId: bridge.id,
      outcome: 'denied',
      detail: { profile: 'sub' },
    });
    const session = '0b7c6a1e-0000-4000-8000-000000000001';
    await audit.append({
      ...by,
      action: 'stream.close',
      targetId: west.id,
      detail: { profile: 'main', session, reason: 'viewer left', durationS: 65 },
    });
    const wrong = await tg.api('POST', '/api/v1/auth/login', {
      body: { username: 'pview', password: 'not-the-password' },
    });
    assert.equal(wrong.status, 401);
    const read = await tg.api('GET', '/api/v1/audit?limit=50', { token: await tg.login('city') });
    const rows = read.body.items as Array<{ id: string; action: string; at: string; outcome: string }>;
    const close = rows.find((r) => r.action === 'stream.close')!;
    closeAt = close.at;
    closeId = close.id;
    refusedId = rows.find((r) => r.action === 'stream.open' && r.outcome === 'denied')!.id;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
  });

  afterEach(async function () {
    await endPage(this, 'audit', page);
    page = undefined;
  });

  const cell = (id: string, cls: string): string => `.audit-page tr[data-id="${id}"] .${cls}`;

  it('an auditor reads the rows in Chinese words and Chinese dates in an en-US browser, then in English', async () => {
    const p = await pageIn(browser, tg.base, 'en-US');
    page = p;
    await loginAs(p, 'paudit');
    await p.waitForSelector(cell(closeId, 'audit-action'));
    await assertOnScreen(p, cell(closeId, 'audit-action'), 'the stream.close row');
    assert.equal(await p.textContent(cell(closeId, 'audit-action')), '结束调阅');
    const target = (await p.textContent(cell(closeId, 'audit-target'))) ?? '';
    assert.match(target, /^摄像机 天网-西门 \(#\d+\)$/, `the camera by name: ${target}`);
    assert.equal(await p.textContent(cell(closeId, 'audit-actor')), '值班员张三 (pview)');
    const detail = (await p.textContent(`.audit-page tr[data-id="${closeId}"] .audit-detail`)) ?? '';
    for (const words of ['码流 主码流', '原因 观看者离开', '时长 1 分 5 秒'])
      assert.ok(detail.includes(words), `detail has "${words}": ${detail}`);
    assert.doesNotMatch(detail, /[{}"]|durationS|session/, `no JSON or keys: ${detail}`);
    const at = (await p.textContent(cell(closeId, 'audit-at'))) ?? '';
    const z = shanghai(closeAt);
    assert.equal(at, `${z.y}年${z.mo}月${z.d}日 ${two(z.h)}:${two(z.mi)}:${two(z.s)}`, 'a Chinese date in UTC+8');
    // the auditor is shown the name of the camera a viewer was refused, as it reads who tried to see what
    assert.match((await p.textContent(cell(refusedId, 'audit-target'))) ?? '', /^摄像机 交通-大桥 \(#\d+\)$/);
    assert.equal(await p.textContent(cell(refusedId, 'audit-outcome')), '被拒绝');
    const failed = p.locator('.audit-page tr[data-action="login"]', { hasText: '未登录' }).first();
    assert.match((await failed.textContent()) ?? '', /pview \(未登录\).*登录.*失败.*原因 用户名或密码错误/);

    await p.selectOption('.topbar select.lang-switch', 'en');
    assert.equal(await p.textContent(cell(closeId, 'audit-action')), 'Closed a stream');
    assert.match((await p.textContent(cell(closeId, 'audit-target'))) ?? '', /^Camera 天网-西门 \(#\d+\)$/);
    const en = (await p.textContent(`.audit-page tr[data-id="${closeId}"] .audit-detail`)) ?? '';
    for (const words of ['Profile main stream', 'Reason the viewer left', 'Duration 1 min 5 s'])
      assert.ok(en.includes(words), `detail has "${words}": ${en}`);
    const enAt = ((await p.textContent(cell(closeId, 'audit-at'))) ?? '').replace(/\s/g, ' ');
    assert.equal(enAt, english(closeAt));
    const option = await p.textContent(`.audit-page select[name=action] option[value="stream.close"]`);
    assert.equal(option, 'Closed a stream', 'the action filter speaks English too');
  });

  it('a department admin opens the audit page from the menu in English in a zh-CN browser, and filters by an action in words', async () => {
    const p = await pageIn(browser, tg.base, 'zh-CN');
    page = p;
    await loginAs(p, 'padmin');
    await p.selectOption('.topbar select.lang-switch', 'en');
    await p.click('.nav-link[data-page=audit]');
    await p.waitForSelector(cell(closeId, 'audit-action'));
    await assertOnScreen(p, cell(closeId, 'audit-at'), 'the time of the stream.close row');
    assert.equal(((await p.textContent(cell(closeId, 'audit-at'))) ?? '').replace(/\s/g, ' '), english(closeAt));
    assert.equal(await p.textContent(cell(closeId, 'audit-actor')), '值班员张三 (pview)');
    // a police admin may not see the traffic camera: the row says which id was asked for, not its name
    assert.equal(await p.textContent(cell(refusedId, 'audit-target')), `Camera #${cams.get('交通-大桥')!.id}`);
    assert.equal(await p.textContent(cell(refusedId, 'audit-outcome')), 'Refused');

    await p.selectOption('.audit-page select[name=action]', { label: 'Closed a stream' });
    await p.click('.audit-page form button[type=submit]');
    await p.waitForFunction(() =>
      [...document.querySelectorAll('.audit-page tr[data-action]')].every(
        (r) => r.getAttribute('data-action') === 'stream.close',
      ),
    );
    assert.equal(await p.locator('.audit-page tr[data-action="stream.close"]').count(), 1);
    await assertOnScreen(p, cell(closeId, 'audit-detail'), 'the details of the row');
  });
});
