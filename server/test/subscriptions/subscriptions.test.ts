import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QUERY_KINDS } from '../../src/engine/subscriptions/query-builder';
import { queryKindOf, WIRE_QUERY_KINDS } from '../../src/protocol';
import { crowdScenario, MODEL_CASES, queryArb, run, scenario } from './model';

describe('subscriptions', () => {
  it('has an engine half and a brute-force model case for every registered query kind, and the scenarios draw each', () => {
    const names = WIRE_QUERY_KINDS.map((k) => k.name).sort();
    expect(Object.keys(QUERY_KINDS).sort()).toEqual(names);
    expect(Object.keys(MODEL_CASES).sort()).toEqual(names);
    for (const k of WIRE_QUERY_KINDS) expect(QUERY_KINDS[k.name].wire).toBe(k);
    const drawn = new Set(fc.sample(queryArb, { numRuns: 400, seed: 1 }).map((q) => queryKindOf(q).name));
    expect([...drawn].sort()).toEqual(names);
  });

  it('keeps every client cache equal to a brute-force evaluation of its queries after every tick', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        run(s);
      }),
      { numRuns: 250 },
    );
  });

  it('keeps caches exact in a crowd walking small steps around circles, where most rows are settled by distance alone', () => {
    fc.assert(
      fc.property(crowdScenario, (s) => {
        run(s);
      }),
      { numRuns: 200 },
    );
  });

  it('gives a client whose buffer was over the high watermark the net change once it drains, never a wrong state', () => {
    let total = 0;
    const stalls = fc.array(fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), {
      minLength: 3,
      maxLength: 3,
    });
    fc.assert(
      fc.property(scenario, stalls, (s, stall) => {
        // Over the watermark (1000) when stalled, under the low watermark (100) otherwise.
        const congestedTicks = run(s, {
          highWatermarkBytes: 1000,
          lowWatermarkBytes: 100,
          buffered: (c, t) => (t < 12 && stall[c % 3]![t]! ? 5000 : 0),
        });
        total += congestedTicks;
      }),
      { numRuns: 150 },
    );
    // The property exercised coalescing, not just the happy path.
    expect(total).toBeGreaterThan(50);
  });
});
