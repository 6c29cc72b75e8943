import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyStep, createMovementScenario, maxStep, toFixed } from '../src/scenario';
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

  it("takes a level of detail within the radius and the engine's interval bound, and rejects others", () => {
    expect(createMovementScenario({ clients: 10, lod: { radius: 40, every: 4 } }).lod).toEqual({
      radius: 40,
      every: 4,
    });
    expect(createMovementScenario({ clients: 10 }).lod).toBeUndefined();
    expect(() => createMovementScenario({ clients: 10, lod: { radius: 100, every: 4 } })).toThrow(
      /lod.radius/,
    );
    expect(() => createMovementScenario({ clients: 10, lod: { radius: 0, every: 4 } })).toThrow(/lod.radius/);
    expect(() => createMovementScenario({ clients: 10, lod: { radius: 40, every: 1 } })).toThrow(/lod.every/);
    expect(() => createMovementScenario({ clients: 10, lod: { radius: 40, every: 21 } })).toThrow(
      /lod.every/,
    );
    expect(() => createMovementScenario({ clients: 10, lod: { radius: 40, every: 2.5 } })).toThrow(
      /lod.every/,
    );
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
          // Snapping to the position grid adds at most half a grid diagonal.
          expect(Math.hypot(next.x - x, next.y - y)).toBeLessThanOrEqual(
            maxStep(scenario) + scenario.positionUnit * Math.SQRT1_2 + 1e-9,
          );
          expect(
            Math.abs(next.x / scenario.positionUnit - Math.round(next.x / scenario.positionUnit)),
          ).toBeLessThan(1e-6);
          expect(
            Math.abs(next.y / scenario.positionUnit - Math.round(next.y / scenario.positionUnit)),
          ).toBeLessThan(1e-6);
        },
      ),
      // Found once in CI: a non-finite step returned the position without snapping it.
      { examples: [[0, 1e-7, Number.POSITIVE_INFINITY, 0]] },
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
    const step = scenario.speed / scenario.inputHz;
    for (const s of stepsA) {
      // Whole position units, rounded towards zero: within one unit diagonal of the full step, never over it.
      expect(Math.hypot(s.dx, s.dy)).toBeLessThanOrEqual(step + 1e-9);
      expect(Math.hypot(s.dx, s.dy)).toBeGreaterThan(step - scenario.positionUnit * Math.SQRT2);
      expect(Math.abs(s.dx / scenario.positionUnit - Math.round(s.dx / scenario.positionUnit))).toBeLessThan(
        1e-9,
      );
    }
    const corner = createWalker(scenario, 9).next(0, 0);
    expect(corner.dx).toBeGreaterThan(0);
    expect(corner.dy).toBeGreaterThan(0);
  });

  it('fixed point (Tickspace) and float32 (Colyseus) walk the very same positions (property)', () => {
    const scenario = createMovementScenario({ clients: 2000 });
    const unit = scenario.positionUnit;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 200 }),
        (spawnIndex, steps) => {
          const start = spawnPosition(scenario, spawnIndex);
          const walker = createWalker(scenario, spawnIndex);
          // Colyseus keeps float32 world units; Tickspace keeps integer counts of the grid unit.
          let cx = Math.fround(start.x);
          let cy = Math.fround(start.y);
          let tx = toFixed(scenario, start.x);
          let ty = toFixed(scenario, start.y);
          for (let i = 0; i < steps; i++) {
            const { dx, dy } = walker.next(tx * unit, ty * unit);
            const c = applyStep(scenario, cx, cy, dx, dy);
            cx = Math.fround(c.x);
            cy = Math.fround(c.y);
            const t = applyStep(scenario, tx * unit, ty * unit, dx, dy);
            tx = toFixed(scenario, t.x);
            ty = toFixed(scenario, t.y);
            expect(toFixed(scenario, cx)).toBe(tx);
            expect(toFixed(scenario, cy)).toBe(ty);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('spawns inside the world, the same way every run', () => {
    const scenario = createMovementScenario({ clients: 100 });
    const p = spawnPosition(scenario, 7);
    expect(spawnPosition(scenario, 7)).toEqual(p);
    expect(p.x).toBeGreaterThanOrEqual(0);
    expect(p.x).toBeLessThanOrEqual(scenario.worldSize);
  });
});
