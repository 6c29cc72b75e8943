import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lodScenario, newPaths, runLod } from './lod-model';

describe('subscriptions with a level of detail', () => {
  it('keeps near rows exact every tick and outer-band rows as of their last refresh, and exact once every band refreshed', () => {
    const paths = newPaths();
    fc.assert(
      fc.property(lodScenario, (s) => runLod(s, paths)),
      { numRuns: 250 },
    );
    // The property went down the paths that matter, not only the easy ones.
    expect(paths.held).toBeGreaterThan(100);
    expect(paths.caughtUpNear).toBeGreaterThan(10);
    expect(paths.caughtUpRefresh).toBeGreaterThan(10);
    expect(paths.leftLagging).toBeGreaterThan(10);
    expect(paths.enteredOuter).toBeGreaterThan(10);
  });

  it('sends a congested client its held-back rows as they are when it drains', () => {
    const paths = newPaths();
    const stalls = fc.array(fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), {
      minLength: 3,
      maxLength: 3,
    });
    fc.assert(
      fc.property(lodScenario, stalls, (s, stall) =>
        runLod(s, paths, { buffered: (c, t) => (t < 20 && stall[c % 3]![t]! ? 5000 : 0) }),
      ),
      { numRuns: 150 },
    );
    expect(paths.drainedLagging).toBeGreaterThan(10);
  });
});
