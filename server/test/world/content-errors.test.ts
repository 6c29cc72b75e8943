import { describe, expect, it } from 'vitest';
import { fieldLines, lineOf } from '../../src/world/json-lines';
import { editDistance, nearest, suggestionLimit } from '../../src/world/suggest';

describe('fieldLines', () => {
  const text = [
    '[',
    '  {',
    '    "id": "stick",',
    '    "icon": { "shape": "bar",',
    '      "color": "#aa7744" },',
    '    "tags": [',
    '      "a",',
    '      {"deep": [1,',
    '        2]}',
    '    ],',
    '    "note": "a \\"quoted\\" [not, an] {array}"',
    '  },',
    '  {"id": "stone", "empty": {}, "none": []}',
    ']',
  ].join('\n');
  const lines = fieldLines(text);

  it('gives each member the line of its key and each element the line it starts on', () => {
    expect(lines.get('')).toBe(1);
    expect(lines.get('[0]')).toBe(2);
    expect(lines.get('[0].id')).toBe(3);
    expect(lines.get('[0].icon')).toBe(4);
    expect(lines.get('[0].icon.shape')).toBe(4);
    expect(lines.get('[0].icon.color')).toBe(5);
    expect(lines.get('[0].tags[0]')).toBe(7);
    expect(lines.get('[0].tags[1].deep[1]')).toBe(9);
    expect(lines.get('[0].note')).toBe(11);
    expect(lines.get('[1]')).toBe(13);
    expect(lines.get('[1].none')).toBe(13);
  });

  it('is not misled by brackets, commas and escaped quotes inside strings', () => {
    expect([...lines.keys()].filter((k) => k.startsWith('[0].note'))).toEqual(['[0].note']);
    expect(lines.has('[2]')).toBe(false);
  });

  it('falls back to the nearest ancestor for a path the text lacks', () => {
    expect(lineOf(lines, '[0].icon.size')).toBe(4);
    expect(lineOf(lines, '[1].name')).toBe(13);
    expect(lineOf(lines, '[0].tags[5].x')).toBe(6);
    expect(lineOf(new Map(), 'x')).toBeUndefined();
  });

  it('gives a member whose value starts on a later line the line of its key', () => {
    const split = fieldLines('{\n  "a":\n    5,\n  "b": {\n    "c":\n      [1]\n  }\n}');
    expect([split.get('a'), split.get('b'), split.get('b.c'), split.get('b.c[0]')]).toEqual([2, 4, 5, 6]);
  });

  it('reads a root object (settings) with member paths without a leading dot', () => {
    const settings = fieldLines('{\n  "reachTiles": 2,\n  "startBiome": "grassland"\n}\n');
    expect(settings.get('reachTiles')).toBe(2);
    expect(lineOf(settings, 'startBiome')).toBe(3);
  });
});

describe('suggestions', () => {
  it('counts a swap of neighbours as one edit (Damerau), and other edits as one each', () => {
    expect(editDistance('fibre', 'fiber')).toBe(1);
    expect(editDistance('abc', 'acb')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the nearest id only when it is close, case-insensitively, ties in sorted order', () => {
    const ids = ['fiber', 'flint', 'log', 'plank', 'stick', 'stone', 'stackSize'];
    expect(nearest('fibre', ids)).toBe('fiber');
    expect(nearest('stacksize', ids)).toBe('stackSize');
    expect(nearest('stonk', ids)).toBe('stone');
    expect(nearest('unobtainium', ids)).toBeUndefined();
    expect(nearest('lg', ids)).toBe('log');
    expect(nearest('xy', ids)).toBeUndefined();
    // 'lgo' is one swap from 'log': offered; 'gol' is two edits, over the limit of a 3-letter word.
    expect(nearest('lgo', ids)).toBe('log');
    expect(nearest('gol', ids)).toBeUndefined();
  });

  it('allows more edits for longer words', () => {
    expect([2, 4, 5, 8, 9, 20].map(suggestionLimit)).toEqual([1, 1, 2, 2, 3, 3]);
  });
});
