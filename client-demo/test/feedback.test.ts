/**
 * Feedback for every outcome, as a new player meets it in real chromium at 1024x600, 1280x720 and
 * 1920x1080: the hover tip names a resource and the tool it needs; a click on a tree without an axe
 * is refused before any walk, in words, with a "Show recipe" button that opens the crafting panel
 * at the stone axe; one click on fibre grass gathers it until the node is used up, each gather
 * floating `+2 Plant Fiber` over the player; a level-up floats and toasts; a full backpack stops
 * gathering and says so; item icons differ by kind; no panel leaves the viewport; no console
 * errors. Screenshots go to test-artifacts/browser/feedback-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Identity, ReducerContext } from '@tickspace/server/engine';
import type { FrontierModule } from '@tickspace/server/world';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import { grantItems, joinAs, screenshot, untilServer } from './support/page-helpers';
import { bringIntoView, cameraSettled } from './support/world-clicks';
import { VIEWPORTS } from './support/viewports';

let gs: GameServer;
let browser: Browser;

beforeAll(async () => {
  await ensureClientBuilt();
  gs = await startGameServer({ seed: 'feedback-test' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gs?.close();
});

/** Sets a player's experience in a skill (test setup through a server transaction). */
function setXp(id: Identity, skillId: string, xp: number): Promise<void> {
  return new Promise((resolve, reject) =>
    gs.engine.enqueueSystem(
      '__test_xp',
      (ctx: ReducerContext<FrontierModule['tables']>) => {
        const row = ctx.db.skill.find([id, skillId]);
        if (row === undefined) ctx.db.skill.insert({ owner: id, skillId, xp, level: 1 });
        else ctx.db.skill.update({ ...row, xp, level: 1 });
      },
      (r) => (r.ok ? resolve() : reject(new Error(r.message))),
    ),
  );
}

/**
 * Puts the player beside a node, a free spot within reach (test setup through a server
 * transaction), and waits until the camera has caught up; returns where the page draws the node.
 */
async function standBeside(page: Page, id: Identity, nodeId: number): Promise<{ sx: number; sy: number }> {
  const spot = await page.evaluate((nid) => {
    const g = window.frontier.game!;
    const n = g.view.table('resource_node').find(nid)!;
    for (let k = 0; k < 16; k++) {
      const a = (k / 16) * 2 * Math.PI;
      const x = n.x + 1 * Math.cos(a);
      const y = n.y + 1 * Math.sin(a);
      if (!g.collision.blocked(x, y, 0.6)) return { x, y };
    }
    return undefined;
  }, nodeId);
  expect(spot, 'a free spot beside the node').toBeDefined();
  await new Promise<void>((resolve) =>
    gs.engine.enqueueSystem(
      '__test_stand',
      (ctx: ReducerContext<FrontierModule['tables']>) =>
        ctx.db.avatar.update({ ...ctx.db.avatar.find(id)!, ...spot!, dirX: 0, dirY: 0, moving: false }),
      () => resolve(),
    ),
  );
  await page.waitForFunction(
    ([x, y]) =>
      Math.hypot(window.frontier.game!.predictor.x - x!, window.frontier.game!.predictor.y - y!) < 0.05,
    [spot!.x, spot!.y],
  );
  await cameraSettled(page);
  return page.evaluate((nid) => {
    const g = window.frontier.game!;
    const n = g.view.table('resource_node').find(nid)!;
    return {
      sx: g.scene.camera.worldToScreenX(n.x * 16),
      sy: g.scene.camera.worldToScreenY((n.y - 0.3) * 16),
    };
  }, nodeId);
}

/** Every visible HUD element outside the viewport, as text. */
function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('#hud > *, #hud .side > *, .toast, .floater')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).display === 'none') continue;
      if (el.classList.contains('floaters')) continue;
      if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5)
        out.push(
          `${el.dataset.panel ?? el.className}: ${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)}`,
        );
    }
    return out;
  });
}

