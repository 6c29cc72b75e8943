import { describe, expect, it } from 'vitest';
import { levelForXp } from '../../../server/src/world/skills';
import { levelSpan } from '../../src/progress/skill-curve';

describe('levelSpan', () => {
  it('agrees with the server curve at every experience value, and its span adds up to the next level', () => {
    const curves = [
      { maxLevel: 50, xpBase: 20, xpGrowth: 1.25 },
      { maxLevel: 5, xpBase: 25, xpGrowth: 1.3 },
    ];
    let topsReached = 0;
    for (const curve of curves)
      for (let xp = 0; xp < 5000; xp++) {
        const span = levelSpan(curve, xp);
        expect(span.level).toBe(levelForXp(curve, xp));
        if (span.need === 0) {
          topsReached++;
          expect(span.level).toBe(curve.maxLevel);
        } else {
          expect(span.into).toBeLessThan(span.need);
          expect(levelForXp(curve, xp - span.into + span.need)).toBe(span.level + 1);
        }
      }
    expect(topsReached).toBeGreaterThan(0);
  });
});
