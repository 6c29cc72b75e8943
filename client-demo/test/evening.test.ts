/**
 * One evening's play for two players, at 1024x600, 1280x720 and 1920x1080 (a fresh world each):
 * Ann asks Bob to trade and he consents, Ann offers a rope, both accept and both are told what
 * changed hands; Ann walks to her storage chest with a click, puts stone in and takes it back out;
 * a gather levels her Foraging up, which floats and toasts. After every step no HUD element runs
 * out of the viewport, and neither page logs a console error. Test setup (items, a finished chest,
 * experience one gather short of a level, Bob placed near Ann) goes through the server; everything
 * the players do is clicks and keys. Screenshots go to test-artifacts/browser/evening-<width>-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Identity, ReducerContext } from '@tickspace/server/engine';
import type { FrontierModule } from '@tickspace/server/world';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import { grantItems, joinAs, panelCount, screenshot, untilServer } from './support/page-helpers';
import { bringIntoView, cameraSettled, clickClearAt, spotsAround } from './support/world-clicks';
import { VIEWPORTS } from './support/viewports';

type Ctx = ReducerContext<FrontierModule['tables']>;

let browser: Browser;

beforeAll(async () => {
  await ensureClientBuilt();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Runs `fn` as a server transaction (test setup) and waits for it. */
function system(gs: GameServer, fn: (ctx: Ctx) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    gs.engine.enqueueSystem('__test_setup', fn, (r) => (r.ok ? resolve() : reject(new Error(r.message)))),
  );
}

/** Every visible HUD element, toast or menu that runs outside the viewport, as text. */
function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      '#hud > *, #hud .side > *, .toast, .player-menu',
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).display === 'none') continue;
      if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5)
        out.push(
          `${el.dataset.panel ?? el.className}: ${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)}`,
        );
    }
    return out;
  });
}

/** Records every toast and floater as it appears (they fade within seconds), read by {@link seen}. */
async function watchFeedback(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { feedbackSeen: string[] }).feedbackSeen = seen;
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
  });
}

function seen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { feedbackSeen: string[] }).feedbackSeen);
}

