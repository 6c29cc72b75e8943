import { describe, expect, it } from 'vitest';
import { duration, inDuration, itemAmount, itemName } from '../../src/world/words';
import { createWorld } from './helpers';

describe('words for server messages', () => {
  it('names items by their display names, and keeps an id the content no longer has', async () => {
    const w = await createWorld();
    expect(itemName(w.db, 'fiber')).toBe('Plant Fiber');
    expect(itemAmount(w.db, 'stone', 3)).toBe('3 Stone');
    expect(itemAmount(w.db, 'gone_item', 2)).toBe('2 gone_item');
  });

  it('says durations as seconds and minutes, never negative', () => {
    expect(duration(0)).toBe('0 s');
    expect(duration(2450)).toBe('2.5 s');
    expect(duration(9_940)).toBe('9.9 s');
    expect(duration(40_200)).toBe('40 s');
    expect(duration(60_000)).toBe('1 min');
    expect(duration(65_000)).toBe('1 min 5 s');
    expect(inDuration(1500, 1000)).toBe('in 0.5 s');
    expect(inDuration(500, 1000)).toBe('in 0 s');
  });
});
