import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyStep, createMovementScenario, maxStep } from '../src/scenario';
import { createWalker, spawnPosition } from '../src/walker';

describe('movement scenario', () => {
  it('sizes the world so density stays constant as clients grow', () => {
    expect(createMovementScenario({ clients: 1000 }).worldSize).toBeCloseTo(1000, 6);
    expect(createMovementScenario({ clients: 4000 }).worldSize).toBeCloseTo(2000, 6);
    expect(createMovementScenario({ clients: 4000, worldSize: 300 }).worldSize).toBe(300);
    expect(createMovementScenario({ clients: 1 }).worldSize).toBe(100);
  });

  it('rejects options that are not positive', () => {
    expect(() => createMovementScenario({ clients: 0 })).toThrow(/clients/);
    expect(() => createMovementScenario({ clients: 10, aoiRadius: -1 })).toThrow(/aoiRadius/);
    expect(() => createMovementScenario({ clients: 10, inputHz: Number.NaN })).toThrow(/inputHz/);
  });

  it('applyStep never moves farther than one step nor leaves the world (property)', () => {
    const scenario = createMovementScenario({ clients: 100, worldSize: 500 });
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ noNaN: false }),
        fc.double({ noNaN: false }),
        (x, y, dx, dy) => {
          const next = applyStep(scenario, x, y, dx, dy);
          expect(next.x).toBeGreaterThanOrEqual(0);
          expect(next.x).toBeLessThanOrEqual(500);
          expect(next.y).toBeGreaterThanOrEqual(0);
          expect(next.y).toBeLessThanOrEqual(500);
          expect(Math.hypot(next.x - x, next.y - y)).toBeLessThanOrEqual(maxStep(scenario) + 1e-9);
        },
      ),
    );
  });

  it('walkers are deterministic per bot, step at the scenario speed and head inwards at the border', () => {
    const scenario = createMovementScenario({ clients: 100 });
    const a = createWalker(scenario, 3);
    const b = createWalker(scenario, 3);
    const c = createWalker(scenario, 4);
    const stepsA = Array.from({ length: 20 }, () => a.next(500, 500));
    expect(Array.from({ length: 20 }, () => b.next(500, 500))).toEqual(stepsA);
    expect(Array.from({ length: 20 }, () => c.next(500, 500))).not.toEqual(stepsA);
    for (const s of stepsA) expect(Math.hypot(s.dx, s.dy)).toBeCloseTo(scenario.speed / scenario.inputHz, 9);
    const corner = createWalker(scenario, 9).next(0, 0);
    expect(corner.dx).toBeGreaterThan(0);
    expect(corner.dy).toBeGreaterThan(0);
  });

  it('spawns inside the world, the same way every run', () => {
    const scenario = createMovementScenario({ clients: 100 });
    const p = spawnPosition(scenario, 7);
    expect(spawnPosition(scenario, 7)).toEqual(p);
    expect(p.x).toBeGreaterThanOrEqual(0);
    expect(p.x).toBeLessThanOrEqual(scenario.worldSize);
  });
});
