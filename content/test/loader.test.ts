import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_PROBLEMS, formatProblem, type ContentProblem } from '../../server/src/world/content-loader';
import { loadContent, loadContentOrThrow } from '../../server/src/world/content-files';
import { copyContent, edit } from './fixtures';

async function problemsOf(dir: string): Promise<readonly ContentProblem[]> {
  const result = await loadContent(dir);
  expect(result.ok).toBe(false);
  return result.problems;
}

describe('the shipped content', () => {
  it('is valid and large enough for a few hours of progression', async () => {
    const result = await loadContent();
    expect(result.problems.map(formatProblem)).toEqual([]);
    const c = result.content!;
    expect(c.items.length).toBeGreaterThanOrEqual(30);
    expect(c.recipes.length).toBeGreaterThanOrEqual(20);
    expect(c.resources.length).toBeGreaterThanOrEqual(8);
    expect(c.buildings.length).toBeGreaterThanOrEqual(6);
    expect(new Set(c.biomes.map((b) => b.id))).toEqual(
      new Set(['ocean', 'cliff', 'grassland', 'forest', 'desert', 'snow', 'swamp']),
    );
    expect(c.buildings.filter((b) => b.storageSlots > 0).length).toBeGreaterThanOrEqual(1);
    expect(c.buildings.filter((b) => b.station).length).toBeGreaterThanOrEqual(3);
  });
});

