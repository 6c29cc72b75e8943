import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flaggedRate, rocAuc, rocCurve, thresholdForFpr, tprAtFpr } from '../../src/detect/roc';

describe('roc', () => {
  it('computes the documented example', () => {
    expect(rocAuc([0.9, 0.8], [0.1, 0.85])).toBe(0.75);
    const curve = rocCurve([0.9, 0.8], [0.1, 0.85]);
    expect(curve.map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
  });

  it('counts ties as half', () => {
    expect(rocAuc([0.5], [0.5])).toBe(0.5);
    expect(rocAuc([0.5, 0.7], [0.5])).toBe(0.75);
  });

  it('AUC equals the pairwise probability (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        (p, n) => {
          let wins = 0;
          for (const a of p) for (const b of n) wins += a > b ? 1 : a === b ? 0.5 : 0;
          expect(rocAuc(p, n)).toBeCloseTo(wins / (p.length * n.length), 10);
        },
      ),
    );
  });

  it('TPR at a FPR budget uses real thresholds only', () => {
    const bots = [0.95, 0.9, 0.6, 0.3];
    const humans = [0.1, 0.2, 0.65, 0.05];
    expect(tprAtFpr(bots, humans, 0)).toBe(0.5);
    expect(tprAtFpr(bots, humans, 0.25)).toBe(1);
    expect(tprAtFpr(bots, humans, 0.2)).toBe(0.5);
  });

  it('the operating threshold keeps false positives within the budget (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (humans, budget) => {
          const threshold = thresholdForFpr(humans, budget);
          expect(flaggedRate(humans, threshold)).toBeLessThanOrEqual(budget + 1e-12);
        },
      ),
    );
  });
});