for (const viewport of VIEWPORTS) {
  const tag = `evening-${viewport.width}`;
  describe(`an evening for two at ${viewport.width}x${viewport.height}`, () => {
    let gs: GameServer;
    let ann: Page;
    let bob: Page;
    let annId: Identity;
    let bobId: Identity;
    const errors: string[][] = [];

    beforeAll(async () => {
      gs = await startGameServer({ seed: `evening-${viewport.width}` });
      ann = await (await browser.newContext({ viewport })).newPage();
      bob = await (await browser.newContext({ viewport })).newPage();
      errors.push(collectErrors(ann), collectErrors(bob));
      annId = await joinAs(ann, gs.httpUrl, 'Ann');
      bobId = await joinAs(bob, gs.httpUrl, 'Bob');
      for (const page of [ann, bob]) await watchFeedback(page);
    });

    afterAll(async () => {
      await ann?.context().close();
      await bob?.context().close();
      await gs?.close();
    });

    const expectNoOverflow = async () => {
      expect(await overflows(ann), 'Ann').toEqual([]);
      expect(await overflows(bob), 'Bob').toEqual([]);
    };

    test('Ann asks Bob to trade, he accepts, she offers a rope; both accept and both see the result', async () => {
      await grantItems(gs.engine, annId, { rope: 2 });
      // Bob a few tiles from Ann, on a spot free by Ann's client's collision: T opens at once.
      const spot = await ann.evaluate(() => {
        const g = window.frontier.game!;
        for (let k = 0; k < 32; k++) {
          const a = (k / 32) * 2 * Math.PI;
          const x = g.predictor.x + 2.5 * Math.cos(a);
          const y = g.predictor.y + 2.5 * Math.sin(a);
          if (!g.collision.blocked(x, y, 0.6)) return { x, y };
        }
        return undefined;
      });
      expect(spot, 'a free spot near Ann').toBeDefined();
      await system(gs, (ctx) => ctx.db.avatar.update({ ...ctx.db.avatar.find(bobId)!, ...spot! }));
      await ann.waitForFunction(
        ([id, x]) => Math.abs(window.frontier.game!.view.table('avatar').find(id)!.x - x!) < 0.01,
        [bobId, spot!.x] as const,
      );
      await ann.keyboard.press('KeyT');
      await bob.waitForSelector('[data-panel=trade][data-state=invited]:not([hidden])', { timeout: 30_000 });
      expect(await bob.textContent('[data-panel=trade] .question')).toBe('Ann wants to trade.');
      await screenshot(bob, `${tag}-1-invited`);
      await expectNoOverflow();
      await bob.click('[data-panel=trade] button.join');
      await ann.waitForSelector('[data-panel=trade][data-state=open]:not([hidden])');
      await bob.waitForSelector('[data-panel=trade][data-state=open]:not([hidden])');
      await ann.waitForFunction(() =>
        [...document.querySelectorAll('[data-panel=trade] select.offer-item option')].some(
          (o) => (o as HTMLOptionElement).value === 'rope',
        ),
      );
      await ann.selectOption('[data-panel=trade] select.offer-item', 'rope');
      await ann.fill('[data-panel=trade] input.offer-qty', '1');
      await ann.click('[data-panel=trade] .offer-row button');
      await bob.waitForSelector('[data-panel=trade] [data-side=theirs] [data-item="rope"][data-qty="1"]', {
        timeout: 20_000,
      });
      await screenshot(ann, `${tag}-2-offered`);
      await expectNoOverflow();
      await ann.click('[data-panel=trade] button.accept');
      await bob.click('[data-panel=trade] button.accept');
      await untilServer(
        gs.engine,
        () =>
          gs.engine.db.inventory
            .iter()
            .some((r) => r.owner === bobId && r.itemId === 'rope' && r.quantity === 1),
        "the rope in Bob's backpack",
      );
      await expect
        .poll(() => seen(ann))
        .toContain('toast:Trade with Bob complete: you gave 1 × Rope and received nothing.');
      await expect
        .poll(() => seen(bob))
        .toContain('toast:Trade with Ann complete: you gave nothing and received 1 × Rope.');
      await bob.keyboard.press('KeyI');
      await expect.poll(() => panelCount(bob, 'rope')).toBe(1);
      await expect.poll(() => bob.locator('[data-panel=trade]').isHidden()).toBe(true);
      await screenshot(bob, `${tag}-3-traded`);
      await expectNoOverflow();
      await bob.keyboard.press('KeyI');
    });

    test('Ann clicks her chest, walks up to it, puts stone in and takes it back out', async () => {
      const me = gs.engine.db.avatar.find(annId)!;
      await grantItems(gs.engine, annId, { plank: 8, rope: 1, stone: 5 });
      let chest: number | undefined;
      for (const [dx, dy] of spotsAround([5, 4, 6, 3, 7])) {
        const x = Math.floor(me.x) + dx;
        const y = Math.floor(me.y) + dy;
        // A click on the chest's centre must pick the chest.
        if (!clickClearAt(x, y, gs.engine.db.resource_node.iter(), gs.engine.db.avatar.iter())) continue;
        const ok = await new Promise<boolean>((resolve) =>
          gs.engine.enqueue(annId, 'place_building', { kind: 'storage_chest', x, y }, (r) => resolve(r.ok)),
        );
        if (!ok) continue;
        chest = gs.engine.db.building.iter().find((b) => b.x === x && b.y === y)!.id;
        break;
      }
      expect(chest, 'a free spot for the chest').toBeDefined();
      await system(gs, (ctx) => ctx.db.building.update({ ...ctx.db.building.find(chest!)!, complete: true }));
      await ann.waitForFunction(
        (id) => window.frontier.game!.view.table('building').find(id)?.complete === true,
        chest!,
      );
      await cameraSettled(ann);
      const at = await ann.evaluate((id) => {
        const g = window.frontier.game!;
        const b = g.view.table('building').find(id)!;
        return { x: g.scene.camera.worldToScreenX(b.cx * 16), y: g.scene.camera.worldToScreenY(b.cy * 16) };
      }, chest!);
      await ann.mouse.click(at.x, at.y);
      const panel = ann.locator('[data-panel=building]');
      await expect.poll(() => panel.getAttribute('data-building'), { timeout: 10_000 }).toBe(String(chest));
      await expect.poll(() => panel.getAttribute('data-in-reach'), { timeout: 20_000 }).toBe('true');
      await panel.locator('[data-list=backpack] li[data-item=stone] button').click();
      await expect
        .poll(() => panel.locator('[data-list=chest] li[data-item=stone]').getAttribute('data-qty'))
        .toBe('5');
      const container = gs.engine.db.building.find(chest!)!.containerId;
      expect(
        gs.engine.db.inventory.filter('by_container', container).find((r) => r.itemId === 'stone')?.quantity,
      ).toBe(5);
      await screenshot(ann, `${tag}-4-deposited`);
      await expectNoOverflow();
      await panel.locator('[data-list=chest] li[data-item=stone] button').click();
      await expect.poll(() => panel.locator('[data-list=chest] li').count()).toBe(0);
      await expect
        .poll(() => panel.locator('[data-list=backpack] li[data-item=stone]').getAttribute('data-qty'))
        .toBe('5');
      expect(
        gs.engine.db.inventory.iter().find((r) => r.owner === annId && r.itemId === 'stone')?.quantity,
        'all five back in the backpack',
      ).toBe(5);
      await screenshot(ann, `${tag}-5-withdrawn`);
      await expectNoOverflow();
      await panel.locator('header button.close').click();
    });

    test('a gather one short of Foraging 2 levels Ann up: it floats and toasts, and the skills panel shows it', async () => {
      await system(gs, (ctx) => {
        const row = ctx.db.skill.find([annId, 'foraging'])!;
        ctx.db.skill.update({ ...row, xp: 19, level: 1 });
      });
      await ann.waitForFunction(
        (id) => window.frontier.game!.view.table('skill').find([id, 'foraging'] as never)?.xp === 19,
        annId,
      );
      await cameraSettled(ann);
      const grass = await bringIntoView(ann, ['fiber_grass']);
      expect(grass, 'fibre grass in view').toBeDefined();
      await ann.mouse.click(grass!.sx, grass!.sy);
      try {
        await expect.poll(() => seen(ann), { timeout: 30_000 }).toContain('level:Level up! Foraging 2');
      } catch (error) {
        // What the player was told instead, and what they see.
        await screenshot(ann, `${tag}-6-level-up-missing`);
        throw new Error(`no level-up; feedback seen: ${JSON.stringify(await seen(ann))}`, { cause: error });
      }
      await screenshot(ann, `${tag}-6-level-up`);
      expect(await seen(ann)).toContain('toast:Foraging reached level 2');
      await expectNoOverflow();
      await ann.keyboard.press('Escape');
      await ann.keyboard.press('KeyK');
      const skills = ann.locator('[data-panel=skills]');
      await expect.poll(() => skills.isVisible()).toBe(true);
      await expect.poll(() => skills.locator('[data-skill=foraging]').getAttribute('data-level')).toBe('2');
      expect(await skills.locator('[data-skill=foraging] .level').textContent()).toBe('Lv 2');
      await screenshot(ann, `${tag}-7-skills`);
      await expectNoOverflow();
      expect(errors[0], "Ann's console").toEqual([]);
      expect(errors[1], "Bob's console").toEqual([]);
    });
  });
}
