/**
 * A runtime migration under a connected browser (real chromium, a real server with a commit log):
 * a publish appends a column with a default to a content table the page holds; the page keeps its
 * socket (no reconnect), its cache gains the column, and the game goes on (the avatar still moves).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { t, table, type ModuleDef } from '@tickspace/server/engine';
import { publishModule } from '@tickspace/server/engine/tooling';
import { ensureClientBuilt } from './support/build-client';
import { collectErrors, launchChromium } from './support/chromium';
import { startGameServer, type GameServer } from './support/game-server';
import { joinAs, screenshot, untilServer } from './support/page-helpers';

let gs: GameServer;
let browser: Browser;

beforeAll(async () => {
  await ensureClientBuilt();
  gs = await startGameServer({ seed: 'live-migration-test' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gs?.close();
});

/** Frontier with `item_def` gaining `rarity` (default 3): an additive schema change. */
function frontierWithRarity(): ModuleDef {
  const m = gs.engine.module as unknown as ModuleDef;
  const itemDef = m.tables.item_def!;
  return {
    ...m,
    tables: {
      ...m.tables,
      item_def: table(itemDef.options, { ...itemDef.columns, rarity: t.u8().default(3) }),
    },
  };
}

describe('a runtime migration with a browser connected', () => {
  test('the page keeps its socket, its item_def rows gain the column with its default, and play goes on', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 640 } });
    const page: Page = await context.newPage();
    const errors = collectErrors(page);
    const id = await joinAs(page, gs.httpUrl, 'Ada');
    await page.evaluate(() => {
      const conn = window.frontier.connection!.conn;
      const w = window as unknown as { statuses: string[]; schemaChanges: unknown[] };
      w.statuses = [];
      w.schemaChanges = [];
      conn.onStatus((s) => w.statuses.push(s));
      conn.onSchemaChanged((e) =>
        w.schemaChanges.push({ reshaped: e.reshapedTables, resent: e.resentTables }),
      );
    });
    const items = gs.engine.db.item_def.count();
    expect(items).toBeGreaterThan(0);

    const result = await new Promise<{ ok: boolean }>((resolve) =>
      publishModule(
        gs.db as never,
        { module: frontierWithRarity(), payload: { hash: 'frontier-rarity', source: '' } },
        resolve,
      ),
    );
    expect(result).toEqual({ ok: true });
    await page.waitForFunction(
      () => (window as unknown as { schemaChanges: unknown[] }).schemaChanges.length > 0,
      undefined,
      { timeout: 30_000 },
    );
    const seen = await page.evaluate(() => {
      const conn = window.frontier.connection!.conn;
      const w = window as unknown as {
        statuses: string[];
        schemaChanges: { reshaped: string[]; resent: string[] }[];
      };
      const rows = conn.db.item_def.iter() as unknown as { rarity?: number }[];
      return {
        statuses: w.statuses,
        reshaped: w.schemaChanges[0]!.reshaped,
        resent: [...w.schemaChanges[0]!.resent].sort(),
        count: rows.length,
        rarities: [...new Set(rows.map((r) => r.rarity))],
        status: conn.status,
      };
    });
    // item_def changed shape; the tables of the page's follow queries are re-sent whole (a circle
    // query is rebuilt, not carried over); every other whole table gets nothing.
    expect(seen).toEqual({
      statuses: [],
      reshaped: ['item_def'],
      resent: ['avatar', 'building', 'chat_message', 'item_def', 'resource_node', 'terrain_chunk'],
      count: items,
      rarities: [3],
      status: 'open',
    });

    // The game goes on over the same session: the avatar still answers the keyboard.
    const before = gs.engine.db.avatar.find(id)!;
    await page.keyboard.down('KeyD');
    try {
      await untilServer(gs.engine, () => gs.engine.db.avatar.find(id)!.x > before.x + 1, 'avatar moved east');
    } finally {
      await page.keyboard.up('KeyD');
    }
    expect(await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses)).toEqual([]);
    await screenshot(page, 'live-migration-01-after');
    expect(errors).toEqual([]);
  });
});
