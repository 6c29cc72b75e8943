import { describe, expect, test } from 'vitest';
import { bestToolTier, checkTool, toolRecipe } from '../../src/game/tools';
import {
  failureSentence,
  hasFailureSentence,
  subjectOfAction,
  subjectOfCall,
  type FailureSubject,
} from '../../src/ui/failure-words';
import { article, itemAmount, listPhrase, toolPhrase, withArticle } from '../../src/world/words';
import { FRONTIER_ERRORS } from '@tickspace/server/world';
import { contentView } from './content-view';

const view = contentView();
view.table('resource_node').put({ id: 7, resourceId: 'oak_tree', x: 1, y: 1, amount: 3, respawnAtMs: 0 });
view.table('resource_node').put({ id: 8, resourceId: 'fiber_grass', x: 2, y: 1, amount: 0, respawnAtMs: 9 });
const say = (
  code: string,
  subject: FailureSubject,
  counts: Record<string, number> = {},
  message = 'raw server text',
) =>
  failureSentence(code, message, {
    view,
    identity: undefined,
    counts: new Map(Object.entries(counts)),
    subject,
  });

describe('articles and phrases', () => {
  test('a or an by the sound of the word', () => {
    expect(
      ['axe', 'pickaxe', 'Oak Tree', 'Workbench', 'Iron Axe', 'hour', 'unit', 'Umbrella'].map(article),
    ).toEqual(['an', 'a', 'an', 'a', 'an', 'an', 'a', 'an']);
    expect(withArticle('Oak Tree')).toBe('an Oak Tree');
    expect(toolPhrase('axe', 1)).toBe('an axe (tier 1)');
    expect(toolPhrase('pickaxe', 2)).toBe('a pickaxe (tier 2)');
  });

  test('amounts use display names; lists read as English', () => {
    expect(itemAmount(view, 'fiber', 2)).toBe('2 Plant Fiber');
    expect(listPhrase([])).toBe('nothing');
    expect(listPhrase(['1 Rope'])).toBe('1 Rope');
    expect(listPhrase(['2 Stone', '1 Rope', '3 Stick'])).toBe('2 Stone, 1 Rope and 3 Stick');
  });
});

describe('failure sentences', () => {
  test('a missing tool names it with its article and tier, and the resource with its own', () => {
    expect(say('TOOL_REQUIRED', { nodeId: 7 }, {}, 'Oak Tree needs a axe of tier 1 or better')).toBe(
      'You need an axe (tier 1) for an Oak Tree.',
    );
  });

  test('craft refusals say what is short, which skill and which station', () => {
    expect(say('MISSING_ITEMS', { recipeId: 'stone_axe' }, { stone: 1, stick: 2 })).toBe(
      'You need 1 Stone and 1 Rope more for Make Stone Axe.',
    );
    expect(say('SKILL_TOO_LOW', { recipeId: 'flint_sickle' })).toBe(
      'You need Crafting level 2 for Make Flint Sickle.',
    );
    expect(say('STATION_REQUIRED', { recipeId: 'plank' })).toBe(
      'Saw Planks needs a Workbench nearby; stand next to a finished one.',
    );
    expect(say('MISSING_ITEMS', { buildingKind: 'campfire' }, { stone: 5 })).toBe(
      'You need 3 Stick more for a Campfire.',
    );
  });

  test('gathering refusals name the resource and the item', () => {
    expect(say('NODE_DEPLETED', { nodeId: 8 })).toBe('The Fiber Grass is used up; it grows back soon.');
    expect(say('INVENTORY_FULL', { nodeId: 8 })).toBe('Your backpack is full: no room for 2 Plant Fiber.');
    expect(say('INVENTORY_FULL', {})).toBe('Your backpack is full.');
    expect(say('OUT_OF_REACH', { nodeId: 7 })).toBe('The Oak Tree is out of reach; walk closer.');
  });

  test('every Frontier rule code has a sentence, none of them shows the code or the raw message', () => {
    for (const code of Object.values(FRONTIER_ERRORS)) {
      if (code === 'INVALID_CONTENT') continue; // the server's own reload, never a player's call
      expect(hasFailureSentence(code), code).toBe(true);
      const text = say(code, {}, {}, 'raw server text');
      expect(text, code).not.toContain(code);
      expect(text, code).not.toContain('raw server text');
      expect(text, code).toMatch(/^[A-Z].*[.!?]$/);
    }
  });

  test('an unknown code falls back to the message as a sentence', () => {
    expect(say('SOMETHING_NEW', {}, {}, 'the moon is in the way')).toBe('The moon is in the way.');
  });

  test('subjects come from the call arguments and from the action row', () => {
    expect(subjectOfCall(view, 'gather', { nodeId: 7 })).toEqual({ nodeId: 7 });
    expect(subjectOfCall(view, 'craft', { recipeId: 'rope' })).toEqual({ recipeId: 'rope' });
    expect(subjectOfAction({ kind: 'gather', target: 7, recipeId: '' })).toEqual({ nodeId: 7 });
    expect(subjectOfAction({ kind: 'craft', target: 0, recipeId: 'rope' })).toEqual({ recipeId: 'rope' });
    expect(subjectOfAction({ kind: 'construct', target: 3, recipeId: '' })).toEqual({ buildingId: 3 });
  });
});

describe('tool check before the walk', () => {
  test('the best tier carried, and the recipe of the weakest good-enough tool', () => {
    const counts = new Map([
      ['stone_axe', 1],
      ['iron_axe', 1],
      ['stone_pickaxe', 0],
    ]);
    expect(bestToolTier(view, counts, 'axe')).toBe(3);
    expect(bestToolTier(view, counts, 'pickaxe')).toBe(0);
    expect(toolRecipe(view, 'axe', 1)).toBe('stone_axe');
    expect(toolRecipe(view, 'pickaxe', 2)).toBe('bronze_pickaxe');
    expect(toolRecipe(view, 'hoe', 1)).toBeUndefined();
  });

  test('an oak needs an axe: refused with the stone axe recipe, allowed once one is carried', () => {
    expect(checkTool(view, new Map(), 'oak_tree')).toMatchObject({
      ok: false,
      kind: 'axe',
      tier: 1,
      recipeId: 'stone_axe',
    });
    expect(checkTool(view, new Map([['stone_axe', 1]]), 'oak_tree')).toMatchObject({ ok: true, have: 1 });
    expect(checkTool(view, new Map(), 'fiber_grass')).toMatchObject({ ok: true, kind: '' });
  });
});
