/**
 * The game loop past the starter quests, played with clicks at 1024x600 by two players: a storage
 * chest round-trips items between them through an access grant (and the revoke shuts it again),
 * demolishing it refunds part of its cost, eating makes the player well fed, and a contribution to
 * the town project (Give from afar walks the player to the site first: the server takes materials
 * only within reach) shows in the panel, and completing a stage raises the town's building for both.
 * Screenshots go to test-artifacts/browser/loop-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Identity, ReducerContext } from '@tickspace/server/engine';
import type { FrontierModule } from '@tickspace/server/world';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import { placeFinishedChest } from './support/finished-chest';
import { grantItems, joinAs, panelCount, screenshot, untilServer } from './support/page-helpers';

const VIEWPORT = { width: 1024, height: 600 };

let gs: GameServer;
let browser: Browser;
let ann: Page;
let bob: Page;
let annId: Identity;
let bobId: Identity;
let chest: number;
const errors: string[][] = [];

beforeAll(async () => {
  await ensureClientBuilt();
  gs = await startGameServer({ seed: 'loop-test' });
  browser = await launchChromium();
  for (const name of ['Ann', 'Bob']) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    errors.push(collectErrors(page));
    if (name === 'Ann') ann = page;
    else bob = page;
  }
});

afterAll(async () => {
  await browser?.close();
  await gs?.close();
});

/** Waits until the page's player stands still and the camera has caught up with them. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const g = window.frontier.game!;
      const cam = g.scene.camera;
      const p = g.predictor;
      return (
        !g.walking &&
        p.dirX === 0 &&
        p.dirY === 0 &&
        Math.abs(cam.worldToScreenX(p.x * 16) - cam.width / 2) < 2 &&
        Math.abs(cam.worldToScreenY(p.y * 16) - cam.height / 2) < 2
      );
    },
    undefined,
    { timeout: 20_000 },
  );
}

/** The server's distance from a player to the town square's site, tiles (from its edge). */
function siteDistance(id: Identity): number {
  const me = gs.engine.db.avatar.find(id)!;
  const info = gs.engine.db.world_info.find(0)!;
  const def = gs.engine.db.project_def.find('town_square')!;
  const x = Math.floor(info.spawnX) + def.siteDx;
  const y = Math.floor(info.spawnY) + def.siteDy;
  const dx = Math.max(x - me.x, 0, me.x - (x + def.width));
  const dy = Math.max(y - me.y, 0, me.y - (y + def.height));
  return Math.hypot(dx, dy);
}

/**
 * Records where the page's predicted walks to a target stop (the frame its `walk_to` prediction
 * ended), read back with {@link walkStops}: the server's rest is compared with it.
 */
async function recordWalkStops(page: Page): Promise<void> {
  await page.evaluate(() => {
    const p = window.frontier.game!.predictor;
    const stops: { x: number; y: number }[] = [];
    (window as unknown as { walkStops: typeof stops }).walkStops = stops;
    const step = p.step.bind(p);
    p.step = (dtMs, world) => {
      const was = p.hasTarget;
      step(dtMs, world);
      if (was && !p.hasTarget) stops.push({ x: p.x, y: p.y });
    };
  });
}

async function walkStops(page: Page): Promise<{ x: number; y: number }[]> {
  return page.evaluate(() => (window as unknown as { walkStops: { x: number; y: number }[] }).walkStops);
}

/** The reach the server allows to a site or a building, tiles. */
function reachTiles(): number {
  const s = gs.engine.db.settings.find(0)!;
  return s.reachTiles + s.playerRadiusTiles;
}

/** Clicks a building where the page draws it, once the camera has settled. */
async function clickBuilding(page: Page, id: number): Promise<void> {
  await settle(page);
  const at = await page.evaluate((bid) => {
    const g = window.frontier.game!;
    const b = g.view.table('building').find(bid)!;
    const cam = g.scene.camera;
    return { x: cam.worldToScreenX(b.cx * 16), y: cam.worldToScreenY(b.cy * 16) };
  }, id);
  await page.mouse.click(at.x, at.y);
}

const chestPanel = (page: Page) => page.locator('[data-panel=building]');

