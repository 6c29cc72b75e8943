import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { WalkPlan, walkStep } from '../../src/game/auto-walk';
import { clearLine, findPath, type PathWorld } from '../../src/game/path-finder';
import { grid } from './grid-world';

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

describe('WalkPlan with a path finder (the last leg round an obstacle)', () => {
  /**
   * Walks a plan as the server's `walk_to` does: straight at the target, a quarter tile per tick,
   * stopping `stopTiles` from it, and not moving at all into an obstacle (it does not steer round).
   * Returns where the walk ended and how.
   */
  function walk(world: PathWorld, plan: WalkPlan, from: { x: number; y: number }) {
    let x = from.x;
    let y = from.y;
    let target: { x: number; y: number; stopTiles: number } | undefined;
    for (let tick = 0; tick < 400; tick++) {
      const now = tick * 50;
      const approach = target === undefined ? 'none' : 'walking';
      const decision = plan.next(now, x, y, 0, 0, { x, y, moving: false }, approach);
      if (decision.kind === 'approach') target = decision;
      else if (decision.kind === 'stuck' || decision.kind === 'done') return { x, y, end: decision.kind };
      else if (decision.kind === 'steer') {
        const nx = x + decision.dx * 0.25;
        const ny = y + decision.dy * 0.25;
        if (!world.blocked(nx, ny, 0.3)) [x, y] = [nx, ny];
      }
      if (target !== undefined) {
        const d = Math.hypot(target.x - x, target.y - y);
        const step = Math.min(0.25, d - target.stopTiles);
        if (step <= 1e-3) {
          const ended = plan.next(now, x, y, 0, 0, { x, y, moving: false }, 'stopped');
          return { x, y, end: ended.kind };
        }
        const nx = x + ((target.x - x) / d) * step;
        const ny = y + ((target.y - y) / d) * step;
        if (!world.blocked(nx, ny, 0.3)) [x, y] = [nx, ny];
      }
    }
    return { x, y, end: 'timeout' };
  }

  test('a partner behind a rock: the last leg goes to the reachable spot the path found, and arrives', () => {
    // A rock on the straight line to a trade partner 9 tiles away (reach 5); the path finder's
    // spot within reach is off that line, with a clear way to it.
    const world = grid((tx, ty) => tx === 3 && ty === 2);
    const from = { x: 0.5, y: 0.5 };
    const goal = { kind: 'trade', partner: 'b' as never, name: 'Bob', x: 8.5, y: 4.5, reach: 5 } as const;
    const path = findPath(world, from, goal, { radius: 0.3, reach: goal.reach - 0.3 })!;
    expect(path, 'one clear leg to a spot in reach').toEqual([{ x: 5.5, y: 1.5 }]);
    const clear = (a: { x: number; y: number }, b: { x: number; y: number }) => clearLine(world, a, b, 0.3);
    expect(clearLine(world, from, goal, 0.3), 'the straight line is blocked').toBe(false);
    const ended = walk(world, new WalkPlan(goal, path, 0, 1500, clear), from);
    expect(ended.end).toBe('done');
    expect(Math.hypot(goal.x - ended.x, goal.y - ended.y)).toBeLessThanOrEqual(goal.reach);
    // Without the line check the last leg aims at Bob through the rock and ends stuck against it.
    expect(walk(world, new WalkPlan(goal, path, 0, 1500), from).end).toBe('stuck');
  });

  test('on open ground the last leg still goes straight at the goal and stops inside its reach', () => {
    const world = grid(() => false);
    const goal = { kind: 'gather', nodeId: 1, x: 9.5, y: 3.5, reach: 1.5 } as const;
    const path = findPath(world, { x: 0.5, y: 0.5 }, goal, { radius: 0.3, reach: 1.2 })!;
    const plan = new WalkPlan(goal, path, 0, 1500, (a, b) => clearLine(world, a, b, 0.3));
    expect(plan.next(0, 0.5, 0.5, 0, 0, undefined)).toEqual({
      kind: 'approach',
      x: 9.5,
      y: 3.5,
      stopTiles: 1.4,
    });
  });
});
