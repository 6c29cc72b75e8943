import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/engine/tooling';
import { rowVisibleTo } from '../../src/engine';
import {
  createFrontier,
  formatProblem,
  frontierSchema,
  serveContent,
  validateContent,
} from '../../src/world';
import { readContentSources } from '../../src/world/content-files';
import { copyContent, edit } from '../../../content/test/fixtures';
import { quietLogger, tempDir } from '../log/helpers';
import { createWorld, makeWorld, type FrontierEngine, type World } from './helpers';

type Id = ReturnType<World['join']>;

/** Gathers at least `n` of `item` from the nearest nodes that yield it, as a player would (one gather call per node use). */
function gatherItems(w: World, id: Id, item: string, n: number): void {
  const def = w.db.resource_def.iter().find((r) => r.itemId === item)!;
  const start = w.count(id, item);
  while (w.count(id, item) < start + n) {
    const p = w.player(id);
    const node = w.nearestNode(def.id, p.x, p.y);
    w.standBy(id, node);
    w.ok(id, 'gather', { nodeId: node.id });
    w.wait(def.gatherMs + 100);
  }
}

function craft(w: World, id: Id, recipeId: string): void {
  w.ok(id, 'craft', { recipeId });
  w.wait(w.db.recipe_def.find(recipeId)!.craftMs + 100);
}

/** Places a building of `kind` next to the player and constructs it to completion. */
function build(w: World, id: Id, kind: string): void {
  const def = w.db.building_def.find(kind)!;
  const p = w.player(id);
  const site = w.freeSite(p.x + 1, p.y, def.width, def.height);
  w.ok(id, 'place_building', { kind, x: site.x, y: site.y });
  const b = w.db.building.iter().find((r) => r.x === site.x && r.y === site.y)!;
  const stepMs = w.db.settings.find(0)!.constructStepMs;
  while (!w.db.building.find(b.id)!.complete) {
    w.ok(id, 'construct', { building: b.id });
    w.wait(stepMs + 100);
  }
}

function progress(w: World, id: Id) {
  return w.db.quest_progress.find([id, 'first_steps']);
}

describe('the starter quest line', () => {
  it('is loaded from quests.json into quest_def and quest_step, in file order', async () => {
    const w = await createWorld();
    expect(w.db.quest_def.iter().map((q) => q.id)).toEqual(['first_steps']);
    const steps = w.db.quest_step.filter('by_quest', 'first_steps').sort((a, b) => a.position - b.position);
    expect(steps.map((s) => `${s.goalKind}:${s.target}`)).toEqual([
      'gather:fiber',
      'craft:rope',
      'craft:stone_axe',
      'gather:log',
      'build:campfire',
      'build:workbench',
    ]);
    expect(steps[0]).toMatchObject({ quantity: 3, text: 'Gather plant fibre' });
    expect(steps[0]!.hint).toMatch(/fibre grass/);
  });

  it('is completed step by step through gather, craft and construct calls', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const other = w.join(2);
    expect(progress(w, id)).toBeUndefined();

    // Progress only counts what the current step asks for: a stick before the fibre counts nothing.
    gatherItems(w, id, 'stick', 1);
    expect(progress(w, id)).toBeUndefined();
    const fiber = w.db.resource_def.iter().find((r) => r.itemId === 'fiber')!;
    gatherItems(w, id, 'fiber', 1);
    expect(progress(w, id)).toEqual({
      owner: id,
      questId: 'first_steps',
      step: 0,
      count: fiber.quantityPerGather,
    });
    gatherItems(w, id, 'fiber', 3 - fiber.quantityPerGather);
    expect(progress(w, id)).toMatchObject({ step: 1, count: 0 });

    craft(w, id, 'rope');
    expect(progress(w, id)).toMatchObject({ step: 2, count: 0 });
    gatherItems(w, id, 'stone', 2);
    gatherItems(w, id, 'stick', 1);
    craft(w, id, 'stone_axe');
    expect(progress(w, id)).toMatchObject({ step: 3 });
    gatherItems(w, id, 'log', 1);
    expect(progress(w, id)).toMatchObject({ step: 4 });
    gatherItems(w, id, 'stone', 5);
    gatherItems(w, id, 'stick', 3);
    build(w, id, 'campfire');
    expect(progress(w, id)).toMatchObject({ step: 5 });
    gatherItems(w, id, 'log', 4);
    gatherItems(w, id, 'stone', 2);
    build(w, id, 'workbench');
    expect(progress(w, id)).toMatchObject({ step: 6, count: 0 });

    // Complete: further outcomes change nothing, and the other player's line is untouched.
    gatherItems(w, id, 'fiber', 1);
    expect(progress(w, id)).toMatchObject({ step: 6, count: 0 });
    expect(progress(w, other)).toBeUndefined();
  });

  it('shows each player only their own progress', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const b = w.join(2);
    gatherItems(w, a, 'fiber', 1);
    gatherItems(w, b, 'fiber', 1);
    const vis = frontierSchema.tables.quest_progress.options.visibility!;
    const row = progress(w, a)!;
    expect(rowVisibleTo(vis, row, a)).toBe(true);
    expect(rowVisibleTo(vis, row, b)).toBe(false);
  });
});

