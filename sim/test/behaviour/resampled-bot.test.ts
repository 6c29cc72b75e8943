import { describe, expect, it } from 'vitest';
import { ResampledBot, perturbResampledBotParams } from '../../src/behaviour/resampled-bot';
import { TraceLibrary, type Trace } from '../../src/behaviour/trace-library';
import { runTiers, type TierRun } from './tier-run';

/** Gaps between one player's successive steering moves while walking, ms, as the server logged them. */
function moveGaps(run: TierRun, identity: string): number[] {
  const out: number[] = [];
  let last = Number.NaN;
  for (const c of run.calls.get(identity) ?? []) {
    if (c.reducer !== 'move') continue;
    const walking = c.args['dx'] !== 0 || c.args['dy'] !== 0;
    if (walking && !Number.isNaN(last)) out.push(c.atMs - last);
    last = walking ? c.atMs : Number.NaN;
  }
  return out;
}

/** Two-sample Kolmogorov-Smirnov distance. */
function ks(a: readonly number[], b: readonly number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** A delay as a bot woken on a 50 ms tick grid turns it into a gap between calls. */
const onTicks = (ms: number) => Math.ceil(Math.max(50, ms) / 50) * 50;

const STEER_MS = [250, 700, 1450];

/** A recorded library whose steering intervals take only three values, so each gap says where it came from. */
function markedLibrary(): Trace[] {
  const lib = new TraceLibrary();
  for (let h = 0; h < 3; h++) {
    const t = lib.record();
    for (let i = 0; i < 40; i++) {
      t.reaction.push(333);
      t.think.push(900);
      t.steer.push(STEER_MS[(i + h) % 3]!);
      t.heading.push(i % 2 === 0 ? 0.05 : -0.05);
      t.idle.push(0);
      t.break.push(60_000);
      t.play.push(3_600_000);
    }
  }
  return lib.usable();
}

describe('resampled bot', () => {
  it('walks with exactly the steering intervals of the recorded streams, not a formula', async () => {
    const run = await runTiers({
      mix: { human: 2, resampled: 4, jittered: 2 },
      seed: 'resampled-marked',
      minutes: 2,
      joinWindowMs: 5_000,
      world: { worldTiles: 512 },
      traces: markedLibrary(),
      tierParams: { resampled: { jitter: 0 } },
    });
    const share = (tier: 'resampled' | 'jittered') => {
      const gaps = run.identities(tier).flatMap((id) => moveGaps(run, id));
      return { n: gaps.length, marked: gaps.filter((g) => STEER_MS.includes(g)).length / gaps.length, gaps };
    };
    const resampled = share('resampled');
    const jittered = share('jittered');
    expect(resampled.n).toBeGreaterThan(100);
    // The rest are arrivals (noticed a resampled reaction late) and detours around obstacles.
    expect(resampled.marked).toBeGreaterThan(0.6);
    for (const v of STEER_MS) expect(resampled.gaps.filter((g) => g === v).length).toBeGreaterThan(10);
    expect(jittered.n).toBeGreaterThan(100);
    expect(jittered.marked).toBeLessThan(0.2);
  }, 120_000);

  it('copies its source human, recorded in the same run, more closely than the other humans on average', async () => {
    const library = new TraceLibrary();
    const run = await runTiers({
      mix: { human: 10, resampled: 4 },
      seed: 'resampled-live',
      minutes: 4,
      joinWindowMs: 5_000,
      world: { worldTiles: 512 },
      recordTo: library,
      tierParams: { resampled: { sourceHumans: 1, jitter: 0 } },
    });
    expect(library.size).toBe(10);
    const toSources: number[] = [];
    const toOthersAll: number[] = [];
    const bots = run.result.members.filter((m) => m.agent instanceof ResampledBot);
    for (const m of bots) {
      const style = (m.agent as ResampledBot).resampledStyle;
      expect(style.sources).toHaveLength(1);
      const source = style.sources[0]!;
      expect(library.traces).toContain(source);
      const gaps = moveGaps(run, m.identity);
      expect(gaps.length).toBeGreaterThan(50);
      const toSource = ks(gaps, source.steer.map(onTicks));
      const toOthers = library.traces
        .filter((t) => t !== source && t.steer.length > 50)
        .map((t) => ks(gaps, t.steer.map(onTicks)));
      expect(toOthers.length).toBeGreaterThan(3);
      toSources.push(toSource);
      toOthersAll.push(...toOthers);
      // Close to its source: within sampling noise plus the arrivals and detours (about 0.25).
      expect(toSource).toBeLessThan(0.3);
    }
    // Some humans steer much like others, so the source is not always the single closest; on
    // average it is clearly closer than the rest.
    const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(toSources)).toBeLessThan(0.75 * mean(toOthersAll));
  }, 120_000);

  it('draws variants that stay in range', () => {
    for (const seed of ['a', 'b', 'c', 'd']) {
      const p = perturbResampledBotParams(seed);
      expect(Number.isInteger(p.sourceHumans)).toBe(true);
      expect(p.sourceHumans).toBeGreaterThanOrEqual(1);
      expect(p.jitter).toBeGreaterThanOrEqual(0);
      expect(p.jitter).toBeLessThanOrEqual(0.3);
    }
    expect(perturbResampledBotParams('a')).toEqual(perturbResampledBotParams('a'));
  });
});
