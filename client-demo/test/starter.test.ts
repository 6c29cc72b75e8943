/**
 * A new player plays the whole starter quest line at 1280x720 with the mouse and keys only, using
 * what the UI shows: gather fibre, twist a rope, make a stone axe, chop a tree, build a campfire,
 * then a workbench. Resources are found on screen and clicked (one click gathers a node until it
 * is used up), recipes crafted from the crafting panel (C), buildings placed from the build panel
 * (B) and built by the automatic construction that follows placement.
 *
 * Three full runs are too slow for CI on a shared two-core runner (one is several minutes of
 * gathering), so at 1024x600 and 1920x1080 each step is checked for layout instead: the tracker
 * shows the step and its hint, and the tracker, the key legend and the panel the step points at
 * (crafting for a craft, build for a building, with the step's recipe or building in view) fit the
 * viewport without covering each other. Screenshots go to test-artifacts/browser/starter-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Identity } from '@tickspace/server/engine';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import type { ReducerContext } from '@tickspace/server/engine';
import type { FrontierModule } from '@tickspace/server/world';
import { joinAs, screenshot, untilServer } from './support/page-helpers';
import { bringIntoView, cameraSettled } from './support/world-clicks';
import { VIEWPORTS } from './support/viewports';

let browser: Browser;
// The viewport's world, page and player (each viewport's describe block sets them up and closes them).
let gs: GameServer;
let page: Page;
let errors: string[];
let me: Identity;

beforeAll(async () => {
  await ensureClientBuilt();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const step = () => gs.engine.db.quest_progress.find([me, 'first_steps'])?.step ?? 0;
const count = (itemId: string) => {
  const p = gs.engine.db.player.find(me);
  if (p === undefined) return 0;
  return gs.engine.db.inventory
    .filter('by_container', p.containerId)
    .filter((s) => s.itemId === itemId)
    .reduce((n, s) => n + s.quantity, 0);
};

/**
 * After a click on a node: whether a gather began. False when the walk there ended without one (a
 * way blocked by water or trees, "Something is in the way"), as a player would see and try another.
 */
async function gatherBegins(): Promise<boolean> {
  const gathering = () => gs.engine.db.action.find(me)?.kind === 'gather';
  const deadline = Date.now() + 60_000;
  while (!gathering()) {
    if (Date.now() > deadline) throw new Error('neither a gather nor the end of the walk within 60 s');
    if (!(await page.evaluate(() => window.frontier.game!.walking))) {
      // The walk is over (or there was none: the node was in reach): the gather call, if one was
      // made, lands within a few ticks.
      for (let i = 0; i < 20 && !gathering(); i++) await gs.engine.nextTick();
      return gathering();
    }
    await gs.engine.nextTick();
  }
  return true;
}

/** Clicks resources of `kinds` on screen until the backpack holds `n` of `itemId`. */
async function gatherUntil(kinds: readonly string[], itemId: string, n: number): Promise<void> {
  const unreachable: number[] = [];
  for (let clicks = 0; count(itemId) < n; clicks++) {
    expect(clicks, `clicks to gather ${n} ${itemId}`).toBeLessThan(12);
    const node = await bringIntoView(page, kinds, unreachable);
    expect(node, `a ${kinds.join(' or ')} in view`).toBeDefined();
    await page.mouse.click(node!.sx, node!.sy);
    if (!(await gatherBegins())) {
      unreachable.push(node!.id);
      await cameraSettled(page);
      continue;
    }
    // One click goes on until the node is used up; stop waiting once there is enough.
    await untilServer(
      gs.engine,
      () =>
        count(itemId) >= n ||
        (gs.engine.db.resource_node.find(node!.id)?.amount === 0 &&
          gs.engine.db.action.find(me) === undefined),
      `${itemId} gathered`,
      60_000,
    );
    await cameraSettled(page);
  }
}

/** Crafts a recipe from the crafting panel (C) and waits for the quest step after it. */
async function craft(recipeId: string, nextStep: number): Promise<void> {
  await page.keyboard.press('KeyC');
  const button = page.locator(`[data-panel=crafting] [data-recipe="${recipeId}"] button.craft`);
  await expect.poll(() => button.isEnabled()).toBe(true);
  await button.click();
  await untilServer(gs.engine, () => step() >= nextStep, `crafted ${recipeId}`);
  await expect.poll(() => page.locator('.toast.success[data-text^="Crafted "]').count()).toBeGreaterThan(0);
  await page.keyboard.press('KeyC');
}

