import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Camera } from '../../src/render/camera';

describe('Camera', () => {
  test('centres the followed point on screen', () => {
    const c = new Camera({ zoom: 2 });
    c.resize(800, 600);
    c.jumpTo(100, 50);
    expect(c.worldToScreenX(100)).toBe(400);
    expect(c.worldToScreenY(50)).toBe(300);
    expect(c.offsetX).toBe(400 - 200);
  });

  test('zoom is clamped to [minZoom, maxZoom]', () => {
    const c = new Camera({ minZoom: 0.5, maxZoom: 3, zoom: 2 });
    c.zoomBy(100);
    expect(c.zoom).toBe(3);
    c.zoomBy(0.0001);
    expect(c.zoom).toBe(0.5);
    expect(() => new Camera({ minZoom: 2, maxZoom: 1 })).toThrow(RangeError);
  });

  test('follow is frame-rate independent: two half steps equal one whole step', () => {
    const a = new Camera({ followRate: 10 });
    const b = new Camera({ followRate: 10 });
    a.follow(100, 0, 50);
    b.follow(100, 0, 25);
    b.follow(100, 0, 25);
    expect(a.x).toBeCloseTo(b.x, 9);
  });

  test('property: screen and world coordinates round-trip, on non-square screens, at any zoom', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        fc.double({ min: -1e5, max: 1e5, noNaN: true }),
        fc.double({ min: -1e5, max: 1e5, noNaN: true }),
        fc.double({ min: -1e5, max: 1e5, noNaN: true }),
        (w, h, zoom, cx, cy, wx) => {
          const c = new Camera({ zoom });
          c.resize(w, h);
          c.jumpTo(cx, cy);
          expect(c.screenToWorldX(c.worldToScreenX(wx))).toBeCloseTo(wx, 6);
          expect(c.screenToWorldY(c.worldToScreenY(wx))).toBeCloseTo(wx, 6);
        },
      ),
    );
  });

  test('property: zooming about a screen point keeps the world point under it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1279 }),
        fc.integer({ min: 0, max: 719 }),
        fc.double({ min: 0.6, max: 1.6, noNaN: true }),
        (sx, sy, f) => {
          const c = new Camera({ zoom: 1.5 });
          c.resize(1280, 720);
          c.jumpTo(5000, -300);
          const wx = c.screenToWorldX(sx);
          const wy = c.screenToWorldY(sy);
          c.zoomBy(f, sx, sy);
          expect(c.worldToScreenX(wx)).toBeCloseTo(sx, 6);
          expect(c.worldToScreenY(wy)).toBeCloseTo(sy, 6);
        },
      ),
    );
  });
});
