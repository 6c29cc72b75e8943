/**
 * A new player in a page of the game who plays with the mouse and keys only, using what the UI
 * shows: resources are found where the canvas draws them and clicked (one click gathers a node
 * until it is used up), recipes crafted from the crafting panel (C), buildings placed from the
 * build panel (B) and built by the construction that follows placement. Several of them may share
 * one world at once, as new players do: they meet at the spawn point and use up each other's
 * nodes, so a gather that does not begin moves on to another node, as a player would.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Identity } from '@tickspace/server/engine';
import type { GameServer } from './game-server';
import { screenshot, untilServer } from './page-helpers';
import { bringIntoView, cameraSettled } from './world-clicks';

/** A box on screen, px, named after the HUD element it is. */
interface Box {
  readonly what: string;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Options of {@link QuestPlayer}. */
export interface QuestPlayerOptions {
  /** Clicks on nodes one {@link QuestPlayer.gatherUntil} may take before it fails. @default 16 */
  readonly maxClicksPerGather?: number;
  /** How long one click's gathers may take before the test fails, ms. @default 90_000 */
  readonly gatherGuardMs?: number;
}

/** A player in `page`, joined as `me` into the world of `gs`; `tag` names their screenshots. */
export class QuestPlayer {
  readonly gs: GameServer;
  readonly page: Page;
  readonly me: Identity;
  readonly viewport: { readonly width: number; readonly height: number };
  readonly tag: string;
  readonly #maxClicks: number;
  readonly #gatherGuardMs: number;

  constructor(
    gs: GameServer,
    page: Page,
    me: Identity,
    viewport: { readonly width: number; readonly height: number },
    tag: string,
    options: QuestPlayerOptions = {},
  ) {
    this.gs = gs;
    this.page = page;
    this.me = me;
    this.viewport = viewport;
    this.tag = tag;
    this.#maxClicks = options.maxClicksPerGather ?? 16;
    this.#gatherGuardMs = options.gatherGuardMs ?? 90_000;
  }

  /** The player's step in a quest, on the server (0 before the first is done). */
  step(questId: string): number {
    return this.gs.engine.db.quest_progress.find([this.me, questId])?.step ?? 0;
  }

  /** How many of an item the player's backpack holds, on the server. */
  count(itemId: string): number {
    const db = this.gs.engine.db;
    const p = db.player.find(this.me);
    if (p === undefined) return 0;
    return db.inventory
      .filter('by_container', p.containerId)
      .filter((s) => s.itemId === itemId)
      .reduce((n, s) => n + s.quantity, 0);
  }

  /**
   * After a click on a node: whether a gather began. False when the walk there ended without one
   * (a way blocked by water or trees, "Something is in the way"; the node used up by another
   * player first), as a player would see and try another.
   */
  async #gatherBegins(): Promise<boolean> {
    const engine = this.gs.engine;
    const gathering = () => engine.db.action.find(this.me)?.kind === 'gather';
    const deadline = Date.now() + 60_000;
    while (!gathering()) {
      if (Date.now() > deadline)
        throw new Error(`${this.tag}: neither a gather nor the end of the walk within 60 s`);
      if (!(await this.page.evaluate(() => window.frontier.game!.walking))) {
        // The walk is over (or there was none: the node was in reach): the gather call, if one was
        // made, lands within a few ticks.
        for (let i = 0; i < 20 && !gathering(); i++) await engine.nextTick();
        return gathering();
      }
      await engine.nextTick();
    }
    return true;
  }