describe('quest validation', () => {
  it('names an unknown item, recipe or building in a goal and suggests the nearest id', async () => {
    const dir = copyContent();
    edit(dir, 'quests.json', (q) => {
      q[0].steps[0].goal.item = 'fibre';
      q[0].steps[1].goal.recipe = 'ropes';
      q[0].steps[4].goal.building = 'camp_fire';
    });
    const result = validateContent(await readContentSources(dir));
    expect(result.ok).toBe(false);
    expect(result.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^quests\.json:\d+ \[0\]\.steps\[0\]\.goal\.item: UNKNOWN_REFERENCE: no item 'fibre' in items\.json; did you mean 'fiber'\?$/,
      ),
      expect.stringMatching(
        /^quests\.json:\d+ \[0\]\.steps\[1\]\.goal\.recipe: UNKNOWN_REFERENCE: no recipe 'ropes' in recipes\.json; did you mean 'rope'\?$/,
      ),
      expect.stringMatching(
        /^quests\.json:\d+ \[0\]\.steps\[4\]\.goal\.building: UNKNOWN_REFERENCE: no building 'camp_fire' in buildings\.json; did you mean 'campfire'\?$/,
      ),
    ]);
  });

  it('reports a goal of an unknown kind and a quest without steps as TYPE problems', async () => {
    const dir = copyContent();
    edit(dir, 'quests.json', (q) => {
      q[0].steps[0].goal.kind = 'mine';
      q.push({ id: 'empty_line', name: 'Empty', steps: [] });
    });
    const result = validateContent(await readContentSources(dir));
    expect(result.problems.map((p) => [p.kind, p.file, p.path])).toEqual([
      ['TYPE', 'quests.json', expect.stringMatching(/^\[0\]\.steps\[0\]\.goal/)],
      ['TYPE', 'quests.json', '[1].steps'],
    ]);
  });

  it('reads a content directory without quests.json as one without quests', async () => {
    const sources = { ...(await readContentSources(copyContent())) };
    delete sources['quests.json'];
    const result = validateContent(sources);
    expect(result.ok && result.content.quests).toEqual([]);
  });
});

const OPTIONS = { seed: 'quest-world', worldTiles: 512 } as const;

async function openWorld(dataDir: string, contentDir: string) {
  const frontier = await createFrontier({ ...OPTIONS, contentDir, lenientContent: true });
  const db = await openDatabase({
    dir: dataDir,
    module: frontier.module,
    seed: OPTIONS.seed,
    tickMs: 50,
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    logger: quietLogger().logger,
  });
  return { db, w: makeWorld(frontier, db.engine as FrontierEngine) };
}

describe('quest progress in a data directory', () => {
  it('survives a restart, and a content edit that appends a step reopens a completed quest', async () => {
    const dataDir = tempDir();
    const contentDir = copyContent();
    edit(contentDir, 'quests.json', (q) => void q[0].steps.splice(1));
    const first = await openWorld(dataDir, contentDir);
    const id = first.w.join(1, 'Ann');
    gatherItems(first.w, id, 'fiber', 3);
    expect(progress(first.w, id)).toMatchObject({ step: 1, count: 0 });
    await first.db.close();

    const again = await openWorld(dataDir, contentDir);
    expect(progress(again.w, id)).toMatchObject({ step: 1, count: 0 });
    expect(again.w.db.quest_step.filter('by_quest', 'first_steps')).toHaveLength(1);

    // Append "twist a rope" while the world runs: the finished line has a new step to do.
    edit(
      contentDir,
      'quests.json',
      (q) =>
        void q[0].steps.push({
          text: 'Twist a rope',
          goal: { kind: 'craft', recipe: 'rope', quantity: 1 },
          hint: 'Press C.',
        }),
    );
    // Files edited while the server was down are applied in its first tick.
    const content = await serveContent(again.db.engine, { dir: contentDir, print: () => {} });
    content.close();
    again.db.engine.serverStarted();
    again.db.engine.runTick();
    const outcome = await content.startup;
    expect(outcome).toMatchObject({ ok: true, changed: true });
    expect(again.w.db.quest_step.filter('by_quest', 'first_steps')).toHaveLength(2);
    craft(again.w, id, 'rope');
    expect(progress(again.w, id)).toMatchObject({ step: 2, count: 0 });

    // Time travel sees the progress of its time.
    await again.db.engine.flush();
    const craftTick = again.db.engine.tick;
    const before = await again.db.asOf(craftTick - 20);
    expect(before.tables.quest_progress!.find([id, 'first_steps'])).toMatchObject({ step: 1 });
    expect(await again.db.replay(1, craftTick)).toMatchObject({ ok: true });
    await again.db.close();
  });
});
