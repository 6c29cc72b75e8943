import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { WalkPlan, walkStep } from '../../src/game/auto-walk';

describe('walkStep', () => {
  test('heads straight for the goal and stops within reach', () => {
    const s = walkStep({ kind: 'point', x: 10, y: 0 }, 0, 0);
    expect(s.arrived).toBe(false);
    expect(s.dx).toBeCloseTo(1, 4);
    expect(s.dy).toBe(0);
    expect(walkStep({ kind: 'gather', nodeId: 1, x: 1, y: 1, reach: 2 }, 0, 0).arrived).toBe(true);
  });

  test('property: every direction is a valid `move` argument (length <= 1 as f32) and points at the goal', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (gx, gy, x, y) => {
          const s = walkStep({ kind: 'point', x: gx, y: gy }, x, y);
          if (s.arrived) return;
          const len2 = s.dx * s.dx + s.dy * s.dy;
          expect(len2).toBeLessThanOrEqual(1.0001); // the reducer's INVALID_DIRECTION bound
          expect(s.dx).toBe(Math.fround(s.dx));
          // Within half a heading step (11.25 degrees) of the true direction.
          const cos = (s.dx * (gx - x) + s.dy * (gy - y)) / Math.sqrt(len2) / Math.hypot(gx - x, gy - y);
          expect(cos).toBeGreaterThan(Math.cos(Math.PI / 16) - 1e-6);
        },
      ),
    );
  });
});

describe('WalkPlan', () => {
  const gather = { kind: 'gather', nodeId: 7, x: 10, y: 0, reach: 1 } as const;

  test('follows its waypoints in order, then hands the last leg to the server, stopping inside reach', () => {
    const plan = new WalkPlan(gather, [{ x: 0, y: 5 }, gather], 0, 1500);
    const first = plan.next(0, 0, 0, 0, 0, undefined);
    expect(first).toMatchObject({ kind: 'steer', dx: 0 });
    expect((first as { dy: number }).dy).toBeCloseTo(1, 4);
    // At the first waypoint the last leg begins: walk_to the goal, stopping 0.1 inside its reach.
    expect(plan.next(100, 0, 4.8, 0, 1, undefined)).toEqual({
      kind: 'approach',
      x: 10,
      y: 0,
      stopTiles: 0.9,
    });
    // While the server walks it there, nothing more is sent.
    expect(plan.next(200, 1, 4.5, 0.9, -0.4, undefined, 'walking')).toEqual({ kind: 'keep' });
  });

  test('a walk to a point stops 0.1 from it; done once the server figure rests in reach', () => {
    const point = { kind: 'point', x: 5, y: 0 } as const;
    const plan = new WalkPlan(point, [point], 0, 1500);
    expect(plan.next(0, 0, 0, 0, 0, undefined)).toEqual({ kind: 'approach', x: 5, y: 0, stopTiles: 0.1 });
    expect(plan.next(900, 4.9, 0, 0, 0, { x: 4.2, y: 0, moving: true }, 'stopped')).toEqual({ kind: 'wait' });
    expect(plan.next(1000, 4.9, 0, 0, 0, { x: 4.9, y: 0, moving: false }, 'stopped')).toEqual({
      kind: 'done',
    });
  });

  test('keeps a heading that is close enough, instead of sending a new one', () => {
    const plan = new WalkPlan(
      { kind: 'point', x: 100, y: 1 },
      [
        { x: 50, y: 0.5 },
        { x: 100, y: 1 },
      ],
      0,
      1500,
    );
    expect(plan.next(0, 0, 0, 1, 0, undefined)).toEqual({ kind: 'keep' });
  });

  test('is stuck after stuckAfterMs without getting closer', () => {
    const plan = new WalkPlan(gather, [gather], 0, 1500);
    expect(plan.next(0, 0, 0, 0, 0, undefined).kind).toBe('approach');
    expect(plan.next(1400, 0, 0, 1, 0, undefined, 'walking').kind).not.toBe('stuck');
    expect(plan.next(1600, 0, 0, 1, 0, undefined, 'walking')).toEqual({ kind: 'stuck' });
  });

  test('on arrival waits for the server figure to be in reach, for three seconds at most', () => {
    const plan = new WalkPlan(gather, [gather], 0, 1500);
    const far = { x: 5, y: 0, moving: true };
    expect(plan.next(0, 9.5, 0, 0, 0, far)).toEqual({ kind: 'wait' });
    expect(plan.next(2000, 9.5, 0, 0, 0, far)).toEqual({ kind: 'wait' });
    expect(plan.next(3100, 9.5, 0, 0, 0, far)).toEqual({ kind: 'done' });
    const again = new WalkPlan(gather, [gather], 0, 1500);
    expect(again.next(0, 9.5, 0, 0, 0, { x: 9.4, y: 0, moving: false })).toEqual({ kind: 'done' });
  });

  test('a walk to a point is done on arrival, whatever the server figure', () => {
    const plan = new WalkPlan({ kind: 'point', x: 1, y: 1 }, [{ x: 1, y: 1 }], 0, 1500);
    expect(plan.next(0, 1.1, 1, 0, 0, undefined)).toEqual({ kind: 'done' });
  });
});
