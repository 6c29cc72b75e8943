import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentHash,
  contentTableRows,
  diffContent,
  formatDiff,
  formatReload,
  storedContentRows,
  validateContent,
  watchContent,
  readContentSources,
  serveContent,
  type ReloadOutcome,
} from '../../src/world';
import { copyContent, edit } from '../../../content/test/fixtures';
import { createWorld, type World } from './helpers';

type Id = ReturnType<World['join']>;

/** Reloads the content of `dir` through the watcher's own path, running the tick it queues. */
function reload(w: World, dir: string): Promise<ReloadOutcome> {
  const watcher = watchContent(w.engine, { dir, watch: false });
  return watcher.reload('edit', () => {
    if (w.engine.queuedCalls > 0) w.engine.runTick();
  });
}

/** Removes the mushroom line (two items, a recipe, a resource) and the storage chest kind. */
function removeMushroomsAndChests(dir: string): void {
  edit(dir, 'items.json', (items) =>
    items.filter((i: any) => i.id !== 'mushroom' && i.id !== 'mushroom_stew'),
  );
  edit(dir, 'recipes.json', (r) => r.filter((x: any) => x.id !== 'mushroom_stew'));
  edit(dir, 'resources.json', (r) => r.filter((x: any) => x.id !== 'mushroom_ring'));
  edit(dir, 'biomes.json', (biomes) => {
    for (const b of biomes)
      b.resources = (b.resources ?? []).filter((r: any) => r.resource !== 'mushroom_ring');
  });
  edit(dir, 'buildings.json', (b) => b.filter((x: any) => x.id !== 'storage_chest'));
}

function placeComplete(w: World, id: Id, kind: string) {
  const def = w.db.building_def.find(kind)!;
  const p = w.player(id);
  const site = w.freeSite(p.x + 1, p.y, def.width, def.height);
  for (const c of w.db.building_cost.filter('by_building', kind)) w.give(id, c.itemId, c.quantity);
  w.ok(id, 'place_building', { kind, x: site.x, y: site.y });
  const b = w.db.building.iter().find((r) => r.x === site.x && r.y === site.y)!;
  const stepMs = w.db.settings.find(0)!.constructStepMs;
  for (let i = 0; i < Math.ceil(def.buildMs / stepMs); i++) {
    w.ok(id, 'construct', { building: b.id });
    w.wait(stepMs + 50);
  }
  expect(w.db.building.find(b.id)!.complete).toBe(true);
  return w.db.building.find(b.id)!;
}