/** Picks a building in the build panel (B), places it on a free spot near the player and waits until it is built. */
async function build(kind: string, nextStep: number): Promise<void> {
  await page.keyboard.press('KeyB');
  const place = page.locator(`[data-panel=build] [data-building="${kind}"] button`);
  await expect.poll(() => place.isEnabled()).toBe(true);
  await place.click();
  const at = await page.evaluate(() => {
    const g = window.frontier.game!;
    return {
      sx: g.scene.camera.worldToScreenX(g.predictor.x * 16),
      sy: g.scene.camera.worldToScreenY(g.predictor.y * 16),
      tile: 16 * g.scene.camera.zoom,
    };
  });
  let spot: { sx: number; sy: number } | undefined;
  for (const [dx, dy] of [
    [3, 0],
    [-3, 0],
    [0, 3],
    [0, -3],
    [3, 3],
    [-3, 3],
    [3, -3],
    [-3, -3],
    [4, 1],
    [1, 4],
    [-4, 1],
    [1, -4],
  ] as const) {
    const sx = at.sx + dx * at.tile;
    const sy = at.sy + dy * at.tile;
    await page.mouse.move(sx, sy);
    // Two frames: the ghost follows the pointer in the frame loop.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (await page.evaluate(() => window.frontier.game!.buildGhost.valid)) {
      spot = { sx, sy };
      break;
    }
  }
  expect(spot, `a free spot for the ${kind}`).toBeDefined();
  await page.mouse.click(spot!.sx, spot!.sy);
  await untilServer(
    gs.engine,
    () => gs.engine.db.building.iter().some((b) => b.owner === me && b.buildingId === kind),
    `${kind} placed`,
  );
  await untilServer(gs.engine, () => step() >= nextStep, `${kind} built`, 60_000);
  await cameraSettled(page);
}

interface Box {
  readonly what: string;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The boxes of the tracker, the key legend, the minimap and every shown panel (the HUD a quest step shows). */
async function hudBoxes(): Promise<Box[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-panel], .help')]
      // Not offsetParent: it is null for the fixed-position panels too. The HUD root spans the page.
      .filter(
        (el) =>
          el.dataset.panel !== 'hud' &&
          el.getClientRects().length > 0 &&
          el.getBoundingClientRect().width > 0 &&
          getComputedStyle(el).visibility !== 'hidden',
      )
      .map((el) => {
        const r = el.getBoundingClientRect();
        return {
          what: el.dataset.panel ?? el.className,
          left: r.left,
          top: r.top,
          right: r.right,
          bottom: r.bottom,
        };
      }),
  );
}

/** Every HUD box inside the viewport, and the tracker clear of every other box. */
async function expectStepFits(viewport: { width: number; height: number }, label: string): Promise<void> {
  const boxes = await hudBoxes();
  for (const b of boxes) {
    const where = `${label}: ${b.what} ${JSON.stringify(b)}`;
    expect(b.left, where).toBeGreaterThanOrEqual(0);
    expect(b.top, where).toBeGreaterThanOrEqual(0);
    expect(b.right, where).toBeLessThanOrEqual(viewport.width);
    expect(b.bottom, where).toBeLessThanOrEqual(viewport.height);
  }
  const tracker = boxes.find((b) => b.what === 'quests');
  expect(tracker, `${label}: the tracker shows`).toBeDefined();
  for (const b of boxes) {
    if (b === tracker) continue;
    const apart =
      b.right <= tracker!.left ||
      b.left >= tracker!.right ||
      b.bottom <= tracker!.top ||
      b.top >= tracker!.bottom;
    expect(
      apart,
      `${label}: the tracker ${JSON.stringify(tracker)} is clear of ${b.what} ${JSON.stringify(b)}`,
    ).toBe(true);
  }
}

/** Puts the player on step `position` of the starter quest (test setup, as a server transaction). */
async function setStep(position: number): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    gs.engine.enqueueSystem(
      '__test_quest_step',
      (ctx: ReducerContext<FrontierModule['tables']>) => {
        const row = { owner: me, questId: 'first_steps', step: position, count: 0 };
        if (ctx.db.quest_progress.has([me, 'first_steps'])) ctx.db.quest_progress.update(row);
        else ctx.db.quest_progress.insert(row);
      },
      (r) => (r.ok ? resolve() : reject(new Error(r.message))),
    ),
  );
}

