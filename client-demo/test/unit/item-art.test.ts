import { describe, expect, test } from 'vitest';
import { chooseItemArt, ITEM_GLYPHS, TIER_COLORS, tierColor } from '../../src/ui/item-art';
import { contentView } from './content-view';

const view = contentView();
const art = (id: string) => {
  const def = view.table('item_def').find(id);
  if (def === undefined) throw new Error(`no item ${id} in content`);
  return chooseItemArt(def);
};

describe('item art', () => {
  test('each tool kind and each basic material has a silhouette of its own', () => {
    const ids = [
      'stone_axe',
      'stone_pickaxe',
      'flint_knife',
      'flint_sickle',
      'wooden_shovel',
      'stick',
      'log',
      'plank',
      'rope',
      'fiber',
    ];
    const glyphs = ids.map((id) => art(id).glyph);
    expect(glyphs).toEqual([
      'axe',
      'pickaxe',
      'knife',
      'sickle',
      'shovel',
      'stick',
      'log',
      'plank',
      'rope',
      'fiber',
    ]);
    expect(new Set(glyphs).size).toBe(ids.length);
  });

  test('the same tool kind keeps its silhouette across tiers; the tier tells them apart', () => {
    const axes = ['stone_axe', 'bronze_axe', 'iron_axe'].map(art);
    expect(axes.map((a) => a.glyph)).toEqual(['axe', 'axe', 'axe']);
    expect(axes.map((a) => a.tier)).toEqual([1, 2, 3]);
    expect(new Set(axes.map((a) => tierColor(a.tier))).size).toBe(3);
    expect(tierColor(0)).toBe('');
    // Past the table, the last colour: a tier 9 tool still gets a pip.
    expect(tierColor(9)).toBe(TIER_COLORS[TIER_COLORS.length - 1]);
  });

  test('ingots and ores are tiered by their metal; plain materials have no tier', () => {
    expect(art('copper_ingot')).toMatchObject({ glyph: 'ingot', tier: 2 });
    expect(art('iron_ingot')).toMatchObject({ glyph: 'ingot', tier: 3 });
    expect(art('iron_ore')).toMatchObject({ glyph: 'ore', tier: 3 });
    expect(art('log').tier).toBe(0);
    expect(art('stone').tier).toBe(0);
  });

  test('every content item gets a known glyph and keeps its content colour', () => {
    for (const def of view.table('item_def').iter()) {
      const a = chooseItemArt(def);
      expect(ITEM_GLYPHS, def.id).toContain(a.glyph);
      expect(a.color, def.id).toBe(def.iconColor);
    }
  });

  test('items the content does not know of fall back by category and shape', () => {
    const base = { toolKind: '', toolTier: 0, iconColor: '#123456' };
    expect(chooseItemArt({ ...base, id: 'pie', category: 'food', iconShape: 'circle' }).glyph).toBe('food');
    expect(chooseItemArt({ ...base, id: 'soup', category: 'food', iconShape: 'drop' }).glyph).toBe('jar');
    expect(chooseItemArt({ ...base, id: 'x', category: 'material', iconShape: 'hex' }).glyph).toBe('ore');
    expect(chooseItemArt({ ...base, id: 'y', category: 'material', iconShape: 'blob' }).glyph).toBe('lump');
    expect(
      chooseItemArt({
        ...base,
        id: 'hoe',
        category: 'tool',
        iconShape: 'triangle',
        toolKind: 'hoe',
        toolTier: 2,
      }),
    ).toMatchObject({ glyph: 'shovel', tier: 2 });
  });
});