describe('content diff', () => {
  it('names what was added, changed and removed per kind, parts included', async () => {
    const dir = copyContent();
    const before = storedContentRows(validateContent(await readContentSources(dir)).content!);
    edit(dir, 'items.json', (items) => void items.push({ ...items[0], id: 'shell', name: 'Shell' }));
    edit(
      dir,
      'resources.json',
      (r) => void r.push({ ...r[0], id: 'shell_bed', name: 'Shell Bed', item: 'shell' }),
    );
    edit(dir, 'recipes.json', (r) => {
      r.find((x: any) => x.id === 'rope').craftMs += 1;
      r.find((x: any) => x.id === 'plank').outputs[0].quantity += 1; // a part, not the row
    });
    edit(dir, 'settings.json', (s) => void (s.reachTiles += 0.5));
    const after = storedContentRows(validateContent(await readContentSources(dir)).content!);
    const diff = diffContent(before, after);
    expect(diff.item).toEqual({ added: ['shell'], changed: [], removed: [] });
    expect(diff.recipe).toEqual({ added: [], changed: ['plank', 'rope'], removed: [] });
    expect(diff.settings.changed).toEqual(['settings']);
    expect(diff.resource).toEqual({ added: ['shell_bed'], changed: [], removed: [] });
    expect(formatDiff(diff)).toBe('+1 item, ~2 recipes, +1 resource, ~settings');
    expect(formatDiff(diffContent(after, before))).toBe('-1 item, ~2 recipes, -1 resource, ~settings');
    expect(formatDiff(diffContent(before, before))).toBe('no change');
  });

  it('compares content as stored: layout and f32 rounding are not changes; the hash agrees', async () => {
    const dir = copyContent();
    const sources = await readContentSources(dir);
    const a = storedContentRows(validateContent(sources).content!);
    // Same data, other layout; an f32 column (a skill's xpGrowth) given more digits than it keeps.
    const skills = JSON.parse(sources['skills.json']!);
    skills[0].xpGrowth = Math.fround(skills[0].xpGrowth) + 1e-12;
    const relaid = {
      ...sources,
      'items.json': JSON.stringify(JSON.parse(sources['items.json']!)),
      'skills.json': JSON.stringify(skills),
    };
    const b = storedContentRows(validateContent(relaid).content!);
    expect(formatDiff(diffContent(a, b))).toBe('no change');
    expect(contentHash(b)).toBe(contentHash(a));
    edit(dir, 'items.json', (items) => void (items[0].name = 'Twig'));
    const c = storedContentRows(validateContent(await readContentSources(dir)).content!);
    expect(contentHash(c)).not.toBe(contentHash(a));
    expect(contentHash(c)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('diffs the live tables against the files (what the watcher compares)', async () => {
    const dir = copyContent();
    const w = await createWorld({ contentDir: dir, seed: 'test-world', worldTiles: 512 });
    const files = storedContentRows(validateContent(await readContentSources(dir)).content!);
    expect(formatDiff(diffContent(contentTableRows(w.db), files))).toBe('no change');
  });
});

describe('rows whose definition a reload removes', () => {
  it('deletes nodes of a removed resource, keeps item stacks inert and buildings of a removed kind usable for withdrawal and demolition', async () => {
    const dir = copyContent();
    const w = await createWorld({ contentDir: dir, seed: 'test-world', worldTiles: 512 });
    const a = w.join(1, 'Ann');
    const b = w.join(2, 'Bob');
    w.teleport(b, w.player(a).x + 1, w.player(a).y);
    const chest = placeComplete(w, a, 'storage_chest');
    w.give(a, 'mushroom', 3);
    w.give(a, 'stick', 4);
    const stickSlot = w.db.inventory
      .filter('by_container', w.player(a).containerId)
      .find((s) => s.itemId === 'stick')!.slot;
    w.ok(a, 'deposit', { building: chest.id, slot: stickSlot, quantity: 4 });
    w.ok(a, 'trade_open', { partner: b });
    const trade = w.db.trade.filter('by_a', a)[0]!.id;
    w.ok(a, 'trade_offer', { trade, itemId: 'mushroom', quantity: 1 });
    w.ok(b, 'trade_accept', { trade });
    expect(w.db.trade.find(trade)!.bAccepted).toBe(true);
    const rings = w.db.resource_node.iter().filter((n) => n.resourceId === 'mushroom_ring').length;
    expect(rings, 'the test world has mushroom rings to remove').toBeGreaterThan(0);

    removeMushroomsAndChests(dir);
    const outcome = await reload(w, dir);
    expect(outcome).toMatchObject({
      ok: true,
      changed: true,
      nodesDeleted: rings,
      orphans: { stacks: 1, buildings: 1 },
    });
    const [line] = formatReload(outcome, dir);
    expect(line).toMatch(
      new RegExp(
        `^content reloaded at tick ${w.engine.tick}: -2 items, -1 recipe, -1 resource, -1 building, ~2 biomes; ${rings} nodes of removed resources deleted; 1 stack of removed items kept, inert until they return; 1 building of removed kinds kept, inert \\(rev 2\\)$`,
      ),
    );
    // Nodes: gone in the reload's tick. Stacks: still held.
    expect(w.db.resource_node.iter().filter((n) => n.resourceId === 'mushroom_ring')).toEqual([]);
    expect(w.count(a, 'mushroom')).toBe(3);
    // The offer of the removed item left the trade, and Bob's acceptance with it.
    expect(w.db.trade_item.filter('by_trade', trade)).toEqual([]);
    expect(w.db.trade.find(trade)).toMatchObject({ aAccepted: false, bAccepted: false });
    // Inert: the stack cannot be offered or moved into storage.
    w.rejects(a, 'trade_offer', { trade, itemId: 'mushroom', quantity: 1 }, 'UNKNOWN_ITEM');
    const mushroomSlot = w.db.inventory
      .filter('by_container', w.player(a).containerId)
      .find((s) => s.itemId === 'mushroom')!.slot;
    expect(
      w.rejects(a, 'deposit', { building: chest.id, slot: mushroomSlot, quantity: 1 }, 'UNKNOWN_ITEM'),
    ).toMatch(/no longer in the content/);
    // The chest of a removed kind: still withdrawable, then demolishable.
    w.ok(a, 'withdraw', { building: chest.id, slot: 0, quantity: 4 });
    expect(w.count(a, 'stick')).toBe(4);
    w.ok(a, 'demolish', { building: chest.id });
    expect(w.db.building.find(chest.id)).toBeUndefined();

    // The item returns: the stack is live again.
    const restored = copyContent();
    for (const f of fs.readdirSync(restored)) fs.copyFileSync(path.join(restored, f), path.join(dir, f));
    const back = await reload(w, dir);
    expect(back).toMatchObject({ ok: true, changed: true, orphans: { stacks: 0, buildings: 0 } });
    expect(formatReload(back, dir)[0]).toMatch(
      /: \+2 items, \+1 recipe, \+1 resource, \+1 building, ~2 biomes \(rev 3\)$/,
    );
    w.ok(a, 'trade_offer', { trade, itemId: 'mushroom', quantity: 1 });
  });

  it('prints nothing to swap when the files hold the running content, and every problem when they are invalid', async () => {
    const dir = copyContent();
    const w = await createWorld({ contentDir: dir, seed: 'test-world', worldTiles: 512 });
    const tick = w.engine.tick;
    const same = await reload(w, dir);
    expect(same).toMatchObject({ ok: true, changed: false });
    expect(w.engine.tick).toBe(tick);
    expect(formatReload(same, dir)).toEqual([`content saved in ${dir}: nothing changed (rev 1)`]);
    edit(dir, 'items.json', (items) => void (items[0].stackSize = 0));
    edit(dir, 'recipes.json', (r) => void (r[0].inputs[0].item = 'fibre'));
    const bad = await reload(w, dir);
    expect(w.engine.tick).toBe(tick);
    const lines = formatReload(bad, dir);
    expect(lines[0]).toBe(`content edit in ${dir} rejected, 2 problems; the running content stays (rev 1)`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}items\.json:\d+ \[0\]\.stackSize: TYPE: /),
      expect.stringMatching(
        /^ {2}recipes\.json:\d+ \[0\]\.inputs\[0\]\.item: UNKNOWN_REFERENCE: no item 'fibre' in items\.json; did you mean 'fiber'\?$/,
      ),
    ]);
    expect(formatReload({ ...bad, trigger: 'startup' } as ReloadOutcome, dir)[0]).toBe(
      `content in ${dir} has 2 problems: serving the world's last good content (rev 1, from its log); fix the files and save to apply them`,
    );
  });

  it('says so once when the followed directory disappears, and keeps serving', async () => {
    const dir = copyContent();
    const w = await createWorld({ contentDir: dir, seed: 'test-world', worldTiles: 512 });
    const lines: string[] = [];
    let stopped!: (line: string) => void;
    const said = new Promise<string>((resolve) => (stopped = resolve));
    const content = await serveContent(w.engine, {
      dir,
      print: (line) => {
        lines.push(line);
        if (line.startsWith('content: stopped following')) stopped(line);
      },
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(await said).toBe(
      `content: stopped following ${dir} (the directory was removed or renamed); restart the server to follow it again`,
    );
    expect(lines.filter((l) => l.startsWith('content: stopped'))).toHaveLength(1);
    content.close();
    w.engine.runTick();
  });

  it('keeps the physics cache through a reload that leaves collisions alone, and flushes it for one that does not', async () => {
    const dir = copyContent();
    const w = await createWorld({ contentDir: dir, seed: 'test-world', worldTiles: 512 });
    const a = w.join(1, 'Ann');
    w.ok(a, 'move', { dx: 1, dy: 0 });
    w.ticks(5);
    const physics = w.frontier.physicsStats(w.engine);
    expect(physics.chunkBuilds, 'the walk built chunk collision worlds').toBeGreaterThan(0);
    const invalidations = physics.invalidations;
    edit(dir, 'items.json', (items) => void (items[0].name = 'Twig'));
    expect(await reload(w, dir)).toMatchObject({ ok: true, changed: true });
    w.ticks(3);
    expect(w.frontier.physicsStats(w.engine).invalidations).toBe(invalidations);
    edit(dir, 'resources.json', (r) => void (r.find((x: any) => x.blocks).radius = 0.33));
    expect(await reload(w, dir)).toMatchObject({ ok: true, changed: true });
    w.ticks(3);
    expect(w.frontier.physicsStats(w.engine).invalidations).toBeGreaterThan(invalidations);
  });
});
