import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialUpperBound } from '../../src/detect/binomial';

describe('binomial upper bound (Clopper-Pearson)', () => {
  it('matches the closed form for zero events: 1 - alpha^(1/n)', () => {
    for (const n of [10, 176, 1000, 3000])
      expect(binomialUpperBound(0, n)).toBeCloseTo(1 - 0.05 ** (1 / n), 9);
    // The rule of three: about 3/n.
    expect(binomialUpperBound(0, 1000)).toBeGreaterThan(0.0029);
    expect(binomialUpperBound(0, 1000)).toBeLessThan(0.0031);
  });

  it('matches a published value: 1 of 100 gives 4.66%', () => {
    expect(binomialUpperBound(1, 100)).toBeCloseTo(0.0466, 4);
  });

  it('the CDF sums to 1 and the bound leaves alpha below it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (n, p) => {
          expect(binomialCdf(n, n, p)).toBeCloseTo(1, 9);
        },
      ),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.nat(), (n, k0) => {
        const k = k0 % n;
        const u = binomialUpperBound(k, n);
        expect(u).toBeGreaterThanOrEqual(k / n);
        expect(binomialCdf(k, n, u)).toBeCloseTo(0.05, 6);
      }),
    );
  });

  it('is NaN without trials and 1 when every trial was an event', () => {
    expect(binomialUpperBound(0, 0)).toBeNaN();
    expect(binomialUpperBound(5, 5)).toBe(1);
  });
});
