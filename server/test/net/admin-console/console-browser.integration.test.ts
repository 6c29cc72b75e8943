import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect, type Connection } from '../../../src/client';
import { bank } from '../../engine/fixtures';
import { ADMIN_TOKEN, launchChromium, startConsoleServer, type ConsoleServer } from './console-fixture';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test-artifacts');

let world: ConsoleServer;
let alice: Connection<typeof bank>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** A tick at which account 1 held 70 (after the first transfer, before the second). */
let after70: number;

const shot = (name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `admin-console-${name}.png`), fullPage: true });
const balanceCell = (key: string) => page.locator(`[data-testid=rows-table] tr[data-key="${key}"] td`).nth(3);

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  world = await startConsoleServer();
  alice = await connect<typeof bank>({ url: world.server.url, WebSocket });
  await alice.subscribe({ table: 'account' }).applied;
  await alice.reducers.open({ id: 1, name: 'alice', balance: 100n });
  await alice.reducers.open({ id: 2, name: 'bob', balance: 100n });
  await alice.reducers.transfer({ from: 1, to: 2, amount: 30n });
  await alice.reducers.transfer({ from: 1, to: 2, amount: 20n });
  await alice.reducers.transfer({ from: 2, to: 1, amount: 999n }).catch(() => undefined);
  // The tick that committed the first transfer, from the log (the live tick may have moved on).
  const transfers = (await world.request('log?reducer=transfer')).body.result.calls;
  after70 = transfers[transfers.length - 1].tick;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // A refused sign-in is an expected failed request; any other console error is a bug.
    if (m.type() === 'error' && !m.text().includes('403')) pageErrors.push(m.text());
  });
});
afterAll(async () => {
  await browser?.close();
  alice?.close();
  await world?.close();
});

