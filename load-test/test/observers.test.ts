import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isObserver } from '../src/observers';

describe('isObserver', () => {
  it('picks exactly `observers` bots, spread evenly (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 3000 }), (clients, wanted) => {
        const observers = Math.min(clients, wanted);
        const picked = Array.from({ length: clients }, (_, i) => i).filter((i) => isObserver(i, clients, observers));
        expect(picked.length).toBe(observers);
        // No gap between two observers is more than one stride plus one.
        for (let k = 1; k < picked.length; k++) expect(picked[k]! - picked[k - 1]!).toBeLessThanOrEqual(Math.ceil(clients / observers) + 1);
      }),
    );
  });
});