  /** Clicks resources of `kinds` on screen until the backpack holds `n` of `itemId`. */
  async gatherUntil(kinds: readonly string[], itemId: string, n: number): Promise<void> {
    const engine = this.gs.engine;
    const skip: number[] = [];
    for (let clicks = 0; this.count(itemId) < n; clicks++) {
      expect(clicks, `${this.tag}: clicks to gather ${n} ${itemId}`).toBeLessThan(this.#maxClicks);
      const node = await bringIntoView(this.page, kinds, skip);
      expect(node, `${this.tag}: a ${kinds.join(' or ')} in view`).toBeDefined();
      await this.page.mouse.click(node!.sx, node!.sy);
      if (!(await this.#gatherBegins())) {
        skip.push(node!.id);
        await cameraSettled(this.page);
        continue;
      }
      // One click goes on until the node is used up; stop waiting once there is enough.
      await untilServer(
        engine,
        () =>
          this.count(itemId) >= n ||
          (engine.db.resource_node.find(node!.id)?.amount === 0 &&
            engine.db.action.find(this.me) === undefined),
        `${this.tag}: ${itemId} gathered`,
        this.#gatherGuardMs,
      );
      // Used up (by this player or another): no use clicking it again.
      if (engine.db.resource_node.find(node!.id)?.amount === 0) skip.push(node!.id);
      await cameraSettled(this.page);
    }
  }

  /**
   * Crafts a recipe from the crafting panel (C): the recipe's card in view and the HUD fitting
   * (screenshot `shot`), then its button, and waits for the quest step after it.
   */
  async craft(recipeId: string, questId: string, nextStep: number, shot: string): Promise<void> {
    const page = this.page;
    await page.keyboard.press('KeyC');
    const cardAt = `[data-panel=crafting] [data-recipe="${recipeId}"]`;
    await expect.poll(() => page.locator(cardAt).count()).toBe(1);
    await this.#expectCardInView(cardAt, recipeId);
    await this.expectHudFits(`crafting ${recipeId}`);
    await screenshot(page, shot);
    const button = page.locator(`${cardAt} button.craft`);
    await expect.poll(() => button.isEnabled()).toBe(true);
    await button.click();
    await untilServer(
      this.gs.engine,
      () => this.step(questId) >= nextStep,
      `${this.tag}: crafted ${recipeId}`,
    );
    await expect.poll(() => page.locator('.toast.success[data-text^="Crafted "]').count()).toBeGreaterThan(0);
    await page.keyboard.press('KeyC');
  }

  /**
   * Picks a building in the build panel (B), with its card in view and the HUD fitting
   * (screenshot `shot`), places it on a free spot near the player and waits until it is built.
   */
  async build(kind: string, questId: string, nextStep: number, shot: string): Promise<void> {
    const { page, gs } = this;
    await page.keyboard.press('KeyB');
    const cardAt = `[data-panel=build] [data-building="${kind}"]`;
    await expect.poll(() => page.locator(cardAt).count()).toBe(1);
    await this.#expectCardInView(cardAt, kind);
    await this.expectHudFits(`building ${kind}`);
    await screenshot(page, shot);
    const place = page.locator(`${cardAt} button`);
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
    for (const [dx, dy] of SPOTS) {
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
    expect(spot, `${this.tag}: a free spot for the ${kind}`).toBeDefined();
    await page.mouse.click(spot!.sx, spot!.sy);
    await untilServer(
      gs.engine,
      () => gs.engine.db.building.iter().some((b) => b.owner === this.me && b.buildingId === kind),
      `${this.tag}: ${kind} placed`,
    );
    // The construction follows placement; when it has stopped short (its walk ended in the way),
    // the player does what the hint says: E works on the nearest unfinished building.
    const deadline = Date.now() + 90_000;
    let idleTicks = 0;
    while (this.step(questId) < nextStep) {
      if (Date.now() > deadline) throw new Error(`${this.tag}: ${kind} not built within 90 s`);
      const busy =
        gs.engine.db.action.find(this.me) !== undefined ||
        (await page.evaluate(() => window.frontier.game!.walking));
      idleTicks = busy ? 0 : idleTicks + 1;
      if (idleTicks >= 40) {
        idleTicks = 0;
        await page.keyboard.press('KeyE');
      }
      await gs.engine.nextTick();
    }
    await cameraSettled(page);
  }

  /** The tracker shows `step`'s text and hint. */
  async expectTracker(position: number, text: string, hint: string): Promise<void> {
    const tracker = this.page.locator('[data-panel=quests]');
    await expect.poll(() => tracker.getAttribute('data-step')).toBe(String(position));
    expect(await tracker.locator('.quest-step .text').textContent(), this.tag).toBe(text);
    expect(await tracker.locator('.quest-hint').textContent(), this.tag).toBe(hint);
  }

  /** Every HUD box inside the viewport, and the tracker clear of every other box. */
  async expectHudFits(label: string): Promise<void> {
    const { width, height } = this.viewport;
    const boxes = await hudBoxes(this.page);
    for (const b of boxes) {
      const where = `${this.tag} ${label}: ${b.what} ${JSON.stringify(b)}`;
      expect(b.left, where).toBeGreaterThanOrEqual(0);
      expect(b.top, where).toBeGreaterThanOrEqual(0);
      expect(b.right, where).toBeLessThanOrEqual(width);
      expect(b.bottom, where).toBeLessThanOrEqual(height);
    }
    const tracker = boxes.find((b) => b.what === 'quests');
    expect(tracker, `${this.tag} ${label}: the tracker shows`).toBeDefined();
    for (const b of boxes) {
      // The hover tip follows the pointer, wherever the player points.
      if (b === tracker || b.what === 'hover-tip') continue;
      const apart =
        b.right <= tracker!.left ||
        b.left >= tracker!.right ||
        b.bottom <= tracker!.top ||
        b.top >= tracker!.bottom;
      expect(
        apart,
        `${this.tag} ${label}: the tracker ${JSON.stringify(tracker)} is clear of ${b.what} ${JSON.stringify(b)}`,
      ).toBe(true);
    }
  }

  /**
   * Scrolls the card `selector` into its list's view and checks it is inside the viewport, in one
   * step in the page: the crafting list re-renders its cards as the backpack changes, so a card
   * found a moment ago may have been replaced since.
   */
  async #expectCardInView(selector: string, what: string): Promise<void> {
    const box = await this.page.evaluate((sel) => {
      const el = document.querySelector(sel);
      if (el === null) return undefined;
      el.scrollIntoView({ block: 'nearest' });
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom };
    }, selector);
    expect(box, `${this.tag}: ${what} shown`).toBeDefined();
    expect(box!.top, `${this.tag}: ${what} in view`).toBeGreaterThanOrEqual(0);
    expect(box!.bottom, `${this.tag}: ${what} in view`).toBeLessThanOrEqual(this.viewport.height);
  }
}

/** Where to try placing a building, in tiles from the player: near first, on every side. */
const SPOTS = [
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
  [5, 0],
  [-5, 0],
  [0, 5],
  [0, -5],
] as const;

/** The boxes of the tracker, the key legend, the minimap, every shown panel, the hover tip and toasts. */
function hudBoxes(page: Page): Promise<Box[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-panel], .help, .toast')]
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
