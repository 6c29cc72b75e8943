import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, HISTOGRAM_BUCKETS } from '../src/histogram';
import { percentile } from '../src/percentile';

describe('LatencyHistogram', () => {
  it('is exact below 128 µs and for min, max and mean', () => {
    const h = createLatencyHistogram();
    for (const v of [0.001, 0.05, 0.1, 0.127]) h.record(v);
    expect(h.count).toBe(4);
    expect(h.percentile(0.25)).toBeCloseTo(0.001, 6);
    expect(h.percentile(0.5)).toBeCloseTo(0.05, 6);
    expect(h.percentile(1)).toBeCloseTo(0.127, 6);
    expect(h.maxMs).toBe(0.127);
    expect(h.minMs).toBe(0.001);
    expect(h.meanMs).toBeCloseTo((0.001 + 0.05 + 0.1 + 0.127) / 4, 9);
  });

  it('reports zeros when empty and rejects quantiles outside 0..1', () => {
    const h = createLatencyHistogram();
    expect(h.summary()).toEqual({ count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 });
    expect(() => h.percentile(1.5)).toThrow(RangeError);
    expect(() => h.percentile(-0.1)).toThrow(RangeError);
  });

  it('counts negative and NaN values as zero and clamps huge ones into the last bucket', () => {
    const h = createLatencyHistogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(1e12);
    expect(h.count).toBe(3);
    expect(h.percentile(0.5)).toBe(0);
    expect(h.toData().buckets.every((b, i) => i % 2 === 1 || b < HISTOGRAM_BUCKETS)).toBe(true);
  });

  it('any percentile is within 1 % of the exact nearest-rank percentile (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const h = createLatencyHistogram();
          for (const v of values) h.record(v);
          const exact = percentile(values, q);
          const approx = h.percentile(q);
          // Recording rounds to whole µs, then buckets are 1/128 wide: allow both.
          expect(Math.abs(approx - exact)).toBeLessThanOrEqual(exact * 0.01 + 0.001);
        },
      ),
    );
  });

  it('merging histograms equals recording everything in one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { maxLength: 50 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (parts) => {
          const whole = createLatencyHistogram();
          const merged = createLatencyHistogram();
          for (const part of parts) {
            const h = createLatencyHistogram();
            for (const v of part) {
              h.record(v);
              whole.record(v);
            }
            // Through the serialised form, as workers ship it.
            merged.merge(JSON.parse(JSON.stringify(h.toData())));
          }
          expect(merged.count).toBe(whole.count);
          for (const q of [0, 0.5, 0.9, 0.99, 1]) expect(merged.percentile(q)).toBe(whole.percentile(q));
          expect(merged.maxMs).toBe(whole.maxMs);
          expect(merged.meanMs).toBeCloseTo(whole.meanMs, 6);
        },
      ),
    );
  });

  it('reset empties it', () => {
    const h = createLatencyHistogram();
    h.record(10);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.percentile(0.99)).toBe(0);
    expect(h.toData().buckets).toEqual([]);
  });
});

describe('percentile', () => {
  it('is nearest rank', () => {
    expect(percentile([5, 1, 3], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('returns a value at or above at least q of the values (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const p = percentile(values, q);
          expect(values).toContain(p);
          expect(values.filter((v) => v <= p).length).toBeGreaterThanOrEqual(Math.ceil(q * values.length));
          expect(values.filter((v) => v < p).length).toBeLessThan(Math.max(1, Math.ceil(q * values.length)));
        },
      ),
    );
  });
});
