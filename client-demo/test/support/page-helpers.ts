import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { toIdentity, type Engine, type Identity, type ReducerContext } from '@tickspace/server/engine';
import type { FrontierModule } from '@tickspace/server/world';
import { CLIENT_DIR } from './build-client';

/** Where screenshots of each step go (gitignored). */
const ARTIFACTS_DIR = join(CLIENT_DIR, '..', 'test-artifacts', 'browser');

/** Saves a screenshot of the page under test-artifacts/browser/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Waits until the client (game or viewer) has started. */
export async function waitReady(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(() => window.frontier?.ready === true, undefined, { timeout: timeoutMs });
}

/** Fills the title screen with `name`, plays, and waits for the game. Returns the page's identity. */
export async function joinAs(page: Page, url: string, name: string): Promise<Identity> {
  await page.goto(url);
  await page.waitForSelector('#player-name', { timeout: 60_000 });
  await page.fill('#player-name', name);
  await page.press('#player-name', 'Enter');
  await waitReady(page);
  return toIdentity(await page.evaluate(() => window.frontier.connection!.identity));
}

/** Pixel statistics of the game canvas: luminance variance and the number of distinct colours. */
export async function canvasStats(
  page: Page,
): Promise<{ variance: number; colors: number; width: number; height: number }> {
  return page.evaluate(() => {
    const src = document.querySelector('canvas.game-canvas') as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height;
    const g = c.getContext('2d')!;
    g.drawImage(src, 0, 0);
    const data = g.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    let sum2 = 0;
    let n = 0;
    const colors = new Set<number>();
    // Every 7th pixel is plenty for statistics and keeps this fast on a big canvas.
    for (let i = 0; i < data.length; i += 4 * 7) {
      const l = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      sum += l;
      sum2 += l * l;
      n++;
      colors.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    }
    const mean = sum / n;
    return { variance: sum2 / n - mean * mean, colors: colors.size, width: c.width, height: c.height };
  });
}

/**
 * Runs engine ticks until `predicate` holds (checked after each tick), or fails after `guardMs`
 * with `what` in the message: synchronises on the server's ticks, never on sleeps.
 */
export async function untilServer(
  engine: Engine<FrontierModule>,
  predicate: () => boolean,
  what: string,
  guardMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`server never reached: ${what} (after ${guardMs} ms)`);
    await engine.nextTick();
  }
}

/** Puts items in a player's backpack through a server transaction (test setup, logged like any call). */
export async function grantItems(
  engine: Engine<FrontierModule>,
  identity: Identity,
  items: Record<string, number>,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    engine.enqueueSystem(
      '__test_grant',
      (ctx: ReducerContext<FrontierModule['tables']>) => {
        const player = ctx.db.player.find(identity);
        if (player === undefined) throw new Error(`no player ${identity}`);
        const stacks = ctx.db.inventory.filter('by_container', player.containerId);
        const used = new Set(stacks.map((s) => s.slot));
        for (const [itemId, quantity] of Object.entries(items)) {
          const existing = stacks.find((s) => s.itemId === itemId);
          if (existing !== undefined) {
            ctx.db.inventory.update({ ...existing, quantity: existing.quantity + quantity });
            continue;
          }
          let slot = 0;
          while (used.has(slot)) slot++;
          used.add(slot);
          ctx.db.inventory.insert({
            containerId: player.containerId,
            slot,
            owner: identity,
            shared: false,
            itemId,
            quantity,
          });
        }
      },
      (result) =>
        result.ok ? resolve() : reject(new Error(`grant failed: ${result.code} ${result.message}`)),
    );
  });
}

/** How many of an item the backpack panel shows (sum over its slots). */
export async function panelCount(page: Page, itemId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      [...document.querySelectorAll(`[data-panel=inventory] .slot[data-item="${id}"]`)].reduce(
        (n, el) => n + Number((el as HTMLElement).dataset.qty),
        0,
      ),
    itemId,
  );
}
