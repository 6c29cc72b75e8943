/**
 * A rewind under connected browsers (real chromium, a real server with a commit log): the player
 * whose row the rewind took away gets the title screen again with the reason and joins anew; the
 * player who existed before the target tick keeps playing and is told the world was rewound.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import { joinAs, screenshot, untilServer } from './support/page-helpers';

let gs: GameServer;
let browser: Browser;

beforeAll(async () => {
  await ensureClientBuilt();
  gs = await startGameServer({ seed: 'rewind-test' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gs?.close();
});

const newPage = async (): Promise<{ page: Page; errors: string[] }> => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 640 } });
  const page = await context.newPage();
  return { page, errors: collectErrors(page) };
};

const rowInPage = (page: Page) =>
  page.evaluate(() =>
    window.frontier.connection!.view.table('player').has(window.frontier.connection!.identity),
  );

describe('a rewind with players connected', () => {
  test('the player the rewind removed is asked to join again (with the notice) and plays on; the other is told and keeps playing', async () => {
    const bob = await newPage();
    const bobId = await joinAs(bob.page, gs.httpUrl, 'Bob');
    await untilServer(gs.engine, () => gs.engine.db.player.has(bobId), 'Bob joined');
    const target = gs.engine.tick;
    await untilServer(gs.engine, () => gs.engine.tick > target, 'a tick after the target');

    const alice = await newPage();
    const aliceId = await joinAs(alice.page, gs.httpUrl, 'Alice');
    expect(gs.engine.db.player.has(aliceId)).toBe(true);
    expect(await rowInPage(alice.page)).toBe(true);

    const res = await fetch(`${gs.httpUrl}/admin/rewind?tick=${target}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gs.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(gs.engine.db.player.has(aliceId)).toBe(false);

    // Alice: the title screen again, saying why; no blank world.
    await alice.page.waitForSelector('#player-name', { timeout: 30_000 });
    const notice = await alice.page.textContent('[data-notice=history]');
    expect(notice).toContain(`The world was rewound to tick ${target}.`);
    expect(notice).toContain('choose a name to join again');
    await screenshot(alice.page, 'rewind-01-rejoin');
    // Bob: a notice, and his player is still there.
    await expect
      .poll(() => bob.page.locator(`.toast[data-text="The world was rewound to tick ${target}."]`).count(), {
        timeout: 30_000,
      })
      .toBe(1);
    expect(await rowInPage(bob.page)).toBe(true);
    expect(await bob.page.locator('#player-name').count()).toBe(0);

    // Alice joins again and plays on: her row is back on the server and in her page, the prompt gone.
    await alice.page.fill('#player-name', 'Alice');
    await alice.page.press('#player-name', 'Enter');
    await untilServer(
      gs.engine,
      () => gs.engine.db.player.find(aliceId)?.name === 'Alice',
      'Alice joined again',
    );
    await expect.poll(() => rowInPage(alice.page), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => alice.page.locator('#player-name').count(), { timeout: 30_000 }).toBe(0);
    // Her own avatar is in view again (the area of interest follows it once it exists).
    await expect
      .poll(
        () =>
          alice.page.evaluate(() =>
            window.frontier.connection!.view.table('avatar').has(window.frontier.connection!.identity),
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    await screenshot(alice.page, 'rewind-02-rejoined');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
