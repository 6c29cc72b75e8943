import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_IDENTITY } from '../../src/engine';
import { DEFAULT_CONTENT_DIR, readContentSources, watchContent, type ReloadOutcome } from '../../src/world';
import { createWorld } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function copyContent(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontier-reload-'));
  dirs.push(dir);
  for (const f of fs.readdirSync(DEFAULT_CONTENT_DIR))
    if (f.endsWith('.json') && f !== 'package.json')
      fs.copyFileSync(path.join(DEFAULT_CONTENT_DIR, f), path.join(dir, f));
  return dir;
}

function editJson(dir: string, file: string, change: (data: any) => void): void {
  const p = path.join(dir, file);
  const data = JSON.parse(fs.readFileSync(p, 'utf8'));
  change(data);
  fs.writeFileSync(p, JSON.stringify(data, null, 2));
}

describe('content_reload', () => {
  it('swaps new content in as one transaction that writes only the rows that changed', async () => {
    const dir = copyContent();
    const w = await createWorld({ contentDir: dir, seed: 'test-world', worldTiles: 512 });
    editJson(dir, 'recipes.json', (r) => {
      r.find((x: any) => x.id === 'rope').craftMs = 400;
    });
    editJson(
      dir,
      'items.json',
      (items) =>
        void items.push({
          id: 'shell',
          name: 'Shell',
          category: 'resource',
          stackSize: 10,
          icon: { shape: 'circle', color: '#ffffff' },
        }),
    );
    editJson(
      dir,
      'resources.json',
      (r) => void r.push({ ...r[0], id: 'shell_bed', name: 'Shell Bed', item: 'shell' }),
    );
    const bundle = JSON.stringify(await readContentSources(dir));
    const record = w.ok(SERVER_IDENTITY, 'content_reload', { bundle });
    expect(w.db.recipe_def.find('rope')!.craftMs).toBe(400);
    expect(w.db.item_def.find('shell')).toMatchObject({ name: 'Shell' });
    expect(w.db.world_info.find(0)!.contentRev).toBe(2);
    const call = record.calls.findIndex((c) => c.reducer === 'content_reload');
    const written = record.changes
      .filter((c) => c.callIndex === call)
      .map((c) => w.engine.tableList[c.tableId]!.name);
    expect(written.sort()).toEqual(['item_def', 'recipe_def', 'resource_def', 'world_info']);
  });

  it('keeps the old content and reports every problem when the new content is invalid', async () => {
    const w = await createWorld();
    const sources = await readContentSources(DEFAULT_CONTENT_DIR);
    const recipes = JSON.parse(sources['recipes.json']!);
    recipes[0].inputs[0].item = 'nope';
    recipes[1].craftMs = -5;
    const bundle = JSON.stringify({ ...sources, 'recipes.json': JSON.stringify(recipes) });
    const { result, record, callIndex } = w.call(SERVER_IDENTITY, 'content_reload', { bundle });
    expect(result).toMatchObject({
      ok: false,
      code: 'INVALID_CONTENT',
      message: expect.stringMatching(/2 content problem\(s\); the old content stays/),
    });
    expect(record.changes.filter((c) => c.callIndex === callIndex)).toEqual([]);
    w.rejects(SERVER_IDENTITY, 'content_reload', { bundle: '{not json' }, 'INVALID_CONTENT');
    w.rejects(SERVER_IDENTITY, 'content_reload', { bundle: '{"items.json": 5}' }, 'INVALID_CONTENT');
  });

  it('is refused to clients with FORBIDDEN', async () => {
    const w = await createWorld();
    const id = w.join(1);
    w.rejects(id, 'content_reload', { bundle: '{}' }, 'FORBIDDEN');
  });

  it('applies new content to the game at once: a faster recipe crafts faster', async () => {
    const dir = copyContent();
    const w = await createWorld({ contentDir: dir, seed: 'test-world', worldTiles: 512 });
    const id = w.join(1);
    editJson(dir, 'recipes.json', (r) => {
      r.find((x: any) => x.id === 'rope').craftMs = 100;
    });
    w.ok(SERVER_IDENTITY, 'content_reload', { bundle: JSON.stringify(await readContentSources(dir)) });
    w.give(id, 'fiber', 3);
    w.ok(id, 'craft', { recipeId: 'rope' });
    w.wait(150);
    expect(w.count(id, 'rope')).toBe(1);
  });
});

describe('watchContent', () => {
  it('reloads on a file change while the engine runs, and rejects an invalid edit keeping the old content', async () => {
    const dir = copyContent();
    const w = await createWorld({ contentDir: dir, seed: 'test-world', worldTiles: 512 });
    const outcomes: ReloadOutcome[] = [];
    // Editors and fs.watch may report one save as several events: wait for the outcome we expect.
    let waiter: { pred: (o: ReloadOutcome) => boolean; resolve: (o: ReloadOutcome) => void } | undefined;
    const next = (pred: (o: ReloadOutcome) => boolean) =>
      new Promise<ReloadOutcome>((resolve) => (waiter = { pred, resolve }));
    const watcher = watchContent(w.engine, {
      dir,
      debounceMs: 20,
      onReload: (o) => {
        outcomes.push(o);
        if (waiter?.pred(o)) waiter.resolve(o);
      },
    });
    w.engine.start();
    try {
      let arrived = next((o) => o.ok && w.db.item_def.find('stick')!.name === 'Twig');
      editJson(dir, 'items.json', (items) => {
        items.find((i: any) => i.id === 'stick').name = 'Twig';
      });
      expect(await arrived).toMatchObject({ ok: true });
      expect(w.db.item_def.find('stick')!.name).toBe('Twig');

      arrived = next((o) => !o.ok);
      editJson(dir, 'items.json', (items) => {
        items.find((i: any) => i.id === 'stick').stackSize = 0;
      });
      const bad = await arrived;
      expect(bad.ok).toBe(false);
      expect(!bad.ok && bad.problems).toEqual([
        expect.objectContaining({ kind: 'TYPE', file: 'items.json', field: 'stackSize' }),
      ]);
      expect(w.db.item_def.find('stick')).toMatchObject({ name: 'Twig', stackSize: 50 });

      // reload() on demand gives the same verdict.
      expect(await watcher.reload()).toMatchObject({ ok: false });
    } finally {
      watcher.close();
      await w.engine.stop();
    }
  });
});
