/**
 * Where the game-loop panels sit and how floating text stacks, in real chromium at 1024x600,
 * 1280x720 and 1920x1080: the town project panel (P) opens at the top of the right column, like
 * the other side panels (inside the column and the viewport, clear of the minimap, the corner
 * tracker and the player in the middle), and still fits when the backpack and crafting panels
 * share the column; the town site's label moves off the minimap and off a player's name label;
 * the chest panel shows the chest, the backpack, who may use it and Demolish without a scroll;
 * toasts never cover the town site's label (it moves off them) or the quest tracker; floater lines
 * started a few hundred ms apart never overlap while they rise.
 * Screenshots go to test-artifacts/browser/loop-layout-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import type { Identity, ReducerContext } from '@tickspace/server/engine';
import type { FrontierModule } from '@tickspace/server/world';
import { placeFinishedChest } from './support/finished-chest';
import { grantItems, joinAs, screenshot } from './support/page-helpers';
import { VIEWPORTS } from './support/viewports';

let gs: GameServer;
let browser: Browser;

beforeAll(async () => {
  await ensureClientBuilt();
  gs = await startGameServer({ seed: 'loop-layout-test' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gs?.close();
});

interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The bounding boxes of the panels that matter here (undefined when hidden). */
function boxes(page: Page) {
  return page.evaluate(() => {
    const box = (sel: string) => {
      const el = document.querySelector<HTMLElement>(sel);
      if (el === null || el.offsetParent === null) return undefined;
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    return {
      project: box('[data-panel=project]'),
      side: box('#hud .side'),
      minimap: box('[data-panel=minimap]'),
      corner: box('#hud .corner'),
      inventory: box('[data-panel=inventory]'),
      crafting: box('[data-panel=crafting]'),
      view: { left: 0, top: 0, right: innerWidth, bottom: innerHeight },
    };
  });
}

function inside(a: Box, b: Box): boolean {
  return (
    a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5
  );
}

function overlap(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

describe.each(VIEWPORTS)('loop panels at $width x $height', (viewport) => {
  test('the project panel opens at the top of the right column and fits beside the backpack and crafting', async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const id = await joinAs(page, gs.httpUrl, `L${viewport.width}`);
    // Enough kinds of things that the backpack and crafting lists are long.
    await grantItems(gs.engine, id, { stone: 12, log: 6, plant_fiber: 9, stick: 4, berries: 3 });
    await page.keyboard.press('KeyP');
    const panel = page.locator('[data-panel=project]');
    await expect.poll(() => panel.isVisible()).toBe(true);
    let b = await boxes(page);
    const centre = {
      left: viewport.width / 2 - 20,
      right: viewport.width / 2 + 20,
      top: viewport.height / 2 - 30,
      bottom: viewport.height / 2 + 30,
    };
    expect(inside(b.project!, b.side!)).toBe(true);
    expect(inside(b.project!, b.view)).toBe(true);
    expect(overlap(b.project!, b.minimap!)).toBe(false);
    expect(overlap(b.project!, b.corner!)).toBe(false);
    expect(overlap(b.project!, centre)).toBe(false);
    // At the column's top, as the other side panels start.
    expect(Math.abs(b.project!.top - b.side!.top)).toBeLessThan(1);
    await screenshot(page, `loop-layout-${viewport.width}-project`);

    // The backpack (I) and crafting (C) join it in the column: all three inside it, none overlapping.
    await page.keyboard.press('KeyI');
    await page.keyboard.press('KeyC');
    await expect.poll(async () => (await boxes(page)).crafting !== undefined).toBe(true);
    b = await boxes(page);
    for (const p of [b.project!, b.inventory!, b.crafting!]) {
      expect(inside(p, b.side!)).toBe(true);
      expect(inside(p, b.view)).toBe(true);
    }
    expect(overlap(b.project!, b.inventory!)).toBe(false);
    expect(overlap(b.project!, b.crafting!)).toBe(false);
    expect(b.project!.bottom).toBeLessThanOrEqual(b.inventory!.top);
    // The panel's last row is reachable by scrolling when the column is short, and Give works there.
    const lastNeed = panel.locator('li[data-item]').last();
    await lastNeed.scrollIntoViewIfNeeded();
    const row = (await lastNeed.boundingBox())!;
    expect(row.y).toBeGreaterThanOrEqual(b.project!.top - 0.5);
    expect(row.y + row.height).toBeLessThanOrEqual(b.project!.bottom + 0.5);
    await screenshot(page, `loop-layout-${viewport.width}-column`);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe.each(VIEWPORTS)('the chest panel at $width x $height', (viewport) => {
  test('shows the chest, the backpack, who may use it and Demolish without a scroll', async () => {
    const owner = await (await browser.newContext({ viewport })).newPage();
    const friend = await (await browser.newContext({ viewport: { width: 800, height: 600 } })).newPage();
    const errors = collectErrors(owner);
    const id = await joinAs(owner, gs.httpUrl, `Chest${viewport.width}`);
    const friendId = await joinAs(friend, gs.httpUrl, `Friend${viewport.width}`);
    // An evening's backpack: the kinds a player carries after the starter quests.
    await grantItems(gs.engine, id, { stone: 9, log: 4, stick: 3, fiber: 5, berries: 4, rope: 1 });
    const chest = await placeFinishedChest(gs.engine, id);
    await owner.waitForFunction(
      (bid) => window.frontier.game!.view.table('building').find(bid)?.complete === true,
      chest,
    );
    await owner.waitForFunction(
      (fid) => window.frontier.game!.view.table('avatar').find(fid)?.online === true,
      friendId,
    );
    await settleAt(owner, gs.engine.db.avatar.find(id)!.x, gs.engine.db.avatar.find(id)!.y);
    const at = await owner.evaluate((bid) => {
      const g = window.frontier.game!;
      const b = g.view.table('building').find(bid)!;
      return { x: g.scene.camera.worldToScreenX(b.cx * 16), y: g.scene.camera.worldToScreenY(b.cy * 16) };
    }, chest);
    await owner.mouse.click(at.x, at.y);
    const panel = owner.locator('[data-panel=building]');
    await expect.poll(() => panel.getAttribute('data-building'), { timeout: 10_000 }).toBe(String(chest));
    await expect.poll(() => panel.getAttribute('data-in-reach'), { timeout: 20_000 }).toBe('true');
    // Something in the chest as well: stone put in from the panel.
    await panel.locator('[data-list=backpack] li[data-item=stone] button').click();
    await expect.poll(() => panel.locator('[data-list=chest] li[data-item=stone]').count()).toBe(1);
    await expect
      .poll(() => panel.locator(`[data-list=access] li[data-player="Friend${viewport.width}"]`).count())
      .toBe(1);
    const fit = await panel.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const last = el.querySelector('[data-action=demolish]')!.getBoundingClientRect();
      const access = el.querySelector('.loop-access')!.getBoundingClientRect();
      return {
        scrollHeight: el.scrollHeight,
        clientHeight: el.clientHeight,
        box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
        access: { top: access.top, bottom: access.bottom },
        demolish: { top: last.top, bottom: last.bottom },
      };
    });
    expect(fit.scrollHeight, `the chest panel scrolls: ${JSON.stringify(fit)}`).toBeLessThanOrEqual(
      fit.clientHeight,
    );
    expect(inside(fit.box, { left: 0, top: 0, right: viewport.width, bottom: viewport.height })).toBe(true);
    // "Who may use it" and Demolish inside the panel's box, so on screen without scrolling.
    expect(fit.access.top).toBeGreaterThanOrEqual(fit.box.top);
    expect(fit.demolish.bottom).toBeLessThanOrEqual(fit.box.bottom);
    await screenshot(owner, `loop-layout-${viewport.width}-chest`);
    expect(errors).toEqual([]);
    await owner.context().close();
    await friend.context().close();
  });
});

/** Puts a player at (x, y) tiles, standing, through a server transaction (test setup). */
async function teleport(id: Identity, x: number, y: number): Promise<void> {
  await new Promise<void>((resolve) =>
    gs.engine.enqueueSystem(
      '__test_teleport',
      (ctx: ReducerContext<FrontierModule['tables']>) =>
        ctx.db.avatar.update({ ...ctx.db.avatar.find(id)!, x, y, dirX: 0, dirY: 0, moving: false }),
      () => resolve(),
    ),
  );
}

/** Waits until the page's camera is centred on its player standing at (x, y) tiles. */
async function settleAt(page: Page, x: number, y: number): Promise<void> {
  await page.waitForFunction(
    ([x, y]) => {
      const g = window.frontier.game!;
      const cam = g.scene.camera;
      const p = g.predictor;
      return (
        Math.hypot(p.x - x!, p.y - y!) < 0.05 &&
        Math.abs(cam.worldToScreenX(p.x * 16) - cam.width / 2) < 1 &&
        Math.abs(cam.worldToScreenY(p.y * 16) - cam.height / 2) < 1
      );
    },
    [x, y],
    { timeout: 20_000 },
  );
  // Two more frames: the labels are laid out after the camera moves.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * The town site's label on screen (undefined when hidden), where it would stand by default (above
 * the site, centred), the minimap and every name label, in CSS px over the canvas.
 */
function siteLabelBoxes(page: Page) {
  return page.evaluate(() => {
    const g = window.frontier.game!;
    const cam = g.scene.camera;
    const c = g.scene.app.canvas.getBoundingClientRect();
    const m = document.querySelector('[data-panel=minimap]')!.getBoundingClientRect();
    const label = g.loop.sites.labelRects()[0]!.rect;
    const info = g.view.table('world_info').find(0)!;
    const def = g.view.table('project_def').iter()[0]!;
    const sx = Math.floor(info.spawnX) + def.siteDx;
    const sy = Math.floor(info.spawnY) + def.siteDy;
    const w = label === undefined ? 0 : label.right - label.left;
    const h = label === undefined ? 0 : label.bottom - label.top;
    const cx = cam.worldToScreenX((sx + def.width / 2) * 16);
    const bottom = cam.worldToScreenY(sy * 16) - 2;
    return {
      label,
      usual: { left: cx - w / 2, right: cx + w / 2, top: bottom - h, bottom },
      minimap: {
        left: m.left - c.left,
        top: m.top - c.top,
        right: m.right - c.left,
        bottom: m.bottom - c.top,
      },
      corner: [...document.querySelectorAll('#hud .corner > *')]
        .map((el) => el.getBoundingClientRect())
        .filter((r) => r.width > 0)
        .map((r) => ({
          left: r.left - c.left,
          top: r.top - c.top,
          right: r.right - c.left,
          bottom: r.bottom - c.top,
        })),
      names: g.entities.labelBounds().map((b) => ({
        left: cam.worldToScreenX(b.left),
        top: cam.worldToScreenY(b.top),
        right: cam.worldToScreenX(b.right),
        bottom: cam.worldToScreenY(b.bottom),
      })),
      site: { x: sx, y: sy, width: def.width },
      zoom: cam.zoom,
    };
  });
}

describe.each(VIEWPORTS)('the town site label at $width x $height', (viewport) => {
  test("moves off a player's name label and off the minimap", async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const id = await joinAs(page, gs.httpUrl, `Site${viewport.width}`);
    await page.waitForFunction(() => window.frontier.game!.loop.sites.labelRects().length === 1);
    let b = await siteLabelBoxes(page);
    // On the site, a tile below its top edge: the player's name is where the label usually is.
    const onX = b.site.x + b.site.width / 2;
    const onY = b.site.y + 1;
    await teleport(id, onX, onY);
    await settleAt(page, onX, onY);
    b = await siteLabelBoxes(page);
    expect(b.label, 'label shown').toBeDefined();
    expect(
      b.names.some((n) => overlap(b.usual, n)),
      'the usual place is taken by the name',
    ).toBe(true);
    for (const n of b.names) expect(overlap(b.label!, n), 'label over a name').toBe(false);
    for (const p of b.corner) expect(overlap(b.label!, p), 'label over a corner panel').toBe(false);
    expect(overlap(b.label!, b.minimap)).toBe(false);
    await screenshot(page, `loop-layout-${viewport.width}-site-label-name`);

    // Stand where the label's usual place falls under the middle of the minimap.
    const mx = (b.minimap.left + b.minimap.right) / 2;
    const my = (b.minimap.top + b.minimap.bottom) / 2;
    const far = {
      x: b.site.x + b.site.width / 2 - (mx - viewport.width / 2) / b.zoom / 16,
      y: b.site.y - (my - viewport.height / 2) / b.zoom / 16,
    };
    await teleport(id, far.x, far.y);
    await settleAt(page, far.x, far.y);
    b = await siteLabelBoxes(page);
    expect(overlap(b.usual, b.minimap), 'the usual place is under the minimap').toBe(true);
    expect(b.label, 'label shown').toBeDefined();
    expect(overlap(b.label!, b.minimap), 'label under the minimap').toBe(false);
    for (const n of b.names) expect(overlap(b.label!, n), 'label over a name').toBe(false);
    for (const p of b.corner) expect(overlap(b.label!, p), 'label over a corner panel').toBe(false);
    expect(inside(b.label!, { left: 0, top: 0, right: viewport.width, bottom: viewport.height })).toBe(true);
    await screenshot(page, `loop-layout-${viewport.width}-site-label-minimap`);
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** Shows toasts through the game's own toast call (what a craft or a refusal shows); their boxes, canvas px. */
function showToasts(page: Page, texts: readonly string[]) {
  return page.evaluate(async (texts) => {
    const g = window.frontier.game!;
    for (const t of texts) g.toast(t);
    // Two frames: the site labels are laid out in the frame after the toasts change.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const c = g.scene.app.canvas.getBoundingClientRect();
    return [...document.querySelectorAll('.toasts > .toast')].map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left - c.left, top: r.top - c.top, right: r.right - c.left, bottom: r.bottom - c.top };
    });
  }, texts);
}

describe.each(VIEWPORTS)('toasts at $width x $height', (viewport) => {
  test('never cover the town site label or the quest tracker', async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = collectErrors(page);
    const id = await joinAs(page, gs.httpUrl, `Toast${viewport.width}`);
    await page.waitForFunction(() => window.frontier.game!.loop.sites.labelRects().length === 1);
    // Below the site: its label stands over it, mid-screen, where its size can be read.
    let b = await siteLabelBoxes(page);
    await teleport(id, b.site.x + b.site.width / 2, b.site.y + 7);
    await settleAt(page, b.site.x + b.site.width / 2, b.site.y + 7);
    b = await siteLabelBoxes(page);
    expect(b.label, 'label shown').toBeDefined();
    const w = b.label!.right - b.label!.left;
    const h = b.label!.bottom - b.label!.top;
    // Where one toast stands; then stand where the label's usual place is centred on it.
    const [first] = await showToasts(page, ['Crafted 1 Rope.']);
    const tx = (first!.left + first!.right) / 2;
    const ty = (first!.top + first!.bottom) / 2;
    const at = {
      x: b.site.x + b.site.width / 2 - (tx - viewport.width / 2) / b.zoom / 16,
      y: b.site.y - (ty + h / 2 + 2 - viewport.height / 2) / b.zoom / 16,
    };
    await teleport(id, at.x, at.y);
    await settleAt(page, at.x, at.y);
    // A craft's toast and a quest step's, as a player sees them together.
    const toasts = await showToasts(page, ['Crafted 1 Rope.', 'Done: Twist a rope']);
    expect(toasts).toHaveLength(2);
    b = await siteLabelBoxes(page);
    expect(b.label, 'label shown').toBeDefined();
    expect(Math.abs(b.label!.right - b.label!.left - w), 'the label keeps its size').toBeLessThan(1);
    expect(Math.abs(b.label!.bottom - b.label!.top - h), 'the label keeps its size').toBeLessThan(1);
    expect(
      toasts.some((t) => overlap(b.usual, t)),
      'the usual place is under a toast',
    ).toBe(true);
    for (const t of toasts) {
      expect(
        overlap(b.label!, t),
        `label ${JSON.stringify(b.label)} under a toast ${JSON.stringify(t)}`,
      ).toBe(false);
      expect(inside(t, { left: 0, top: 0, right: viewport.width, bottom: viewport.height })).toBe(true);
      for (const p of b.corner)
        expect(overlap(t, p), `toast ${JSON.stringify(t)} over a corner panel ${JSON.stringify(p)}`).toBe(
          false,
        );
      expect(overlap(t, b.minimap), 'toast over the minimap').toBe(false);
    }
    await screenshot(page, `loop-layout-${viewport.width}-toasts-site-label`);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('floaters', () => {
  test('lines started a few hundred ms apart stack while they rise and never overlap', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await joinAs(page, gs.httpUrl, 'Floaty');
    // Every 10 ms: the legible lines (opacity at least 0.6) on screen, and any two that overlap.
    const sampled = page.evaluate(
      () =>
        new Promise<{ most: number; overlaps: string[]; frames: number }>((resolve) => {
          const game = window.frontier.game!;
          const floaters = game.panels.floaters;
          // The lines are CSS animations, independent of the canvas: stopping the canvas's render
          // loop for the sampling frees the page's one thread for the samples (software WebGL on a
          // loaded machine left time for only 8 samples in 3.4 s).
          game.scene.app.ticker.stop();
          const x = innerWidth / 2;
          const y = innerHeight / 2 - 40;
          // A gather every 300-450 ms, a craft's two lines at once, a level-up: what play produces.
          const plan: [number, string, 'gain' | 'loss' | 'level'][] = [
            [0, '+2 Plant Fiber', 'gain'],
            [300, '+2 Plant Fiber', 'gain'],
            [650, '−3 Plant Fiber', 'loss'],
            [650, '+1 Rope', 'gain'],
            [1100, 'Level up! Foraging 2', 'level'],
            [1400, '+2 Plant Fiber', 'gain'],
          ];
          const start = performance.now();
          for (const [at, text, kind] of plan) setTimeout(() => floaters.show(text, kind, x, y), at);
          let most = 0;
          let frames = 0;
          const overlaps: string[] = [];
          const sample = () => {
            frames++;
            const shown = [...document.querySelectorAll<HTMLElement>('.floater')]
              .filter((el) => Number(getComputedStyle(el).opacity) >= 0.6)
              .map((el) => ({ text: el.textContent ?? '', r: el.getBoundingClientRect() }));
            most = Math.max(most, shown.length);
            for (let i = 0; i < shown.length; i++)
              for (let j = i + 1; j < shown.length; j++) {
                const a = shown[i]!.r;
                const b = shown[j]!.r;
                const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                // Glyph boxes carry some leading: 4 px of box overlap is not yet text on text.
                if (dx > 0 && dy > 4)
                  overlaps.push(
                    `${Math.round(performance.now() - start)} ms: ${shown[i]!.text} / ${shown[j]!.text} by ${dy.toFixed(1)} px`,
                  );
              }
            if (performance.now() - start >= 3400) {
              clearInterval(timer);
              game.scene.app.ticker.start();
              resolve({ most, overlaps, frames });
            }
          };
          // A timer, not animation frames: software WebGL makes frames slow here, and the CSS
          // animation's state is computed at the moment of each query anyway.
          const timer = setInterval(sample, 10);
        }),
    );
    await page.waitForFunction(() => document.querySelectorAll('.floater').length >= 4);
    await screenshot(page, 'loop-layout-floaters');
    const seen = await sampled;
    // The interesting case ran: several lines legible at once, over many samples.
    expect(seen.frames).toBeGreaterThan(8);
    expect(seen.most).toBeGreaterThanOrEqual(3);
    expect(seen.overlaps).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