describe('content validation: every problem kind, from a broken fixture', () => {
  it('FILE_MISSING: a file is absent', async () => {
    const dir = copyContent();
    fs.rmSync(path.join(dir, 'skills.json'));
    expect(await problemsOf(dir)).toContainEqual(
      expect.objectContaining({ kind: 'FILE_MISSING', file: 'skills.json' }),
    );
  });

  it('SYNTAX: invalid JSON, with the line of the error', async () => {
    const dir = copyContent();
    const p = path.join(dir, 'recipes.json');
    const lines = fs.readFileSync(p, 'utf8').split('\n');
    lines[6] = lines[6] + ',,';
    fs.writeFileSync(p, lines.join('\n'));
    const [problem] = await problemsOf(dir);
    expect(problem).toMatchObject({ kind: 'SYNTAX', file: 'recipes.json', line: 7 });
  });

  it('TYPE: wrong types, ranges, missing and unknown fields, with row, path and field', async () => {
    const dir = copyContent();
    edit(dir, 'items.json', (items) => {
      items[2].stackSize = 'lots';
      delete items[3].name;
      items[4].sparkle = true;
      items[5].icon.color = 'red';
    });
    edit(dir, 'settings.json', (s) => {
      s.reachTiles = -1;
    });
    const problems = await problemsOf(dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'TYPE',
          file: 'items.json',
          row: 2,
          path: '[2].stackSize',
          field: 'stackSize',
        }),
        expect.objectContaining({
          kind: 'TYPE',
          file: 'items.json',
          row: 3,
          path: '[3].name',
          field: 'name',
        }),
        expect.objectContaining({
          kind: 'TYPE',
          file: 'items.json',
          row: 4,
          path: '[4].sparkle',
          field: 'sparkle',
          reason: "unknown field 'sparkle'",
        }),
        expect.objectContaining({
          kind: 'TYPE',
          file: 'items.json',
          row: 5,
          path: '[5].icon.color',
          field: 'color',
        }),
        expect.objectContaining({
          kind: 'TYPE',
          file: 'settings.json',
          path: 'reachTiles',
          field: 'reachTiles',
        }),
      ]),
    );
    // A problem points at the offending field's line; a missing field at the row that lacks it.
    const text = fs.readFileSync(path.join(dir, 'items.json'), 'utf8').split('\n');
    const lineText = (p: string) => text[problems.find((x) => x.path === p)!.line! - 1]!.trim();
    expect(lineText('[2].stackSize')).toBe('"stackSize": "lots",');
    expect(lineText('[4].sparkle')).toBe('"sparkle": true');
    expect(lineText('[5].icon.color')).toBe('"color": "red"');
    expect(lineText('[3].name')).toBe('{');
    expect(text[problems.find((x) => x.path === '[3].name')!.line!]).toContain('"id": "');
    const settings = fs.readFileSync(path.join(dir, 'settings.json'), 'utf8').split('\n');
    const reach = problems.find((p) => p.path === 'reachTiles')!;
    expect(settings[reach.line! - 1]).toContain('"reachTiles": -1');
  });

  it('TYPE: an unknown field or a value outside a fixed set suggests the nearest allowed one', async () => {
    const dir = copyContent();
    edit(dir, 'items.json', (items) => {
      items[1].stacksize = items[1].stackSize;
      delete items[1].stackSize;
      items[2].icon.colour = items[2].icon.color;
      delete items[2].icon.color;
      items[3].category = 'materail';
      items[4].flavour = 'sweet';
    });
    const reasons = (await problemsOf(dir)).map((p) => [p.path, p.reason]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        ['[1].stacksize', "unknown field 'stacksize'; did you mean 'stackSize'?"],
        ['[2].icon.colour', "unknown field 'colour'; did you mean 'color'?"],
        ['[3].category', expect.stringMatching(/^'materail' is not allowed: .*; did you mean 'material'\?$/)],
        // Nothing is close to 'flavour': no suggestion.
        ['[4].flavour', "unknown field 'flavour'"],
      ]),
    );
  });

  it('DUPLICATE_ID: two rows with one id, two biomes with one tile byte', async () => {
    const dir = copyContent();
    edit(dir, 'items.json', (items) => void items.push({ ...items[0] }));
    edit(dir, 'biomes.json', (biomes) => {
      biomes[3].tile = biomes[2].tile;
    });
    const problems = await problemsOf(dir);
    expect(problems).toContainEqual(
      expect.objectContaining({
        kind: 'DUPLICATE_ID',
        file: 'items.json',
        field: 'id',
        reason: "id 'stick' is already used by row 0",
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ kind: 'DUPLICATE_ID', file: 'biomes.json', row: 3, field: 'tile' }),
    );
  });

  it('UNKNOWN_REFERENCE: recipe items, resource items, building costs, biome resources, skills, the start biome', async () => {
    const dir = copyContent();
    edit(dir, 'recipes.json', (r) => {
      r[0].inputs[0].item = 'plonk';
      r[2].inputs[0].item = 'fibre';
      r[1].skill = 'juggling';
    });
    edit(dir, 'resources.json', (r) => {
      r[0].item = 'twig';
    });
    edit(dir, 'buildings.json', (b) => {
      b[0].cost[1].item = 'unobtainium';
    });
    edit(dir, 'biomes.json', (b) => {
      b[2].resources[0].resource = 'tree_of_life';
    });
    edit(dir, 'settings.json', (s) => {
      s.startBiome = 'moon';
    });
    const problems = await problemsOf(dir);
    const refs = problems
      .filter((p) => p.kind === 'UNKNOWN_REFERENCE')
      .map((p) => [p.file, p.path, p.reason]);
    expect(refs).toEqual(
      expect.arrayContaining([
        ['recipes.json', '[0].inputs[0].item', "no item 'plonk' in items.json; did you mean 'plank'?"],
        ['recipes.json', '[2].inputs[0].item', "no item 'fibre' in items.json; did you mean 'fiber'?"],
        ['recipes.json', '[1].skill', "no skill 'juggling' in skills.json"],
        ['resources.json', '[0].item', "no item 'twig' in items.json"],
        // Nothing is close to 'unobtainium': no suggestion.
        ['buildings.json', '[0].cost[1].item', "no item 'unobtainium' in items.json"],
        ['biomes.json', '[2].resources[0].resource', "no resource 'tree_of_life' in resources.json"],
        ['settings.json', 'startBiome', "no biome 'moon' in biomes.json"],
      ]),
    );
    // The line is the field's own, in every file.
    const recipes = fs.readFileSync(path.join(dir, 'recipes.json'), 'utf8').split('\n');
    const fibre = problems.find((p) => p.path === '[2].inputs[0].item')!;
    expect(recipes[fibre.line! - 1]!.trim()).toBe('"item": "fibre",');
  });

  it('WRONG_REFERENCE: a station that is not a station, a start biome that is water', async () => {
    const dir = copyContent();
    edit(dir, 'recipes.json', (r) => {
      r.find((x: any) => x.id === 'plank').station = 'storage_chest';
    });
    edit(dir, 'settings.json', (s) => {
      s.startBiome = 'ocean';
    });
    const problems = await problemsOf(dir);
    expect(problems).toContainEqual(
      expect.objectContaining({ kind: 'WRONG_REFERENCE', file: 'recipes.json', field: 'station' }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ kind: 'WRONG_REFERENCE', file: 'settings.json', field: 'startBiome' }),
    );
  });

  it('CREATES_FROM_NOTHING: a recipe without inputs, a self-multiplying recipe and a gaining loop', async () => {
    const dir = copyContent();
    edit(dir, 'recipes.json', (r) => {
      r[0].inputs = [];
      r.push({
        id: 'more_sticks',
        name: 'More Sticks',
        skill: 'crafting',
        level: 1,
        xp: 0,
        craftMs: 0,
        inputs: [{ item: 'stick', quantity: 1 }],
        outputs: [{ item: 'stick', quantity: 2 }],
      });
      // log -> 2 plank exists; 1 plank -> 1 log closes a loop that doubles logs.
      r.push({
        id: 'glue_planks',
        name: 'Glue Planks',
        skill: 'crafting',
        level: 1,
        xp: 0,
        craftMs: 0,
        inputs: [{ item: 'plank', quantity: 1 }],
        outputs: [{ item: 'log', quantity: 1 }],
      });
    });
    const problems = (await problemsOf(dir)).filter((p) => p.kind === 'CREATES_FROM_NOTHING');
    expect(problems.map((p) => p.reason)).toEqual(
      expect.arrayContaining([
        "recipe 'rope' has no inputs: it would create items from nothing",
        "recipe 'more_sticks' turns 1 'stick' into 2",
        expect.stringMatching(/recipe 'glue_planks' is part of a loop/),
      ]),
    );
  });

  it('UNOBTAINABLE: an item nothing yields or makes, and items behind an unbuildable station', async () => {
    const dir = copyContent();
    edit(
      dir,
      'items.json',
      (items) =>
        void items.push({
          id: 'gold',
          name: 'Gold',
          category: 'material',
          stackSize: 50,
          icon: { shape: 'hex', color: '#ffd700' },
        }),
    );
    edit(dir, 'buildings.json', (b) => {
      b.find((x: any) => x.id === 'anvil').cost = [{ item: 'gold', quantity: 1 }];
    });
    const problems = (await problemsOf(dir)).filter((p) => p.kind === 'UNOBTAINABLE');
    const ids = problems.map((p) => p.reason.match(/item '(\w+)'/)![1]);
    expect(ids).toContain('gold');
    // Nails, bronze and iron tools come from the anvil; iron ore needs a bronze pickaxe.
    expect(ids).toEqual(
      expect.arrayContaining(['nails', 'bronze_axe', 'bronze_pickaxe', 'iron_ore', 'iron_ingot']),
    );
  });

  it('MISSING_BIOME_KIND: no cliff biome', async () => {
    const dir = copyContent();
    edit(dir, 'biomes.json', (b) => b.filter((x: any) => x.kind !== 'cliff'));
    expect(await problemsOf(dir)).toContainEqual(
      expect.objectContaining({
        kind: 'MISSING_BIOME_KIND',
        file: 'biomes.json',
        reason: expect.stringContaining("'cliff'"),
      }),
    );
  });

  it('reports problems from several files at once, and throws INVALID_CONTENT listing them', async () => {
    const dir = copyContent();
    edit(dir, 'items.json', (items) => {
      items[0].stackSize = 0;
    });
    edit(dir, 'recipes.json', (r) => {
      r[2].outputs[0].item = 'nothing_here';
    });
    edit(dir, 'buildings.json', (b) => {
      b[1].width = 99;
    });
    const problems = await problemsOf(dir);
    expect(new Set(problems.map((p) => p.file))).toEqual(
      new Set(['items.json', 'recipes.json', 'buildings.json']),
    );
    await expect(loadContentOrThrow(dir)).rejects.toMatchObject({
      code: 'INVALID_CONTENT',
      details: { problems },
    });
  });

  it('covers every problem kind in these tests', () => {
    expect(Object.keys(CONTENT_PROBLEMS).sort()).toEqual(
      [
        'CREATES_FROM_NOTHING',
        'DUPLICATE_ID',
        'FILE_MISSING',
        'MISSING_BIOME_KIND',
        'SYNTAX',
        'TYPE',
        'UNKNOWN_REFERENCE',
        'UNOBTAINABLE',
        'WRONG_REFERENCE',
      ].sort(),
    );
  });
});
