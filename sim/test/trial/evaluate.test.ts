import { describe, expect, it } from 'vitest';
import { crossValidatedThreshold, figuresAt, train, type Sample } from '../../src/trial/evaluate';
import { createRng } from '../../src/random';
import { verdictsByTier } from '../../src/trial/live-verdicts';

/** Synthetic samples: bots of a tier differ from humans by `shift` in feature 0. */
function samples(seed: string, humans: number, bots: number, shift: number): Sample[] {
  const rng = createRng(seed);
  const out: Sample[] = [];
  for (let i = 0; i < humans; i++)
    out.push({
      identity: `h${i}`,
      tier: 'human',
      x: Float64Array.from([rng.normal(0, 1), rng.normal(0, 1)]),
    });
  for (let i = 0; i < bots; i++)
    out.push({
      identity: `b${i}`,
      tier: 'jittered',
      x: Float64Array.from([rng.normal(shift, 1), rng.normal(0, 1)]),
    });
  return out;
}

describe('trial figures', () => {
  it('follow the data: a bigger gap between bots and humans gives a higher AUC', () => {
    const auc = (shift: number) => {
      const fit = samples(`train${shift}`, 300, 100, shift);
      const test = samples(`test${shift}`, 300, 100, shift);
      const model = train('lr', fit);
      return figuresAt(5, model, crossValidatedThreshold('lr', fit, 0.01), test, ['jittered'], new Set())
        .tiers[0]!.auc;
    };
    const a = auc(0.5);
    const b = auc(1.5);
    const c = auc(4);
    expect(a).toBeGreaterThan(0.55);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
    expect(c).toBeGreaterThan(0.99);
  });

  it('keeps the held-out humans near the false-positive budget of the threshold', () => {
    const fit = samples('fit', 1000, 200, 3);
    const test = samples('test', 1000, 200, 3);
    const model = train('gbt', fit);
    const f = figuresAt(
      5,
      model,
      crossValidatedThreshold('gbt', fit, 0.01),
      test,
      ['jittered'],
      new Set(['jittered']),
    );
    expect(f.humanFpr).toBeLessThan(0.03);
    expect(f.tiers[0]!.heldOut).toBe(true);
    expect(f.accuracy).toBeGreaterThan(0.9);
  });
});

describe('verdictsByTier', () => {
  it('counts scored and flagged identities per tier, leaving out identities without a verdict', () => {
    const verdict = (flagged: boolean) => ({
      score: flagged ? 0.9 : 0.1,
      flagged,
      playMinutes: 5,
      bucketMinutes: 5,
    });
    const members = [
      { identity: 'a', tier: 'human' },
      { identity: 'b', tier: 'human' },
      { identity: 'c', tier: 'naive' },
      { identity: 'd', tier: 'naive' },
      { identity: 'e', tier: 'replay' },
    ] as const;
    const verdicts = new Map([
      ['a', verdict(false)],
      ['b', verdict(true)],
      ['c', verdict(true)],
      ['d', verdict(true)],
    ]);
    const out = verdictsByTier(members, verdicts);
    expect([...out]).toEqual([
      ['human', { scored: 2, flagged: 1 }],
      ['naive', { scored: 2, flagged: 2 }],
    ]);
  });
});