for (const viewport of VIEWPORTS.filter((v) => v.width !== 1280)) {
  const tag = String(viewport.width);
  describe(`each starter step's tracker and panel at ${viewport.width}x${viewport.height}`, () => {
    beforeAll(async () => {
      gs = await startGameServer({ seed: 'starter-layout' });
      page = await (await browser.newContext({ viewport })).newPage();
      errors = collectErrors(page);
    });

    afterAll(async () => {
      await page?.context().close();
      await gs?.close();
    });

    test('the tracker shows each step and its hint; the panel it points at fits beside it', async () => {
      me = await joinAs(page, gs.httpUrl, `Fit${tag}`);
      await cameraSettled(page);
      const tracker = page.locator('[data-panel=quests]');
      const steps = gs.engine.db.quest_step
        .filter('by_quest', 'first_steps')
        .sort((a, b) => a.position - b.position);
      expect(steps.length).toBe(6);
      for (const s of steps) {
        if (s.position > 0) await setStep(s.position);
        await expect.poll(() => tracker.getAttribute('data-step')).toBe(String(s.position));
        expect(await tracker.locator('.quest-step .text').textContent()).toBe(s.text);
        expect(await tracker.locator('.quest-hint').textContent()).toBe(s.hint);
        const key = s.goalKind === 'craft' ? 'KeyC' : s.goalKind === 'build' ? 'KeyB' : undefined;
        if (key !== undefined) {
          await page.keyboard.press(key);
          const card = page.locator(
            s.goalKind === 'craft'
              ? `[data-panel=crafting] [data-recipe="${s.target}"]`
              : `[data-panel=build] [data-building="${s.target}"]`,
          );
          await card.scrollIntoViewIfNeeded();
          const box = (await card.boundingBox())!;
          expect(box.y, `${s.target} in view`).toBeGreaterThanOrEqual(0);
          expect(box.y + box.height, `${s.target} in view`).toBeLessThanOrEqual(viewport.height);
        }
        await expectStepFits(viewport, `step ${s.position + 1} (${s.text})`);
        await screenshot(page, `starter-${tag}-step-${s.position + 1}`);
        if (key !== undefined) await page.keyboard.press(key);
      }
      await setStep(steps.length);
      await expect
        .poll(() => page.locator('.toast[data-text="Quest complete: First Steps"]').count())
        .toBe(1);
      expect(errors).toEqual([]);
    });
  });
}

for (const viewport of VIEWPORTS.filter((v) => v.width === 1280)) {
  const tag = String(viewport.width);
  describe(`the starter quest line at ${viewport.width}x${viewport.height}, clicks and keys only`, () => {
    beforeAll(async () => {
      gs = await startGameServer({ seed: 'starter-test' });
      page = await (await browser.newContext({ viewport })).newPage();
      errors = collectErrors(page);
    });

    afterAll(async () => {
      await page?.context().close();
      await gs?.close();
    });

    test('gather fibre, twist a rope, make a stone axe, chop a tree, build a campfire and a workbench', async () => {
      me = await joinAs(page, gs.httpUrl, 'Starter');
      await cameraSettled(page);
      const tracker = page.locator('[data-panel=quests]');
      await screenshot(page, `starter-${tag}-1-join`);

      await gatherUntil(['fiber_grass'], 'fiber', 3);
      await untilServer(gs.engine, () => step() >= 1, 'fibre step done');
      await expect.poll(() => tracker.getAttribute('data-step')).toBe('1');
      await screenshot(page, `starter-${tag}-2-fibre`);

      await craft('rope', 2);
      await expect.poll(() => tracker.getAttribute('data-step')).toBe('2');

      await gatherUntil(['loose_stones'], 'stone', 2);
      await gatherUntil(['fallen_branch'], 'stick', 2);
      await craft('stone_axe', 3);
      await expect.poll(() => tracker.textContent()).toMatch(/Chop a tree/);
      await screenshot(page, `starter-${tag}-3-axe`);

      await gatherUntil(['oak_tree', 'pine_tree'], 'log', 1);
      await untilServer(gs.engine, () => step() >= 4, 'tree chopped');
      await screenshot(page, `starter-${tag}-4-log`);

      await gatherUntil(['loose_stones'], 'stone', 5);
      await gatherUntil(['fallen_branch'], 'stick', 3);
      await build('campfire', 5);
      await expect.poll(() => tracker.textContent()).toMatch(/Build a workbench/);
      await screenshot(page, `starter-${tag}-5-campfire`);

      await gatherUntil(['oak_tree', 'pine_tree'], 'log', 4);
      await gatherUntil(['loose_stones'], 'stone', 2);
      await build('workbench', 6);
      await expect
        .poll(() => page.locator('.toast[data-text="Quest complete: First Steps"]').count())
        .toBe(1);
      await screenshot(page, `starter-${tag}-6-workbench`);
      expect(errors).toEqual([]);
    });
  });
}