for (const vp of VIEWPORTS) {
  describe(`feedback at ${vp.width}x${vp.height}`, () => {
    let page: Page;
    let errors: string[];
    let me: Identity;
    const tag = `feedback-${vp.width}x${vp.height}`;

    beforeAll(async () => {
      const context = await browser.newContext({ viewport: vp });
      page = await context.newPage();
      errors = collectErrors(page);
      me = await joinAs(page, gs.httpUrl, `Fee${vp.width}`);
      await cameraSettled(page);
    });

    afterAll(async () => {
      await page?.context().close();
    });

    test('the hover tip names a tree and the axe it needs; a click is refused before any walk, with Show recipe', async () => {
      const tree = await bringIntoView(page, ['oak_tree', 'pine_tree']);
      expect(tree, 'a tree in view').toBeDefined();
      await page.mouse.move(tree!.sx, tree!.sy);
      const tip = page.locator('.hover-tip');
      await expect.poll(() => tip.getAttribute('data-node')).toBe(String(tree!.id));
      expect(await tip.isVisible()).toBe(true);
      const tipText = (await tip.textContent()) ?? '';
      expect(tipText).toMatch(/(Oak|Pine) Tree/);
      expect(tipText).toContain('Needs an axe (tier 1): you have none');
      expect(tipText).toContain('Gives Log');
      await screenshot(page, `${tag}-1-hover-tree`);
      const before = gs.engine.db.avatar.find(me)!;
      await page.mouse.click(tree!.sx, tree!.sy);
      const refusal = page.locator('.toast[data-code=TOOL_REQUIRED]');
      await expect.poll(() => refusal.count()).toBe(1);
      expect(await refusal.textContent()).toMatch(/^You need an axe \(tier 1\) for an? (Oak|Pine) Tree\./);
      // Refused before the walk: no walk under way, and the server saw no move.
      expect(await page.evaluate(() => window.frontier.game!.walking)).toBe(false);
      await screenshot(page, `${tag}-2-tool-refused`);
      await gs.engine.nextTick();
      const after = gs.engine.db.avatar.find(me)!;
      expect([after.x, after.y]).toEqual([before.x, before.y]);
      await refusal.locator('button.toast-action').click();
      const recipe = page.locator('[data-panel=crafting] [data-recipe=stone_axe]');
      await expect.poll(() => recipe.isVisible()).toBe(true);
      expect(await recipe.getAttribute('class')).toContain('highlight');
      const box = (await recipe.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(vp.height);
      expect(await overflows(page)).toEqual([]);
      await screenshot(page, `${tag}-3-show-recipe`);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('[data-panel=crafting]').isHidden()).toBe(true);
    });

    test('one click gathers fibre until the node is used up, each gather floating +2 Plant Fiber; a level-up floats and toasts', async () => {
      // One gather short of Foraging 2 (20 experience): the next gather levels up.
      await setXp(me, 'foraging', 19);
      await page.waitForFunction(
        (id) => window.frontier.game!.view.table('skill').find([id, 'foraging'] as never)?.xp === 19,
        me,
      );
      await page.evaluate(() => {
        // Record every floater and toast as it appears: they fade within seconds.
        const seen: string[] = [];
        (window as unknown as { floatersSeen: string[] }).floatersSeen = seen;
        const watch = new MutationObserver((records) => {
          for (const r of records)
            for (const n of r.addedNodes) {
              const el = n as HTMLElement;
              if (el.classList?.contains('floater')) seen.push(`${el.dataset.kind}:${el.textContent}`);
              if (el.classList?.contains('toast')) seen.push(`toast:${el.dataset.text}`);
            }
        });
        watch.observe(document.querySelector('.floaters')!, { childList: true });
        watch.observe(document.querySelector('.toasts')!, { childList: true });
        // And every time the hover tip shows (its hidden attribute goes).
        const tip = document.querySelector<HTMLElement>('.hover-tip')!;
        new MutationObserver(() => {
          if (!tip.hidden) seen.push(`tip:${tip.dataset.node}`);
        }).observe(tip, { attributes: true, attributeFilter: ['hidden'] });
      });
      const seenGrass = await bringIntoView(page, ['fiber_grass']);
      expect(seenGrass, 'fibre grass in view').toBeDefined();
      const gathers = seenGrass!.amount;
      expect(gathers).toBeGreaterThan(1);
      // Stand beside it (test setup), so the click gathers without a walk: the camera stays, the
      // pointer stays on the grass, and a tip left showing would sit beside the player's name.
      const grass = await standBeside(page, me, seenGrass!.id);
      // The tip shows over the grass before the click (so the click has a tip to hide).
      await page.mouse.move(grass.sx, grass.sy);
      const tip = page.locator('.hover-tip');
      await expect.poll(() => tip.getAttribute('data-node')).toBe(String(seenGrass!.id));
      expect(await tip.isVisible()).toBe(true);
      await page.mouse.click(grass.sx, grass.sy);
      expect(await page.evaluate(() => window.frontier.game!.walking), 'no walk: the grass is in reach').toBe(
        false,
      );
      const seen = () => page.evaluate(() => (window as unknown as { floatersSeen: string[] }).floatersSeen);
      const tipsBefore = (await seen()).filter((s) => s.startsWith('tip:')).length;
      // Gone within two frames of the click, the pointer still on the grass.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      expect(await tip.isHidden(), 'the tip hidden after the click').toBe(true);
      await page.waitForFunction(() => document.querySelector('.floater.gain') !== null);
      await screenshot(page, `${tag}-4-floater`);
      await untilServer(
        gs.engine,
        () => gs.engine.db.resource_node.find(seenGrass!.id)?.amount === 0,
        'the node used up',
      );
      await untilServer(gs.engine, () => gs.engine.db.action.find(me) === undefined, 'gathering stopped');
      // The still pointer, on the grass all along, brought no tip back during the gathers; moving
      // it does.
      expect(
        (await seen()).filter((s) => s.startsWith('tip:')),
        'no tip while the pointer stayed still',
      ).toHaveLength(tipsBefore);
      const now = await page.evaluate((id) => {
        const g = window.frontier.game!;
        const n = g.view.table('resource_node').find(id)!;
        return {
          sx: g.scene.camera.worldToScreenX(n.x * 16),
          sy: g.scene.camera.worldToScreenY((n.y - 0.3) * 16),
        };
      }, seenGrass!.id);
      // A few px off: a move to the very spot the pointer rests on is no move.
      await page.mouse.move(now.sx + 3, now.sy);
      await expect.poll(() => tip.isVisible()).toBe(true);
      expect(await tip.getAttribute('data-node')).toBe(String(seenGrass!.id));
      expect(await tip.textContent()).toContain('Used up');
      await page.mouse.move(1, vp.height / 2);
      await expect
        .poll(async () => (await seen()).filter((s) => s === 'gain:+2 Plant Fiber').length)
        .toBe(gathers);
      expect((await seen()).some((s) => s === 'level:Level up! Foraging 2')).toBe(true);
      expect(await seen()).toContain('toast:Foraging reached level 2');
      // Once the node is used up, the repeat stops: no new gather starts.
      await gs.engine.nextTick();
      await gs.engine.nextTick();
      expect(gs.engine.db.action.find(me)).toBeUndefined();
      expect(await overflows(page)).toEqual([]);
    });

    test('icons differ by kind in the backpack; a full backpack stops gathering and says so', async () => {
      // 24 slots: fill the 23 that the fibre leaves with one item each, then fibre to its stack size.
      const fillers = gs.engine.db.item_def
        .iter()
        .map((d) => d.id)
        .filter((id) => id !== 'fiber')
        .slice(0, 23);
      await grantItems(gs.engine, me, Object.fromEntries(fillers.map((id) => [id, 1])));
      const fiber = gs.engine.db.inventory
        .filter('by_container', gs.engine.db.player.find(me)!.containerId)
        .find((s) => s.itemId === 'fiber')!;
      await grantItems(gs.engine, me, {
        fiber: gs.engine.db.item_def.find('fiber')!.stackSize - fiber.quantity,
      });
      await page.keyboard.press('KeyI');
      await expect.poll(() => page.locator('[data-panel=inventory] .slot:not(.empty)').count()).toBe(24);
      const icons = await page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll<HTMLElement>('[data-panel=inventory] .slot[data-item]')].map((s) => [
            s.dataset.item!,
            s.querySelector('img')!.src,
          ]),
        ),
      );
      const shown = [
        'stick',
        'log',
        'plank',
        'rope',
        'fiber',
        'stone_axe',
        'stone_pickaxe',
        'flint_knife',
      ].filter((id) => icons[id] !== undefined);
      expect(shown.length).toBeGreaterThanOrEqual(5);
      expect(new Set(shown.map((id) => icons[id])).size).toBe(shown.length);
      await screenshot(page, `${tag}-5-backpack-icons`);
      expect(await overflows(page)).toEqual([]);
      await page.keyboard.press('KeyI');
      const grass = await bringIntoView(page, ['fiber_grass']);
      expect(grass, 'more fibre grass in view').toBeDefined();
      await page.mouse.click(grass!.sx, grass!.sy);
      const full = page.locator('.toast[data-code=INVENTORY_FULL]');
      await expect.poll(() => full.count(), { timeout: 20_000 }).toBe(1);
      expect(await full.textContent()).toBe('Your backpack is full: no room for 2 Plant Fiber.');
      expect(gs.engine.db.action.find(me)).toBeUndefined();
      await screenshot(page, `${tag}-6-backpack-full`);
      expect(errors).toEqual([]);
    });
  });
}
