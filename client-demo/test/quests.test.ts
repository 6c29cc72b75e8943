/**
 * A new player follows the starter quest line at 1024x600 with the mouse and keys only: the tracker
 * names the step and its hint, gathering fibre and twisting a rope advance it, the skills panel (K)
 * shows the experience earned, and no panel leaves the viewport. Screenshots go to
 * test-artifacts/browser/quest-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Identity } from '@tickspace/server/engine';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import { joinAs, screenshot, untilServer } from './support/page-helpers';

const VIEWPORT = { width: 1024, height: 600 };

let gs: GameServer;
let browser: Browser;
let page: Page;
let errors: string[];
let me: Identity;

beforeAll(async () => {
  await ensureClientBuilt();
  gs = await startGameServer();
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: VIEWPORT });
  page = await context.newPage();
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await gs?.close();
});

const trackerStep = () => page.locator('[data-panel=quests]').getAttribute('data-step');

/** Clicks the nearest drawn node of `resourceId` (where the canvas shows it), as a player would. */
async function clickNearest(resourceId: string): Promise<void> {
  const target = await page.evaluate((kind) => {
    const g = window.frontier.game!;
    const cam = g.scene.camera;
    const p = g.predictor;
    return g.view
      .table('resource_node')
      .iter()
      .filter((n) => n.amount > 0 && n.resourceId === kind)
      .map((n) => ({
        sx: cam.worldToScreenX(n.x * 16),
        sy: cam.worldToScreenY((n.y - 0.3) * 16),
        d: Math.hypot(n.x - p.x, n.y - p.y),
      }))
      .filter((c) => c.sx > 260 && c.sx < 700 && c.sy > 60 && c.sy < 480)
      .sort((a, b) => a.d - b.d)[0];
  }, resourceId);
  expect(target, `a ${resourceId} in view, clear of the panels`).toBeDefined();
  await page.mouse.click(target!.sx, target!.sy);
  await untilServer(
    gs.engine,
    () => gs.engine.db.action.find(me)?.kind === 'gather',
    `gathering ${resourceId}`,
  );
  await untilServer(gs.engine, () => gs.engine.db.action.find(me) === undefined, `${resourceId} gathered`);
}

/** Every visible panel's box lies inside the viewport. */
async function expectInsideViewport(): Promise<void> {
  const boxes = await page.evaluate(() =>
    [...document.querySelectorAll('[data-panel], .corner, .help')]
      .filter((el) => !(el as HTMLElement).hidden && (el as HTMLElement).offsetParent !== null)
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { what: (el as HTMLElement).dataset.panel ?? el.className, ...r.toJSON() };
      }),
  );
  for (const b of boxes) {
    expect(b.left, b.what).toBeGreaterThanOrEqual(0);
    expect(b.top, b.what).toBeGreaterThanOrEqual(0);
    expect(b.right, b.what).toBeLessThanOrEqual(VIEWPORT.width);
    expect(b.bottom, b.what).toBeLessThanOrEqual(VIEWPORT.height);
  }
}

describe('the starter quests at 1024x600', () => {
  test('the tracker shows the first step and its hint, next to the key legend without overlapping it', async () => {
    me = await joinAs(page, gs.httpUrl, 'Quinn');
    const tracker = page.locator('[data-panel=quests]');
    await expect.poll(() => tracker.isVisible()).toBe(true);
    expect(await tracker.textContent()).toMatch(/Gather plant fibre\s*0\/3/);
    expect(await tracker.locator('.quest-hint').textContent()).toMatch(/fibre grass/);
    const t = (await tracker.boundingBox())!;
    const legend = (await page.locator('.help').boundingBox())!;
    expect(t.y + t.height).toBeLessThanOrEqual(legend.y);
    expect(t.height).toBeLessThan(90);
    await expectInsideViewport();
    await screenshot(page, 'quest-01-start');
  });

  test('gathering fibre by clicking completes step 1 and shows step 2; the skills panel shows the experience', async () => {
    await clickNearest('fiber_grass');
    await expect.poll(() => page.locator('[data-panel=quests] .count').textContent()).toBe('2/3');
    await screenshot(page, 'quest-02-fibre-2');
    await clickNearest('fiber_grass');
    await expect.poll(trackerStep).toBe('1');
    expect(await page.locator('[data-panel=quests]').textContent()).toMatch(/Twist a rope\s*0\/1/);
    await expect.poll(() => page.locator('.toast[data-text="Done: Gather plant fibre"]').count()).toBe(1);
    await page.keyboard.press('KeyK');
    const foraging = page.locator('[data-panel=skills] [data-skill=foraging]');
    await expect.poll(() => foraging.getAttribute('data-xp')).not.toBe('0');
    expect(await foraging.locator('.xp').textContent()).toMatch(/^\d+\/\d+$/);
    await expectInsideViewport();
    await screenshot(page, 'quest-03-skills');
    await page.keyboard.press('KeyK');
  });

  test('twisting a rope from the crafting panel completes step 2; the tracker points at the stone axe', async () => {
    await page.keyboard.press('KeyC');
    const craft = page.locator('[data-panel=crafting] [data-recipe="rope"] button.craft');
    await expect.poll(() => craft.isEnabled()).toBe(true);
    // A recipe gated by a skill says which skill and level is missing, by the skill's name.
    const gated = await page.locator('[data-panel=crafting] .missing').allTextContents();
    expect(
      gated.some((t) => /Needs .*\b(Crafting|Smithing|Woodcutting|Cooking|Tailoring|Mining) \d+/.test(t)),
    ).toBe(true);
    await craft.click();
    await expect.poll(trackerStep, { timeout: 20_000 }).toBe('2');
    expect(await page.locator('[data-panel=quests]').textContent()).toMatch(/Make a stone axe\s*0\/1/);
    await expectInsideViewport();
    await screenshot(page, 'quest-04-rope');
    await page.keyboard.press('KeyC');
    await page.keyboard.press('KeyK');
    const crafting = page.locator('[data-panel=skills] [data-skill=crafting]');
    await expect.poll(() => crafting.getAttribute('data-xp')).not.toBe('0');
    await screenshot(page, 'quest-05-crafting-xp');
    expect(gs.engine.db.quest_progress.find([me, 'first_steps'])).toMatchObject({ step: 2 });
    expect(errors).toEqual([]);
  });
});