describe('the game loop at 1024x600', () => {
  test('Ann opens her chest with a click and puts stone in; she allows Bob', async () => {
    annId = await joinAs(ann, gs.httpUrl, 'Ann');
    bobId = await joinAs(bob, gs.httpUrl, 'Bob');
    chest = await placeFinishedChest(gs.engine, annId, [2, 3, 4]);
    await grantItems(gs.engine, annId, { stone: 5 });
    await ann.waitForFunction((id) => window.frontier.game!.view.table('building').has(id), chest);
    await clickBuilding(ann, chest);
    await expect.poll(() => chestPanel(ann).getAttribute('data-building')).toBe(String(chest));
    await expect.poll(() => chestPanel(ann).getAttribute('data-in-reach'), { timeout: 20_000 }).toBe('true');
    expect(await chestPanel(ann).locator('header').textContent()).toContain('Storage Chest');
    await chestPanel(ann).locator('[data-list=backpack] li[data-item=stone] button').click();
    const container = gs.engine.db.building.find(chest)!.containerId;
    await untilServer(
      gs.engine,
      () =>
        gs.engine.db.inventory
          .filter('by_container', container)
          .some((r) => r.itemId === 'stone' && r.quantity === 5),
      'stone in the chest',
    );
    await expect
      .poll(() => chestPanel(ann).locator('[data-list=chest] li[data-item=stone]').getAttribute('data-qty'))
      .toBe('5');
    await expect
      .poll(() => chestPanel(ann).locator('[data-list=backpack] li[data-item=stone]').count())
      .toBe(0);
    await expect
      .poll(() => chestPanel(ann).locator('[data-list=access] li[data-player=Bob]').count())
      .toBe(1);
    await chestPanel(ann).locator('[data-list=access] li[data-player=Bob] button').click();
    await untilServer(gs.engine, () => gs.engine.db.building_access.has([chest, bobId]), 'Bob allowed');
    await expect
      .poll(() => chestPanel(ann).locator('[data-list=access] li[data-player=Bob] button').textContent())
      .toBe('Revoke');
    await screenshot(ann, 'loop-01-chest-deposit');
  });

  test('Bob opens the same chest and takes the stone; a revoke shuts it for him', async () => {
    await bob.waitForFunction((id) => window.frontier.game!.view.table('building').has(id), chest);
    await clickBuilding(bob, chest);
    await screenshot(bob, 'loop-02a-bob-clicked');
    await expect.poll(() => chestPanel(bob).getAttribute('data-in-reach'), { timeout: 20_000 }).toBe('true');
    expect(await chestPanel(bob).textContent()).toContain('Built by Ann');
    await chestPanel(bob).locator('[data-list=chest] li[data-item=stone] button').click();
    await untilServer(
      gs.engine,
      () =>
        (gs.engine.db.inventory.iter().find((r) => r.owner === bobId && r.itemId === 'stone')?.quantity ??
          0) === 5,
      "stone in Bob's backpack",
    );
    await expect.poll(() => chestPanel(bob).locator('[data-list=chest] li').count()).toBe(0);
    await bob.keyboard.press('KeyI');
    await expect.poll(() => panelCount(bob, 'stone')).toBe(5);
    await screenshot(bob, 'loop-02-bob-took');
    await bob.keyboard.press('KeyI');
    await chestPanel(ann).locator('[data-list=access] li[data-player=Bob] button').click();
    await untilServer(gs.engine, () => !gs.engine.db.building_access.has([chest, bobId]), 'Bob revoked');
    await expect.poll(() => chestPanel(bob).textContent()).toContain('you may not open it');
    expect(await chestPanel(bob).locator('.loop-storage').isHidden()).toBe(true);
    await screenshot(bob, 'loop-03-bob-revoked');
  });

  test('Ann demolishes the empty chest and gets half its cost back', async () => {
    const before = { plank: 0, rope: 0 };
    for (const r of gs.engine.db.inventory.iter())
      if (r.owner === annId && (r.itemId === 'plank' || r.itemId === 'rope')) before[r.itemId] += r.quantity;
    const demolish = chestPanel(ann).locator('[data-action=demolish]');
    await demolish.click();
    await expect.poll(() => demolish.textContent()).toMatch(/Really demolish/);
    await demolish.click();
    await untilServer(gs.engine, () => !gs.engine.db.building.has(chest), 'chest demolished');
    const toast = ann.locator('.toast', { hasText: 'Storage Chest demolished: got back 4 Plank, 1 Rope.' });
    await expect.poll(() => toast.count()).toBe(1);
    await expect.poll(() => chestPanel(ann).isHidden()).toBe(true);
    await ann.keyboard.press('KeyI');
    await expect.poll(() => panelCount(ann, 'plank')).toBe(before.plank + 4);
    expect(await panelCount(ann, 'rope')).toBe(before.rope + 1);
    await screenshot(ann, 'loop-04-demolished');
    await ann.keyboard.press('KeyI');
  });

  test('eating berries from the food chip makes Ann well fed', async () => {
    await grantItems(gs.engine, annId, { berries: 3 });
    const eat = ann.locator('[data-panel=food] button[data-item=berries]');
    await expect.poll(() => eat.textContent()).toBe('Eat Berries (3)');
    expect(await ann.locator('[data-panel=food]').getAttribute('data-fed')).toBe('false');
    await eat.click();
    await untilServer(
      gs.engine,
      () => (gs.engine.db.satiety.find(annId)?.fedUntilMs ?? 0) > gs.engine.now,
      'Ann fed',
    );
    await expect.poll(() => ann.locator('[data-panel=food]').getAttribute('data-fed')).toBe('true');
    expect(await ann.locator('[data-panel=food] .loop-fed').textContent()).toMatch(/^Well fed 0:[0-3]\d/);
    await expect.poll(() => eat.textContent()).toBe('Eat Berries (2)');
    await screenshot(ann, 'loop-05-fed');
  });

  test('a contribution shows in the project panel; the finished stage raises the plaza for both players', async () => {
    await grantItems(gs.engine, annId, { stone: 20, log: 4 });
    await grantItems(gs.engine, bobId, { log: 6 });
    await ann.keyboard.press('KeyP');
    const panel = ann.locator('[data-panel=project]');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.locator('.loop-stage').textContent()).toBe('Stage 1 of 3: Clear the square');
    await expect.poll(() => panel.locator('li[data-item=stone] button').textContent()).toBe('Give 20');
    // From the chest, the site is out of reach: the panel says so, and Give walks there first.
    expect(await panel.locator('[data-note=reach]').textContent()).toMatch(
      /^The site is \d+ tiles away: Give walks you there\.$/,
    );
    expect(siteDistance(annId)).toBeGreaterThan(reachTiles() + 1);
    // Every text the reach note shows from the click on (a short walk can be over before a poll).
    await ann.evaluate(() => {
      const note = document.querySelector('[data-panel=project] [data-note=reach]')!;
      const seen: string[] = [];
      (window as unknown as { reachNotes: string[] }).reachNotes = seen;
      new MutationObserver(() => seen.push(note.textContent ?? '')).observe(note, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await recordWalkStops(ann);
    // A slow machine (few frames a second) is where the server used to carry the player on past
    // the client's stop, onto the site: the walk there runs with the CPU slowed down. The stop is
    // now the server's (walk_to), predicted by the same rule.
    const cdp = await ann.context().newCDPSession(ann);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await panel.locator('li[data-item=stone] button').click();
    await screenshot(ann, 'loop-06-project-walking');
    await untilServer(
      gs.engine,
      () => gs.engine.db.project_delivery.find(['town_square', 'stone'])?.quantity === 20,
      'stone delivered',
    );
    await untilServer(gs.engine, () => !gs.engine.db.avatar.find(annId)!.moving, 'Ann at rest');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await ann.waitForFunction(() => window.frontier.game!.intent.walking === false);
    // At rest where the client's prediction stopped: within reach, off the site.
    const stop = (await walkStops(ann)).at(-1)!;
    const rest = gs.engine.db.avatar.find(annId)!;
    expect(Math.hypot(rest.x - stop.x, rest.y - stop.y), 'server rest vs client stop').toBeLessThan(0.15);
    expect(siteDistance(annId), 'Ann off the site').toBeGreaterThan(0.3);
    expect(await ann.evaluate(() => (window as unknown as { reachNotes: string[] }).reachNotes)).toContain(
      'Walking to the site…',
    );
    // Given where the server counts reach, and said so in the panel.
    expect(siteDistance(annId)).toBeLessThanOrEqual(reachTiles());
    await expect.poll(() => panel.getAttribute('data-in-reach')).toBe('true');
    await expect.poll(() => panel.getAttribute('data-walking')).toBe('false');
    await expect.poll(() => panel.locator('li[data-item=stone] .qty').textContent()).toBe('20/20');
    await panel.locator('li[data-item=log] button').click();
    await expect.poll(() => panel.locator('li[data-item=log] .qty').textContent()).toBe('4/10');
    expect(await panel.locator('.loop-contributors').textContent()).toContain('Ann · 24');
    await screenshot(ann, 'loop-07-project-contributed');
    // Bob finishes the stage from his own panel.
    await bob.keyboard.press('KeyP');
    const bobPanel = bob.locator('[data-panel=project]');
    await expect.poll(() => bobPanel.locator('li[data-item=log] button').textContent()).toBe('Give 6');
    expect(siteDistance(bobId)).toBeGreaterThan(reachTiles() + 1);
    await bobPanel.locator('li[data-item=log] button').click();
    await untilServer(
      gs.engine,
      () => gs.engine.db.project_state.find('town_square')?.stage === 1,
      'stage 1 complete',
    );
    const plaza = gs.engine.db.project_state.find('town_square')!.building;
    expect(gs.engine.db.building.find(plaza)!.buildingId).toBe('town_plaza');
    await expect.poll(() => panel.locator('.loop-stage').textContent()).toBe('Stage 2 of 3: Dig the well');
    await expect
      .poll(() => ann.locator('.toast', { hasText: 'Town Square: Clear the square is complete.' }).count())
      .toBe(1);
    for (const page of [ann, bob])
      await page.waitForFunction((id) => window.frontier.game!.view.table('building').has(id), plaza);
    await ann.keyboard.press('KeyP');
    await bob.keyboard.press('KeyP');
    // Both walked to the site to give: their screenshots show the plaza.
    // Bob steps onto the square (players walk over it): Ann's client draws him on top of it.
    const square = gs.engine.db.building.find(plaza)!;
    // Bob's own walk to the site may still be ending: at rest first, so it does not walk him off.
    await settle(bob);
    await untilServer(gs.engine, () => !gs.engine.db.avatar.find(bobId)!.moving, 'Bob at rest');
    expect(siteDistance(bobId)).toBeLessThanOrEqual(reachTiles());
    expect(siteDistance(bobId), 'Bob off the site').toBeGreaterThan(0.3);
    await new Promise<void>((resolve) =>
      gs.engine.enqueueSystem(
        '__test_step_on',
        (ctx: ReducerContext<FrontierModule['tables']>) =>
          ctx.db.avatar.update({
            ...ctx.db.avatar.find(bobId)!,
            x: square.x + 1.5,
            y: square.y + 1.5,
            dirX: 0,
            dirY: 0,
            moving: false,
          }),
        () => resolve(),
      ),
    );
    await ann.waitForFunction(
      ([id, y]) => {
        const g = window.frontier.game!;
        const p = g.entities.playerPosition(id as string);
        return p !== undefined && Math.abs(p.y - (y as number) * 16) < 1;
      },
      [bobId, square.y + 1.5] as const,
    );
    const depths = await ann.evaluate(
      ([id, b]) => {
        const e = window.frontier.game!.entities;
        return { bob: e.depthOf({ player: id as string }), plaza: e.depthOf({ building: b as number }) };
      },
      [bobId, plaza] as const,
    );
    expect(depths.bob!, 'Bob drawn above the square he stands on').toBeGreaterThan(depths.plaza!);
    await settle(ann);
    await screenshot(ann, 'loop-08-plaza');
    await settle(bob);
    await screenshot(bob, 'loop-09-plaza-bob');
    expect(errors.flat()).toEqual([]);
  });

  test('Ann gives the next two stages from beside the site: the well, then the hall, replace the plaza', async () => {
    const panel = ann.locator('[data-panel=project]');
    for (const [stage, kind] of [
      [1, 'town_well'],
      [2, 'town_hall'],
    ] as const) {
      const needs = gs.engine.db.project_need
        .iter()
        .filter((n) => n.projectId === 'town_square' && n.stage === stage);
      await grantItems(gs.engine, annId, Object.fromEntries(needs.map((n) => [n.itemId, n.quantity])));
      await ann.keyboard.press('KeyP');
      await expect.poll(() => panel.getAttribute('data-stage')).toBe(String(stage));
      // She stands by the site already: Give hands over at once, no walk.
      await expect.poll(() => panel.getAttribute('data-in-reach')).toBe('true');
      for (const n of needs) {
        const button = panel.locator(`li[data-item=${n.itemId}] button`);
        await expect.poll(() => button.textContent()).toBe(`Give ${n.quantity}`);
        await button.click();
        expect(await panel.getAttribute('data-walking')).toBe('false');
      }
      await untilServer(
        gs.engine,
        () => gs.engine.db.project_state.find('town_square')?.stage === stage + 1,
        `stage ${stage + 1} complete`,
      );
      const built = gs.engine.db.project_state.find('town_square')!.building;
      expect(gs.engine.db.building.find(built)!.buildingId).toBe(kind);
      await ann.waitForFunction((id) => window.frontier.game!.view.table('building').has(id), built);
      await ann.keyboard.press('KeyP');
      await settle(ann);
      await screenshot(ann, `loop-${stage === 1 ? '10-well' : '11-hall'}`);
    }
    expect(errors.flat()).toEqual([]);
  });
});
