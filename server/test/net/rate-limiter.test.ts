import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/net/rate-limiter';

describe('RateLimiter', () => {
  it('takes one token per request and refills at the rate, up to the burst', () => {
    let now = 0;
    const bucket = new RateLimiter(2, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 500; // one token
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 60_000;
    expect(bucket.tokens).toBe(3);
  });

  it('takes a cost whole or not at all', () => {
    const bucket = new RateLimiter(0, 10, () => 0);
    expect(bucket.take(7)).toBe(true);
    expect(bucket.take(4)).toBe(false);
    expect(bucket.tokens).toBe(3);
    expect(bucket.take(3)).toBe(true);
    // An empty bucket refuses even a request of no cost: a debt cannot be bypassed.
    expect(bucket.take(0)).toBe(false);
  });

  it('admits a cost above the burst only when the bucket is full, leaving it in debt', () => {
    let now = 0;
    const bucket = new RateLimiter(10, 10, () => now);
    expect(bucket.take(1)).toBe(true);
    expect(bucket.take(25)).toBe(false);
    now += 100;
    expect(bucket.take(25)).toBe(true);
    expect(bucket.tokens).toBe(-15);
    now += 1_500;
    expect(bucket.take(1)).toBe(false);
    now += 100;
    expect(bucket.take(1)).toBe(true);
  });

  it('charges a forced cost whatever the bucket holds', () => {
    const bucket = new RateLimiter(0, 2, () => 0);
    bucket.charge(5);
    expect(bucket.tokens).toBe(-3);
    expect(bucket.take()).toBe(false);
  });
});
