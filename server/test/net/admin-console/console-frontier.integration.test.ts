import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, ModuleDef } from '../../../src/engine';
import { openDatabase, type Database } from '../../../src/engine/tooling';
import { createServer, databaseAdmin, type TickspaceServer } from '../../../src/net';
import { createFrontier } from '../../../src/world';
import { SMALL } from '../../world/helpers';
import { ADMIN_TOKEN, launchChromium } from './console-fixture';

// What `npm start` serves: the console must read every Frontier table (f32 positions, optional and
// composite keys, system tables) and find each row's history by the key text it wrote.
let dir: string;
let db: Database<ModuleDef>;
let server: TickspaceServer;
let early: number;

const get = async (p: string) => {
  const res = await fetch(`${server.httpUrl}/admin/${p}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-admin-frontier-'));
  const frontier = await createFrontier(SMALL);
  db = (await openDatabase({
    dir,
    module: frontier.module,
    seed: 'admin-frontier',
    tickMs: 20,
    durability: 'never',
    confirm: 'immediate',
  })) as unknown as Database<ModuleDef>;
  server = await createServer({
    engine: db.engine as unknown as Engine<ModuleDef>,
    adminToken: ADMIN_TOKEN,
    admin: databaseAdmin(db),
  });
  db.engine.start();
  await new Promise<void>((resolve) => {
    const off = db.engine.onCommit((record) => {
      if (record.tick === 2) early = record.tick;
      if (record.tick < 10) return;
      off();
      resolve();
    });
  });
});
afterAll(async () => {
  await db?.engine.stop();
  await server?.close();
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the admin console on Frontier', () => {
  it('reads every table live and as of an earlier tick, and the history of a row of each', async () => {
    const tables = (await get('tables')).body.result.tables as { name: string; count: number }[];
    expect(tables.length).toBeGreaterThan(10);
    let withRows = 0;
    for (const t of tables) {
      const live = await get(`rows?table=${encodeURIComponent(t.name)}&limit=1`);
      expect(live.status, `${t.name}: ${JSON.stringify(live.body.error)}`).toBe(200);
      const past = await get(`rows?table=${encodeURIComponent(t.name)}&tick=${early}&limit=1`);
      expect(past.status, `${t.name} as of ${early}: ${JSON.stringify(past.body.error)}`).toBe(200);
      const row = live.body.result.rows[0];
      if (row === undefined) continue;
      withRows++;
      const history = await get(
        `history?table=${encodeURIComponent(t.name)}&key=${encodeURIComponent(row.key)}`,
      );
      expect(history.status, `${t.name} ${row.key}: ${JSON.stringify(history.body.error)}`).toBe(200);
      expect(history.body.result.total, `${t.name} ${row.key}`).toBeGreaterThan(0);
    }
    // The interesting path ran: content and world tables hold rows from the first ticks.
    expect(withRows).toBeGreaterThan(5);
  });

  it('lists the log of the physics ticks and filters it out by origin', async () => {
    const all = await get('log');
    expect(all.status).toBe(200);
    expect(all.body.result.matched).toBeGreaterThan(0);
    const clients = await get('log?origin=client');
    expect(clients.body.result.matched).toBe(0);
  });

  it('opens in chromium: signs in, lists the tables with counts, shows a table and its log', async () => {
    const artifacts = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../../../test-artifacts',
    );
    fs.mkdirSync(artifacts, { recursive: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.httpUrl}/admin`);
      await page.fill('input[name=token]', ADMIN_TOKEN);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-table=item_def]');
      await page.click('[data-table=item_def]');
      const count = Number(await page.textContent('[data-testid=count-item_def]'));
      expect(count).toBeGreaterThan(0);
      await expect
        .poll(() => page.locator('[data-testid=rows-table] tbody tr').count())
        .toBe(Math.min(count, 100));
      await page.screenshot({
        path: path.join(artifacts, 'admin-console-frontier-tables.png'),
        fullPage: false,
      });
      await page.click('[data-tab=log]');
      // Client calls by default: no client is connected, so the log is empty until the schedules are shown.
      await expect.poll(() => page.textContent('[data-testid=log-summary]')).toContain('0 matching call(s)');
      await page.selectOption('[data-testid=log-origin]', '');
      await page.waitForSelector('[data-testid=log-table] tbody tr[data-reducer=physics_step]');
      await page.screenshot({
        path: path.join(artifacts, 'admin-console-frontier-log.png'),
        fullPage: false,
      });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
