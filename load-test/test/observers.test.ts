import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { populationMix } from '../src/driver';
import { isObserver } from '../src/observers';

describe('isObserver', () => {
  it('picks exactly `observers` bots, spread evenly (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 3000 }), (clients, wanted) => {
        const observers = Math.min(clients, wanted);
        const picked = Array.from({ length: clients }, (_, i) => i).filter((i) =>
          isObserver(i, clients, observers),
        );
        expect(picked.length).toBe(observers);
        // No gap between two observers is more than one stride plus one.
        for (let k = 1; k < picked.length; k++)
          expect(picked[k]! - picked[k - 1]!).toBeLessThanOrEqual(Math.ceil(clients / observers) + 1);
      }),
    );
  });
});

describe('populationMix', () => {
  it('gives exactly `clients` players, whether the mix holds counts or shares', () => {
    expect(populationMix('naive=1', 4)).toMatchObject({ naive: 4 });
    expect(populationMix('human=0.9,naive=0.1', 10)).toMatchObject({ human: 9, naive: 1 });
    expect(populationMix('human=3,naive=1', 8)).toMatchObject({ human: 6, naive: 2 });
    for (const n of [1, 7, 100, 999])
      expect(Object.values(populationMix(undefined, n)).reduce((a, b) => a + b, 0)).toBe(n);
  });
});
