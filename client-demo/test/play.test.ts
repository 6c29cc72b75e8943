/**
 * Plays Frontier in a real browser (Debian chromium, headless, swiftshader WebGL) against a real
 * server on a free port, the way `npm start` serves it. One server and one browser for the file;
 * the tests run in order and build on each other (Alice joins, moves, gathers, crafts; Bob joins).
 * Screenshots of each step go to test-artifacts/browser/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { toIdentity, type Identity, type ReducerContext } from '@tickspace/server/engine';
import type { FrontierModule } from '@tickspace/server/world';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import {
  canvasStats,
  grantItems,
  joinAs,
  panelCount,
  screenshot,
  untilServer,
  waitReady,
} from './support/page-helpers';

/** Resources any new player can gather by hand (no tool). */
const BARE_HANDED = new Set([
  'fallen_branch',
  'fiber_grass',
  'berry_bush',
  'loose_stones',
  'flint_nodule',
  'mushroom_ring',
]);

let gs: GameServer;
let browser: Browser;
let aliceContext: BrowserContext;
let alice: Page;
let aliceErrors: string[];
let aliceId: Identity;

beforeAll(async () => {
  await ensureClientBuilt();
  gs = await startGameServer();
  browser = await launchChromium();
  aliceContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  alice = await aliceContext.newPage();
  aliceErrors = collectErrors(alice);
});

afterAll(async () => {
  await browser?.close();
  await gs?.close();
});

const avatarOf = (id: Identity) => gs.engine.db.avatar.find(id);