describe('the admin console in chromium', () => {
  it('refuses a wrong token and signs in with the right one', async () => {
    await page.goto(`${world.server.httpUrl}/admin`);
    await page.fill('input[name=token]', 'not-the-admin-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[data-testid=login-error]')).toContain('Wrong admin token');
    await shot('1-wrong-token');
    expect(await page.evaluate(() => sessionStorage.getItem('tickspace.adminToken'))).toBeNull();
    await page.fill('input[name=token]', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=table-list] [data-table=account]');
    expect(await page.evaluate(() => sessionStorage.getItem('tickspace.adminToken'))).toBe(ADMIN_TOKEN);
  });

  it('shows every table with live counts and the rows of the chosen one', async () => {
    await expect.poll(() => page.textContent('[data-testid=count-account]')).toBe('2');
    await page.click('[data-table=account]');
    await expect.poll(() => balanceCell('1').textContent()).toBe('50');
    // A call by the connected client shows up without a reload.
    await alice.reducers.open({ id: 3, name: 'carol', balance: 7n });
    await expect.poll(() => page.textContent('[data-testid=count-account]')).toBe('3');
    await expect.poll(() => page.textContent('[data-testid=row-counts]')).toContain('3 row(s) · 3 match');
    await page.fill('[data-filter=name]', 'car');
    await expect.poll(() => page.textContent('[data-testid=row-counts]')).toContain('3 row(s) · 1 match');
    expect(await page.locator('[data-testid=rows-table] tbody tr').count()).toBe(1);
    await shot('2-tables-filtered');
    await page.fill('[data-filter=name]', '');
    await expect.poll(() => page.textContent('[data-testid=row-counts]')).toContain('3 match');
  });

  it('filters the commit log by reducer', async () => {
    await page.click('[data-tab=log]');
    await page.waitForSelector('[data-testid=log-table] tbody tr');
    await page.selectOption('[data-testid=log-reducer]', 'transfer');
    await expect.poll(() => page.textContent('[data-testid=log-summary]')).toContain('3 matching call(s)');
    const reducers = await page
      .locator('[data-testid=log-table] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reducer')));
    expect(reducers).toEqual(['transfer', 'transfer', 'transfer']);
    expect(await page.textContent('[data-testid=log-table] tbody')).toContain('INSUFFICIENT_FUNDS');
    await shot('3-log-by-reducer');
    // A call's tick opens the tables as of that tick: after the first transfer account 1 held 70.
    await page.locator('[data-testid=log-table] tbody tr').last().locator('button').click();
    await expect
      .poll(() => page.textContent('[data-testid=timeline-label]'))
      .toContain(`as of tick ${after70}`);
    await expect.poll(() => balanceCell('1').textContent()).toBe('70');
  });

  it('scrubs the timeline to an earlier tick and sees the old value', async () => {
    await page.click('[data-testid=timeline-live]');
    await expect.poll(() => balanceCell('1').textContent()).toBe('50');
    await page.locator('[data-testid=timeline]').evaluate((el, tick) => {
      const slider = el as HTMLInputElement;
      slider.value = String(tick);
      slider.dispatchEvent(new Event('input'));
      slider.dispatchEvent(new Event('change'));
    }, after70);
    await expect.poll(() => balanceCell('1').textContent()).toBe('70');
    expect(await page.textContent('[data-testid=timeline-label]')).toContain(`as of tick ${after70}`);
    // Carol's account was opened later: the table as of that tick does not hold it.
    expect(await page.locator('[data-testid=rows-table] tr[data-key="3"]').count()).toBe(0);
    await shot('4-as-of-tick');
  });

  it("opens a row's history", async () => {
    await page.locator('[data-testid=rows-table] tr[data-key="1"] button').click();
    await expect.poll(() => page.textContent('[data-testid=history-count]')).toBe('3 version(s)');
    const kinds = await page.locator('[data-testid=history-table] tr td:nth-child(2)').allTextContents();
    expect(kinds).toEqual(['update', 'update', 'insert']);
    expect(await page.textContent('[data-testid=history-table]')).toContain('transfer');
    await shot('5-row-history');
  });

  it('rewinds with a confirmation that shows the undo command, and undoes it', async () => {
    await page.click('[data-testid=rewind-open]');
    await page.waitForSelector('[data-testid=rewind-dialog][open]');
    expect(await page.textContent('[data-testid=rewind-undo-preview]')).toContain(
      '/admin/rewind?tick=<R - 1>',
    );
    await shot('6-rewind-confirm');
    await page.click('[data-testid=rewind-confirm]');
    await page.waitForSelector('[data-testid=rewind-result]');
    const undo = await page.textContent('[data-testid=rewind-undo-command]');
    const undoTick = Number(/rewind\?tick=(\d+)/.exec(undo ?? '')?.[1]);
    expect(undoTick).toBeGreaterThan(after70);
    expect(undo).toContain(`tickspace rewind ${undoTick}`);
    // The live world and the connected client hold the old state now.
    expect(world.db.engine.db.account.find(1)?.balance).toBe(70n);
    await expect.poll(() => alice.db.account.find(1)?.balance).toBe(70n);
    await shot('7-rewound');
    await page.click('[data-testid=rewind-close]');
    await expect.poll(() => page.textContent('[data-testid=timeline-label]')).toContain('live');
    await expect.poll(() => balanceCell('1').textContent()).toBe('70');
    await expect.poll(() => page.textContent('[data-testid=count-account]')).toBe('2');
    // The open history gains the rewind's version, by the __rewind call.
    await expect.poll(() => page.textContent('[data-testid=history-count]')).toBe('4 version(s)');
    expect(await page.textContent('[data-testid=history-table] tr:nth-child(2)')).toContain('__rewind');
    await shot('8-live-after-rewind');

    // The undo the dialog showed really undoes it: the state from before the rewind is back.
    const r = await world.request(`rewind?tick=${undoTick}`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(world.db.engine.db.account.find(1)?.balance).toBe(50n);
    expect(world.db.engine.db.account.find(3)?.balance).toBe(7n);
    await expect.poll(() => balanceCell('1').textContent()).toBe('50');
  });

  it('lists the connected session and charts the metrics', async () => {
    await page.click('[data-tab=sessions]');
    await expect.poll(() => page.textContent('[data-testid=sessions-table] tbody')).toContain(alice.identity);
    await page.click('[data-tab=metrics]');
    await expect.poll(() => page.textContent('[data-testid=metric-tickspace_clients]')).toBe('1');
    // A chart draws a line once it has two samples.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=metric-charts] polyline')].some(
        (l) => (l.getAttribute('points') ?? '').split(' ').length >= 2,
      ),
    );
    await shot('9-metrics');
    expect(pageErrors).toEqual([]);
  });

  it('goes back to the sign-in form when the token stops working', async () => {
    await page.evaluate(() => sessionStorage.setItem('tickspace.adminToken', 'revoked-token'));
    await page.reload();
    await expect.poll(() => page.textContent('[data-testid=login-error]')).toContain('Wrong admin token');
  });
});
