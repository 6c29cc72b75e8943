import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PositionBuffer, ServerClock } from '../../src/render/interpolation';

describe('PositionBuffer', () => {
  test('interpolates linearly between the samples around the time', () => {
    const b = new PositionBuffer();
    b.push(0, 0, 0);
    b.push(50, 10, -4);
    const out = { x: NaN, y: NaN };
    expect(b.sample(25, out)).toBe(true);
    expect(out).toEqual({ x: 5, y: -2 });
    b.sample(-10, out);
    expect(out).toEqual({ x: 0, y: 0 }); // before the oldest: clamped
  });

  test('an empty buffer samples nothing', () => {
    const out = { x: 1, y: 2 };
    expect(new PositionBuffer().sample(0, out)).toBe(false);
    expect(out).toEqual({ x: 1, y: 2 });
  });

  test('extrapolates past the newest sample by at most maxExtrapolateMs', () => {
    const b = new PositionBuffer({ maxExtrapolateMs: 100 });
    b.push(0, 0, 0);
    b.push(50, 5, 0);
    const out = { x: 0, y: 0 };
    b.sample(100, out);
    expect(out.x).toBeCloseTo(10);
    b.sample(10_000, out); // far beyond the cap: holds at newest + 100 ms of motion
    expect(out.x).toBeCloseTo(15);
  });

  test('holds an entity where a stopped sample puts it: no extrapolation past its stop', () => {
    const b = new PositionBuffer({ maxExtrapolateMs: 100 });
    b.push(0, 0, 0);
    // The walk's last step is also its stop (a server-side walk_to): moved 5, then stands.
    b.push(50, 5, 0, true);
    const out = { x: 0, y: 0 };
    b.sample(25, out);
    expect(out.x).toBeCloseTo(2.5); // between the samples, still interpolated
    b.sample(100, out);
    expect(out.x).toBe(5);
    b.sample(10_000, out);
    expect(out.x).toBe(5);
    // Walking again: extrapolation is back.
    b.push(100, 6, 0);
    b.sample(150, out);
    expect(out.x).toBeCloseTo(7);
  });

  test('keeps only `capacity` samples: older ones are forgotten', () => {
    const b = new PositionBuffer({ capacity: 3 });
    for (let i = 0; i < 10; i++) b.push(i * 50, i, 0);
    expect(b.size).toBe(3);
    const out = { x: 0, y: 0 };
    b.sample(0, out); // long before the oldest kept (t = 350): clamped to it
    expect(out.x).toBe(7);
  });

  test('rejects a capacity below 2', () => {
    expect(() => new PositionBuffer({ capacity: 1 })).toThrow(RangeError);
  });

  test('ignores samples older than the newest; a sample at the same time replaces it', () => {
    const b = new PositionBuffer();
    b.push(100, 1, 1);
    b.push(50, 9, 9);
    b.push(100, 2, 2);
    const out = { x: 0, y: 0 };
    b.sample(100, out);
    expect(out).toEqual({ x: 2, y: 2 });
    expect(b.size).toBe(1);
  });

  test('property: a sample inside the held span lies between the two samples around it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 100 }),
            fc.double({ min: -1e4, max: 1e4, noNaN: true }),
            fc.double({ min: -1e4, max: 1e4, noNaN: true }),
          ),
          {
            minLength: 2,
            maxLength: 20,
          },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (steps, f) => {
          const b = new PositionBuffer({ capacity: 32 });
          let t = 0;
          const samples: [number, number, number][] = [];
          for (const [dt, x, y] of steps) {
            t += dt;
            b.push(t, x, y);
            samples.push([t, x, y]);
          }
          const t0 = samples[0]![0];
          const at = t0 + (t - t0) * f;
          const out = { x: 0, y: 0 };
          b.sample(at, out);
          const i = samples.findIndex((s) => s[0] >= at);
          const hi = samples[i]!;
          const lo = samples[Math.max(0, i - 1)]!;
          const eps = 1e-6;
          expect(out.x).toBeGreaterThanOrEqual(Math.min(lo[1], hi[1]) - eps);
          expect(out.x).toBeLessThanOrEqual(Math.max(lo[1], hi[1]) + eps);
          expect(out.y).toBeGreaterThanOrEqual(Math.min(lo[2], hi[2]) - eps);
          expect(out.y).toBeLessThanOrEqual(Math.max(lo[2], hi[2]) + eps);
        },
      ),
    );
  });
});

describe('ServerClock', () => {
  test('tracks the least delayed arrival and drifts slowly toward later ones', () => {
    const c = new ServerClock(50);
    expect(c.synced).toBe(false);
    c.observe(10, 1000); // server 500 ms at local 1000
    expect(c.now(1000)).toBe(500);
    c.observe(11, 1040); // earlier than expected (10 ms less delay): adopted at once
    expect(c.now(1040)).toBe(550);
    c.observe(12, 1200); // 100 ms late: moves only 2% of the way
    expect(c.now(1200)).toBeGreaterThan(1200 + (550 - 1040) - 3);
  });

  test('reads the tick period at every observation (it may be refined)', () => {
    let tickMs = 50;
    const c = new ServerClock(() => tickMs);
    c.observe(10, 0);
    expect(c.now(0)).toBe(500);
    tickMs = 20;
    c.observe(100, 0);
    expect(c.now(0)).toBe(2000);
  });
});