describe('Frontier in chromium', () => {
  test('the page loads without console errors, asks for a name, and draws a world (not a blank canvas)', async () => {
    await alice.goto(gs.httpUrl);
    await alice.waitForSelector('#player-name', { timeout: 60_000 });
    await screenshot(alice, '01-title');
    // A refused name is explained on the title screen, not in a console.
    await alice.fill('#player-name', 'x!');
    await alice.press('#player-name', 'Enter');
    await expect.poll(() => alice.textContent('.title-card .error')).toMatch(/characters|letters/);
    await alice.fill('#player-name', 'Alice');
    await alice.press('#player-name', 'Enter');
    await waitReady(alice);
    aliceId = toIdentity(await alice.evaluate(() => window.frontier.connection!.identity));
    expect(gs.engine.db.player.find(aliceId)?.name).toBe('Alice');
    // Terrain chunks and entities arrive with the area-of-interest subscription, then get drawn.
    await alice.waitForFunction(
      () =>
        (window.frontier.game?.terrain?.chunkCount ?? 0) > 0 &&
        (window.frontier.game?.entities.entityCount ?? 0) > 10,
    );
    await alice.evaluate(() => new Promise(requestAnimationFrame));
    const stats = await canvasStats(alice);
    expect(stats.width).toBeGreaterThan(0);
    // A blank or single-colour canvas has (near) zero variance and a handful of colours.
    expect(stats.variance).toBeGreaterThan(50);
    expect(stats.colors).toBeGreaterThan(200);
    // The backpack starts closed (I opens it).
    expect(await alice.locator('[data-panel=inventory]').isVisible()).toBe(false);
    await alice.keyboard.press('KeyI');
    await expect.poll(() => alice.locator('[data-panel=inventory]').isVisible()).toBe(true);
    await screenshot(alice, '02-joined');
    expect(aliceErrors).toEqual([]);
  });

  test('keyboard movement changes the server row in that direction, and the client follows it', async () => {
    const before = avatarOf(aliceId)!;
    await alice.keyboard.down('KeyD');
    try {
      await untilServer(gs.engine, () => avatarOf(aliceId)!.dirX > 0.99, 'move intent dirX = 1');
      await untilServer(
        gs.engine,
        () => avatarOf(aliceId)!.x > before.x + 1.5,
        'avatar moved 1.5 tiles east',
      );
    } finally {
      await alice.keyboard.up('KeyD');
    }
    await untilServer(gs.engine, () => !avatarOf(aliceId)!.moving, 'stopped after key release');
    const after = avatarOf(aliceId)!;
    expect(after.x).toBeGreaterThan(before.x + 1.5);
    expect(Math.abs(after.y - before.y)).toBeLessThan(0.75);
    // The predicted position converges on the server's (reconciliation).
    await alice.waitForFunction(
      ([x, y]) => {
        const p = window.frontier.game!.predictor;
        return Math.hypot(p.x - x!, p.y - y!) < 0.3;
      },
      [after.x, after.y],
      { timeout: 20_000 },
    );
    await screenshot(alice, '03-moved');
  });

  test('clicking a resource walks to it and gathers: the backpack panel shows the new items', async () => {
    // The nearest hand-gatherable node in view, away from the panels (right column, bottom bar).
    const target = await alice.evaluate(
      (bare) => {
        const g = window.frontier.game!;
        const cam = g.scene.camera;
        const me = g.predictor;
        const candidates = g.view
          .table('resource_node')
          .iter()
          .filter((n) => n.amount > 0 && bare.includes(n.resourceId))
          .map((n) => ({
            n,
            sx: cam.worldToScreenX(n.x * 16),
            sy: cam.worldToScreenY((n.y - 0.3) * 16),
            d: Math.hypot(n.x - me.x, n.y - me.y),
          }))
          .filter((c) => c.sx > 80 && c.sx < 880 && c.sy > 80 && c.sy < 560)
          .sort((a, b) => a.d - b.d);
        const c = candidates[0];
        if (c === undefined) return undefined;
        const def = g.view.table('resource_def').find(c.n.resourceId)!;
        return {
          id: c.n.id,
          itemId: def.itemId,
          per: def.quantityPerGather,
          amount: c.n.amount,
          sx: c.sx,
          sy: c.sy,
        };
      },
      [...BARE_HANDED],
    );
    expect(target, 'a hand-gatherable resource in view').toBeDefined();
    const before = await panelCount(alice, target!.itemId);
    await alice.mouse.click(target!.sx, target!.sy);
    await untilServer(
      gs.engine,
      () => gs.engine.db.action.find(aliceId)?.kind === 'gather',
      'gather action started',
      30_000,
    );
    await alice
      .waitForFunction(
        () => document.querySelector('[data-panel=status]')?.textContent?.startsWith('Gathering') === true,
        undefined,
        { timeout: 20_000 },
      )
      .catch(() => undefined);
    await screenshot(alice, '04-gathering');
    await alice.waitForFunction(
      ([id, n]) =>
        [...document.querySelectorAll(`[data-panel=inventory] .slot[data-item="${id}"]`)].reduce(
          (s, el) => s + Number((el as HTMLElement).dataset.qty),
          0,
        ) >= (n as number),
      [target!.itemId, before + target!.per] as const,
      { timeout: 30_000 },
    );
    await screenshot(alice, '05-gathered');
    // One click gathers the node again and again until it is used up.
    await untilServer(
      gs.engine,
      () =>
        gs.engine.db.resource_node.find(target!.id)?.amount === 0 &&
        gs.engine.db.action.find(aliceId) === undefined,
      'the node used up',
      60_000,
    );
    const all = before + target!.per * target!.amount;
    await expect.poll(() => panelCount(alice, target!.itemId)).toBe(all);
  });

  test('crafting a recipe from the panel consumes its inputs and produces its output', async () => {
    await grantItems(gs.engine, aliceId, { fiber: 3 });
    await alice.waitForFunction(() => {
      const el = document.querySelector(
        '[data-panel=inventory] .slot[data-item="fiber"]',
      ) as HTMLElement | null;
      return el !== null && Number(el.dataset.qty) >= 3;
    });
    const fiberBefore = await panelCount(alice, 'fiber');
    const ropeBefore = await panelCount(alice, 'rope');
    await alice.keyboard.press('KeyC');
    const craft = alice.locator('[data-panel=crafting] [data-recipe="rope"] button.craft');
    await expect.poll(() => craft.isEnabled()).toBe(true);
    await screenshot(alice, '06-crafting-panel');
    await craft.click();
    await alice.waitForFunction(
      ([f, r]) => {
        const count = (id: string) =>
          [...document.querySelectorAll(`[data-panel=inventory] .slot[data-item="${id}"]`)].reduce(
            (s, el) => s + Number((el as HTMLElement).dataset.qty),
            0,
          );
        return count('rope') === (r as number) + 1 && count('fiber') === (f as number) - 3;
      },
      [fiberBefore, ropeBefore] as const,
      { timeout: 30_000 },
    );
    await screenshot(alice, '07-crafted');
    await alice.keyboard.press('KeyC');
  });

  test('build mode: the ghost shows where a building can stand, a click places it, construction runs to completion', async () => {
    await grantItems(gs.engine, aliceId, { stone: 5, stick: 3 });
    await alice.waitForFunction(
      () => document.querySelector('[data-panel=inventory] .slot[data-item="stick"]') !== null,
    );
    await alice.keyboard.press('KeyB');
    const place = alice.locator('[data-panel=build] [data-building="campfire"] button');
    await expect.poll(() => place.isEnabled()).toBe(true);
    await place.click();
    const ghostAt = async (sx: number, sy: number) => {
      await alice.mouse.move(sx, sy);
      await alice.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      return alice.evaluate(() => window.frontier.game!.buildGhost);
    };
    const me = await alice.evaluate(() => {
      const g = window.frontier.game!;
      return {
        sx: g.scene.camera.worldToScreenX(g.predictor.x * 16),
        sy: g.scene.camera.worldToScreenY(g.predictor.y * 16),
        zoom: g.scene.camera.zoom,
      };
    });
    // On the player's own tile: refused (someone stands there).
    const onSelf = await ghostAt(me.sx, me.sy);
    expect(onSelf.visible).toBe(true);
    expect(onSelf.valid).toBe(false);
    await screenshot(alice, '08a-ghost-invalid');
    // Somewhere within build range: a free tile.
    let spot: { sx: number; sy: number; tileX: number; tileY: number } | undefined;
    const step = 16 * me.zoom;
    for (const [dx, dy] of [
      [3, 0],
      [-3, 0],
      [0, 3],
      [0, -3],
      [3, 3],
      [-3, 3],
      [3, -3],
      [-3, -3],
      [2, 0],
      [0, 2],
      [4, 1],
      [1, 4],
    ] as const) {
      const g = await ghostAt(me.sx + dx * step, me.sy + dy * step);
      if (g.valid) {
        spot = { sx: me.sx + dx * step, sy: me.sy + dy * step, tileX: g.tileX, tileY: g.tileY };
        break;
      }
    }
    expect(spot, 'a valid building site near the player').toBeDefined();
    await screenshot(alice, '08b-ghost-valid');
    await alice.mouse.click(spot!.sx, spot!.sy);
    const site = () =>
      gs.engine.db.building
        .iter()
        .find((b) => b.owner === aliceId && b.x === spot!.tileX && b.y === spot!.tileY);
    await untilServer(gs.engine, () => site() !== undefined, 'campfire placed');
    expect(site()!.buildingId).toBe('campfire');
    await untilServer(
      gs.engine,
      () => (site()?.progressMs ?? 0) > 0 || site()?.complete === true,
      'construction started',
      30_000,
    );
    await screenshot(alice, '08c-under-construction');
    await untilServer(gs.engine, () => site()?.complete === true, 'campfire complete', 30_000);
    await expect
      .poll(() => alice.locator('.toast.success').last().textContent(), { timeout: 10_000 })
      .toMatch(/Campfire complete/);
    await screenshot(alice, '08d-built');
  });

  test('a refused reducer call shows its message as a toast', async () => {
    await alice.evaluate(() => window.frontier.game!.call('craft', { recipeId: 'iron_pickaxe' }));
    const toast = alice.locator('.toast.error').last();
    await expect.poll(() => toast.textContent(), { timeout: 10_000 }).toMatch(/needs|level/i);
    expect(await toast.getAttribute('data-code')).toMatch(/SKILL_TOO_LOW|MISSING_ITEMS|STATION_REQUIRED/);
    await screenshot(alice, '08-error-toast');
  });

  test('limits: toasts beyond maxVisible drop the oldest; chat shows at most maxShown messages; the chunk cache keeps maxCachedChunks', async () => {
    // A terrain layer of this page's build with a cache of 2: four chunks shown, hidden, shown again.
    const painted = await alice.evaluate(() => {
      const Layer = window.frontier.game!.terrain!.constructor as new (o: object) => {
        add(r: object): void;
        remove(id: number): void;
        paintedCount: number;
        chunkCount: number;
        destroy(): void;
      };
      const layer = new Layer({ chunkTiles: 4, biomes: [], maxCachedChunks: 2 });
      const rows = [0, 1, 2, 3].map((id) => ({
        id,
        cx: id,
        cy: 0,
        x: id * 4 + 2,
        y: 2,
        tiles: new Uint8Array(16).fill(id),
      }));
      for (const r of rows) layer.add(r);
      for (const r of rows) layer.remove(r.id);
      const first = layer.paintedCount;
      for (const r of rows) layer.add(r);
      const result = { first, again: layer.paintedCount - first, shown: layer.chunkCount };
      layer.destroy();
      return result;
    });
    // Chunks 2 and 3 were the last two hidden, so only they came from the cache.
    expect(painted).toEqual({ first: 4, again: 2, shown: 4 });
    const toasts = await alice.evaluate(() => {
      for (let i = 0; i < 9; i++) window.frontier.game!.panels.toasts.show(`message ${i}`);
      return [...document.querySelectorAll('.toast')].map((t) => (t as HTMLElement).dataset.text);
    });
    expect(toasts).toEqual(['message 5', 'message 6', 'message 7', 'message 8']);
    // 65 global messages (more than the default 60 shown), written by the server.
    await new Promise<void>((resolve, reject) =>
      gs.engine.enqueueSystem(
        '__test_chat',
        (ctx: ReducerContext<FrontierModule['tables']>) => {
          for (let i = 0; i < 65; i++)
            ctx.db.chat_message.insert({
              sender: aliceId,
              senderName: 'Alice',
              channel: 'global',
              text: `hello ${i}`,
              x: 0,
              y: 0,
              sentMs: ctx.now + i,
            });
        },
        (r) => (r.ok ? resolve() : reject(new Error(r.message))),
      ),
    );
    await alice.waitForFunction(
      () => document.querySelector('.chat-log .line:last-child .text')?.textContent === 'hello 64',
      undefined,
      { timeout: 20_000 },
    );
    expect(await alice.locator('.chat-log .line').count()).toBe(60);
    await screenshot(alice, '09a-chat');
  });

  test('two players in two browsers see each other move, chat, and trade', async () => {
    const bobContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const bob = await bobContext.newPage();
    const bobErrors = collectErrors(bob);
    const bobId = await joinAs(bob, gs.httpUrl, 'Bob');
    // Each sees the other's avatar (area of interest) and draws it.
    await alice.waitForFunction(
      (id) => window.frontier.game!.entities.playerPosition(id) !== undefined,
      bobId,
      { timeout: 30_000 },
    );
    await bob.waitForFunction(
      (id) => window.frontier.game!.entities.playerPosition(id) !== undefined,
      aliceId,
      { timeout: 30_000 },
    );
    await bob.keyboard.down('KeyS');
    try {
      await untilServer(gs.engine, () => avatarOf(bobId)!.moving, 'Bob moving');
      const y0 = avatarOf(bobId)!.y;
      await untilServer(gs.engine, () => avatarOf(bobId)!.y > y0 + 1, 'Bob moved south');
      // Alice's client receives Bob's new position and renders him there (interpolated).
      await alice.waitForFunction(
        ([id, y]) => window.frontier.game!.view.table('avatar').find(id)!.y > (y as number) + 0.5,
        [bobId, y0] as const,
        { timeout: 20_000 },
      );
    } finally {
      await bob.keyboard.up('KeyS');
    }
    // Bob says hello in local chat; Alice, standing near, reads it.
    await bob.keyboard.press('Enter');
    await bob.keyboard.type('hello from Bob');
    await bob.keyboard.press('Enter');
    await alice.waitForFunction(
      () =>
        [...document.querySelectorAll('.chat-log .line .text')].some(
          (t) => t.textContent === 'hello from Bob',
        ),
      undefined,
      { timeout: 20_000 },
    );
    await bob.locator('.chat-input').blur();
    // And Bob sees Alice move.
    const ay0 = avatarOf(aliceId)!.x;
    await alice.keyboard.down('KeyA');
    try {
      await untilServer(gs.engine, () => avatarOf(aliceId)!.x < ay0 - 1, 'Alice moved west');
      await bob.waitForFunction(
        ([id, x]) => window.frontier.game!.view.table('avatar').find(id)!.x < (x as number) - 0.5,
        [aliceId, ay0] as const,
        { timeout: 20_000 },
      );
    } finally {
      await alice.keyboard.up('KeyA');
    }
    await screenshot(alice, '10-alice-sees-bob');
    await screenshot(bob, '10b-bob-sees-alice');
    // Trade: Bob walks up to Alice; Alice clicks him, opens a trade and offers a rope; both accept.
    const a = avatarOf(aliceId)!;
    await bob.evaluate(([x, y]) => window.frontier.game!.walkTo(x!, y! + 1.5), [a.x, a.y]);
    await bob.waitForFunction(() => !window.frontier.game!.walking, undefined, { timeout: 30_000 });
    // Within the trade radius (5 tiles): a walk on a loaded machine may stop a little off the point.
    await untilServer(
      gs.engine,
      () => Math.hypot(avatarOf(bobId)!.x - a.x, avatarOf(bobId)!.y - a.y) < 4 && !avatarOf(bobId)!.moving,
      'Bob next to Alice',
      30_000,
    );
    const bobOnScreen = await alice.waitForFunction(
      (id) => {
        const g = window.frontier.game!;
        const p = g.entities.playerPosition(id);
        const b = g.view.table('avatar').find(id);
        // Wait until the drawn figure has caught up with where Bob stands.
        if (p === undefined || b === undefined || Math.hypot(p.x / 16 - b.x, p.y / 16 - b.y) > 0.1)
          return undefined;
        return { sx: g.scene.camera.worldToScreenX(p.x), sy: g.scene.camera.worldToScreenY(p.y - 10) };
      },
      bobId,
      { timeout: 20_000 },
    );
    const at = (await bobOnScreen.jsonValue())!;
    await alice.mouse.click(at.sx, at.sy);
    await alice.locator('.player-menu button').click();
    // An invitation Bob answers before anything can be offered to him.
    await bob.waitForSelector('[data-panel=trade][data-state=invited]:not([hidden])', { timeout: 20_000 });
    await bob.click('[data-panel=trade] button.join');
    await alice.waitForSelector('[data-panel=trade][data-state=open]:not([hidden])', { timeout: 20_000 });
    await bob.waitForSelector('[data-panel=trade][data-state=open]:not([hidden])', { timeout: 20_000 });
    const aliceRopes = await panelCount(alice, 'rope');
    await alice.selectOption('[data-panel=trade] select.offer-item', 'rope');
    await alice.fill('[data-panel=trade] input.offer-qty', '1');
    await alice.click('[data-panel=trade] .offer-row button');
    await bob.waitForSelector('[data-panel=trade] [data-side=theirs] [data-item="rope"][data-qty="1"]', {
      timeout: 20_000,
    });
    await screenshot(alice, '10c-trade-offer');
    await alice.click('[data-panel=trade] button.accept');
    await bob.click('[data-panel=trade] button.accept');
    await expect.poll(() => panelCount(bob, 'rope'), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => panelCount(alice, 'rope'), { timeout: 20_000 }).toBe(aliceRopes - 1);
    await expect.poll(() => alice.locator('[data-panel=trade]').isHidden()).toBe(true);
    expect(bobErrors).toEqual([]);
    await bobContext.close();
  });

  test('a dropped connection shows the reconnecting banner, then resumes', async () => {
    await alice.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { bannerStates: string[] }).bannerStates = seen;
      const banner = document.querySelector('.banner') as HTMLElement;
      new MutationObserver(() => seen.push(banner.dataset.state ?? '')).observe(banner, {
        attributes: true,
        attributeFilter: ['data-state'],
      });
    });
    gs.server.hub.session(aliceId)!.close(1001, 'GOING_AWAY', 'test drops the connection');
    await alice.waitForFunction(
      () => (window as unknown as { bannerStates: string[] }).bannerStates.includes('reconnecting'),
      undefined,
      { timeout: 20_000 },
    );
    await alice.waitForFunction(
      () => (window as unknown as { bannerStates: string[] }).bannerStates.at(-1) === 'connected',
      undefined,
      { timeout: 30_000 },
    );
    expect(await alice.locator('.banner').isHidden()).toBe(true);
    expect(await alice.evaluate(() => window.frontier.connection!.identity)).toBe(aliceId);
  });

  test('a reload resumes the same identity without asking for a name again', async () => {
    const backpack = () =>
      alice.evaluate(() =>
        [...document.querySelectorAll('[data-panel=inventory] .slot[data-item]')]
          .map((el) => `${(el as HTMLElement).dataset.item}:${(el as HTMLElement).dataset.qty}`)
          .join(','),
      );
    const before = await backpack();
    expect(before).not.toBe('');
    await alice.reload();
    await waitReady(alice);
    expect(await alice.locator('#player-name').count()).toBe(0);
    expect(await alice.evaluate(() => window.frontier.connection!.identity)).toBe(aliceId);
    // Still Alice, with the same backpack.
    await expect.poll(backpack, { timeout: 20_000 }).toBe(before);
    await screenshot(alice, '11-reloaded');
    expect(aliceErrors).toEqual([]);
  });

  test('the time-travel viewer shows the world as of a past tick and plays history back', async () => {
    const joinedTick = (await gs.db.history('player', aliceId))[0]!.tick;
    const viewer = await aliceContext.newPage();
    const errors = collectErrors(viewer);
    await viewer.goto(`${gs.httpUrl}/?history#admin=${gs.adminToken}`);
    await waitReady(viewer);
    // Before Alice joined there was no avatar of hers; after, there is.
    await viewer.evaluate((t) => window.frontier.history!.seek(t), joinedTick - 1);
    expect(
      await viewer.evaluate((id) => window.frontier.history!.view.table('avatar').has(id), aliceId),
    ).toBe(false);
    await viewer.evaluate((t) => window.frontier.history!.seek(t), joinedTick + 5);
    expect(
      await viewer.evaluate((id) => window.frontier.history!.view.table('avatar').has(id), aliceId),
    ).toBe(true);
    expect(await viewer.getAttribute('[data-panel=timeline]', 'data-tick')).toBe(String(joinedTick + 5));
    await screenshot(viewer, '12-history-scrubbed');
    await viewer.evaluate(() => window.frontier.history!.play(16));
    await viewer.waitForFunction((t) => window.frontier.history!.tick > t + 20, joinedTick + 5, {
      timeout: 30_000,
    });
    await viewer.evaluate(() => window.frontier.history!.pause());
    await screenshot(viewer, '13-history-playing');
    expect(errors).toEqual([]);
    await viewer.close();
  });
});
