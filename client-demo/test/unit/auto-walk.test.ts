import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { walkStep } from '../../src/game/auto-walk';

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
