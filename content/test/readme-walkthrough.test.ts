import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../server/src/world/content-loader';
import { loadContent } from '../../server/src/world/content-files';
import { createWorld } from '../../server/test/world/helpers';
import { copyContent, edit } from './fixtures';

/** The README's walkthrough steps: fenced ```json blocks whose info string names their target. */
function walkthroughSteps(): { target: string; value: any }[] {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const steps: { target: string; value: any }[] = [];
  for (const m of readme.matchAll(/```json ([\w.#]+)\n([\s\S]*?)```/g))
    steps.push({ target: m[1]!, value: JSON.parse(m[2]!) });
  return steps;
}

/** Applies one step: append to a file's array, or to `file#rowId.field`. */
function apply(dir: string, step: { target: string; value: any }): void {
  const [file, where] = step.target.split('#') as [string, string | undefined];
  edit(dir, file, (rows: any[]) => {
    if (where === undefined) rows.push(step.value);
    else {
      const [id, field] = where.split('.') as [string, string];
      rows.find((r) => r.id === id)[field].push(step.value);
    }
  });
}

describe('content README walkthrough', () => {
  it('adds an item, a resource that yields it and a recipe that uses it, exactly as documented', async () => {
    const steps = walkthroughSteps();
    expect(steps.map((s) => s.target)).toEqual([
      'items.json',
      'resources.json',
      'biomes.json#grassland.resources',
      'recipes.json',
      'items.json',
    ]);
    const dir = copyContent();
    for (const step of steps.slice(0, 4)) apply(dir, step);
    // Without step 5 the loader names the missing item, as the README says.
    const partial = await loadContent(dir);
    expect(partial.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^recipes\.json:\d+ \[26\]\.outputs\[0\]\.item: UNKNOWN_REFERENCE: no item 'amber_charm' in items\.json$/,
      ),
    ]);
    apply(dir, steps[4]!);
    const full = await loadContent(dir);
    expect(full.problems.map(formatProblem)).toEqual([]);

    // And it plays: a new world grows amber seeps near the spawn; gather amber, craft a charm.
    const w = await createWorld({ contentDir: dir, seed: 'readme', worldTiles: 512 });
    const id = w.join(1, 'Reader');
    const seep = w.nearestNode('amber_seep', w.player(id).x, w.player(id).y);
    w.standBy(id, seep);
    for (let i = 0; i < 2; i++) {
      w.ok(id, 'gather', { nodeId: seep.id });
      w.wait(1050);
    }
    expect(w.count(id, 'amber')).toBe(2);
    w.give(id, 'fiber', 3);
    w.ok(id, 'craft', { recipeId: 'rope' });
    w.wait(1050);
    w.ok(id, 'craft', { recipeId: 'amber_charm' });
    w.wait(1550);
    expect(w.bag(id)).toEqual({ amber_charm: 1 });
    expect(w.db.item_def.find('amber_charm')).toMatchObject({
      name: 'Amber Charm',
      iconShape: 'star',
      iconColor: '#ffb300',
    });
  });
});
