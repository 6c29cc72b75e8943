import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect, type Connection } from '../../../src/client';
import { createSchema, defineModule, t, table } from '../../../src/engine';
import { ADMIN_TOKEN, launchChromium, startConsoleServer, type ConsoleServer } from './console-fixture';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test-artifacts');

const schema = createSchema({
  item: table({ public: true }, { id: t.u32().primaryKey().autoInc(), kind: t.string() }),
});
/** `craft` returns the id it created; `label` an optional kind; `touch` declares nothing. */
const forge = defineModule(schema, {
  reducers: [
    schema.reducer('craft', { kind: t.string() }, (ctx, { kind }) => ctx.db.item.insert({ kind }).id, {
      returns: t.u32(),
    }),
    schema.reducer('label', { id: t.u32() }, (ctx, { id }) => ctx.db.item.find(id)?.kind, {
      returns: t.optional(t.string()),
    }),
    schema.reducer('touch', { id: t.u32() }, (ctx, { id }) => void ctx.db.item.find(id)),
  ],
});

let world: ConsoleServer<typeof forge>;
let alice: Connection<typeof forge>;
let browser: Browser | undefined;

beforeAll(async () => {
  world = await startConsoleServer({ module: forge });
  alice = await connect<typeof forge>({ url: world.server.url, WebSocket });
  expect(await alice.reducers.craft({ kind: 'axe' })).toBe(1);
  expect(await alice.reducers.craft({ kind: 'saw' })).toBe(2);
  expect(await alice.reducers.label({ id: 2 })).toBe('saw');
  expect(await alice.reducers.label({ id: 9 })).toBeUndefined();
  await alice.reducers.touch({ id: 1 });
});
afterAll(async () => {
  await browser?.close();
  alice?.close();
  await world?.close();
});

describe('return values in the admin console', () => {
  it('/admin/log gives each call the value it returned; none for an optional, nothing without returns', async () => {
    const { status, body } = await world.request('log');
    expect(status).toBe(200);
    const calls = (body.result.calls as { reducer: string; returned: unknown }[])
      .filter((c) => ['craft', 'label', 'touch'].includes(c.reducer))
      .reverse()
      .map((c) => [c.reducer, c.returned]);
    expect(calls).toEqual([
      ['craft', { value: 1 }],
      ['craft', { value: 2 }],
      ['label', { value: 'saw' }],
      ['label', { value: null }],
      ['touch', null],
    ]);
  });

  it("the log view shows the value next to the call's outcome", async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${world.server.httpUrl}/admin`);
    await page.fill('input[name=token]', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.click('[data-tab=log]');
    await page.waitForSelector('[data-testid=log-table] tbody tr[data-reducer=craft]');
    const outcomes = async (reducer: string) =>
      page
        .locator(`[data-testid=log-table] tbody tr[data-reducer=${reducer}] [data-testid=log-returned]`)
        .allTextContents();
    await expect.poll(() => outcomes('craft')).toEqual(['ok → 2', 'ok → 1']);
    expect(await outcomes('label')).toEqual(['ok → none', 'ok → saw']);
    expect(await outcomes('touch')).toEqual(['ok']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-console-returns.png'), fullPage: true });
  });
});
