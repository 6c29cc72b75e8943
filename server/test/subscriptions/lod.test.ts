import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lodScenario, newPaths, runLod, type LodScenario } from './lod-model';

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

  // A path the property rarely reaches: the followed row moves so that a cell it already covered
  // fully (FULL before and after, not re-checked) becomes fully near, while a lagging row of that
  // cell changes in place. The cell's shared run would then repeat the row's tick diff on top of
  // its catch-up; the row must take the catch-up alone.
  const comesNear = (alsoChanges: boolean): LodScenario => ({
    initial: [
      { id: 1, x: 15, y: 15 },
      { id: 2, x: 35, y: 15 },
    ],
    clients: [
      [
        {
          table: 'entity',
          follow: { table: 'entity', key: 1, radius: 30, exitRadius: 30 },
          lod: { radius: 12, every: 8 },
        },
      ],
    ],
    ticks: [
      [{ kind: 'hurt', id: 2 }],
      [{ kind: 'teleport', id: 1, x: 33, y: 15 }, ...(alsoChanges ? [{ kind: 'hurt' as const, id: 2 }] : [])],
    ],
  });

  it('catches a lagging row up once when its fully covered cell comes near', () => {
    const paths = newPaths();
    runLod(comesNear(true), paths);
    expect(paths.held).toBe(1);
    expect(paths.caughtUpNear).toBe(1);
  });

  // The row itself does not change: only the centre's move brings it near, and it catches up then.
  it('catches an unchanged lagging row up in the tick the followed centre brings it near', () => {
    const paths = newPaths();
    runLod(comesNear(false), paths);
    expect(paths.held).toBe(1);
    expect(paths.caughtUpNear).toBe(1);
  });

  // Two lagging rows; the first move brings one near (a walk), the second brings the other: the
  // walk must remember how far the rows it kept lie beyond the near radius.
  it('catches up a lagging row kept by an earlier walk when a later move brings it near', () => {
    const paths = newPaths();
    runLod(
      {
        initial: [
          { id: 1, x: 15, y: 15 },
          { id: 2, x: 35, y: 15 },
          { id: 3, x: 15, y: 35 },
        ],
        clients: [
          [
            {
              table: 'entity',
              follow: { table: 'entity', key: 1, radius: 30, exitRadius: 30 },
              lod: { radius: 12, every: 8 },
            },
          ],
        ],
        ticks: [
          [
            { kind: 'hurt', id: 2 },
            { kind: 'hurt', id: 3 },
          ],
          [{ kind: 'teleport', id: 1, x: 33, y: 15 }],
          [{ kind: 'teleport', id: 1, x: 15, y: 33 }],
        ],
      },
      paths,
    );
    expect(paths.held).toBe(3);
    expect(paths.caughtUpNear).toBe(2);
  });

  // A cell wholly beyond the near radius holds its rows with the cell's margin as the slack; the
  // centre then moves farther than that margin (not farther than the radius) without the row
  // changing: the walk must still run and catch the row up.
  it('catches up a row held in a wholly far cell when the centre comes past the cell margin', () => {
    const paths = newPaths();
    runLod(
      {
        initial: [
          { id: 1, x: 15, y: 15 },
          { id: 2, x: 35, y: 15 },
        ],
        clients: [
          [
            {
              table: 'entity',
              follow: { table: 'entity', key: 1, radius: 30, exitRadius: 30 },
              lod: { radius: 5, every: 8 },
            },
          ],
        ],
        ticks: [[{ kind: 'hurt', id: 2 }], [{ kind: 'teleport', id: 1, x: 31, y: 15 }]],
      },
      paths,
    );
    expect(paths.held).toBe(1);
    expect(paths.caughtUpNear).toBe(1);
  });

  // Two clients refresh the same row in one tick from different versions (intervals 2 and 3, a
  // row hurt every tick): each catch-up is from the version that client holds, never shared.
  it('gives clients that hold different versions of a row their own catch-ups in a shared refresh tick', () => {
    const paths = newPaths();
    const outer = (every: number) => ({
      table: 'entity',
      near: { x: 15, y: 15, radius: 30, exitRadius: 30 },
      lod: { radius: 5, every },
    });
    runLod(
      {
        initial: [
          { id: 1, x: 15, y: 15 },
          { id: 2, x: 35, y: 15 },
        ],
        clients: [[outer(2)], [outer(3)]],
        ticks: Array.from({ length: 12 }, () => [{ kind: 'hurt' as const, id: 2 }]),
      },
      paths,
    );
    expect(paths.caughtUpRefresh).toBeGreaterThan(4);
  });
});
