import { describe, expect, it } from 'vitest';
import {
  crossValidatedThreshold,
  figuresAt,
  IMITABLE_FEATURES,
  train,
  withImitators,
  type Sample,
} from '../../src/trial/evaluate';
import { DETECTOR_FEATURE_NAMES } from '../../src/detect/population-features';
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

  it("shows every training bot again as an imitator with a human's imitable features", () => {
    const d = DETECTOR_FEATURE_NAMES.length;
    const chat = DETECTOR_FEATURE_NAMES.indexOf('chat_per_hour');
    const share = DETECTOR_FEATURE_NAMES.indexOf('top_action_share');
    const rows: Sample[] = [];
    for (let i = 0; i < 5; i++)
      rows.push({ identity: `h${i}`, tier: 'human', x: new Float64Array(d).fill(10 + i) });
    for (let i = 0; i < 3; i++)
      rows.push({ identity: `b${i}`, tier: 'naive', x: new Float64Array(d).fill(-1 - i) });
    const out = withImitators(rows);
    expect(out.slice(0, rows.length)).toEqual(rows);
    const imitators = out.slice(rows.length);
    expect(imitators.map((s) => s.identity)).toEqual(['b0~imitator', 'b1~imitator', 'b2~imitator']);
    const humanValues = new Set(rows.filter((s) => s.tier === 'human').map((s) => s.x[0]!));
    imitators.forEach((m, k) => {
      expect(m.tier).toBe('naive');
      // The cheap features are some human's; the rest stay the bot's own.
      expect(humanValues.has(m.x[chat]!)).toBe(true);
      for (const name of IMITABLE_FEATURES) expect(m.x[DETECTOR_FEATURE_NAMES.indexOf(name)]).toBe(m.x[chat]);
      expect(m.x[share]).toBe(-1 - k);
    });
    // The originals are untouched.
    expect(rows[5]!.x[chat]).toBe(-1);
  });
});
