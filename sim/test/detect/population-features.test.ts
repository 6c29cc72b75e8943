import { describe, expect, it } from 'vitest';
import { STREAM_EVENT, StreamSet } from '../../src/detect/action-stream';
import { extractFeatures, FEATURE_NAMES } from '../../src/detect/features';
import {
  DETECTOR_FEATURE_NAMES,
  extractBatchFeatures,
  jensenShannon,
  POPULATION_FEATURE_NAMES,
  type DetectorFeatureName,
} from '../../src/detect/population-features';

/**
 * Each population feature on constructed streams: a batch where only that feature's input differs
 * between identities, so the feature must answer to its own input (and the test dies if it reads
 * the wrong one).
 */

const f = (x: Float64Array | undefined, name: DetectorFeatureName) =>
  x![DETECTOR_FEATURE_NAMES.indexOf(name)]!;

/** A mulberry32 generator: constructed streams are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A player that gathers on the given intervals (ms) from time `t0`, standing at (x, y). */
function player(
  set: StreamSet,
  id: string,
  intervals: readonly number[],
  o: { t0?: number; x?: number; y?: number; name?: string; ok?: boolean } = {},
): number {
  let t = o.t0 ?? 0;
  set.push(id, { type: STREAM_EVENT.SESSION_START, timeMs: t });
  for (const d of intervals) {
    t += d;
    set.push(id, {
      type: STREAM_EVENT.CALL,
      timeMs: t,
      name: o.name ?? 'gather',
      ok: o.ok ?? true,
      x: o.x ?? 0,
      y: o.y ?? 0,
    });
  }
  return t;
}

const logNormal = (r: () => number, medianMs: number, sigma: number) => {
  // Box-Muller
  const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return medianMs * Math.exp(sigma * z);
};

function trade(set: StreamSet, t: number, a: string, b: string, fromA: number, fromB: number): void {
  set.push(a, { type: STREAM_EVENT.TRADE, timeMs: t, partner: b, given: fromA, received: fromB });
  set.push(b, { type: STREAM_EVENT.TRADE, timeMs: t, partner: a, given: fromB, received: fromA });
}

describe('population features', () => {
  it('puts the stream features first, unchanged, and the population features after them', () => {
    const set = new StreamSet();
    const r = rng(1);
    for (let i = 0; i < 4; i++)
      player(
        set,
        `p${i}`,
        Array.from({ length: 60 }, () => logNormal(r, 800, 0.6)),
      );
    const batch = extractBatchFeatures(set.iter());
    expect(DETECTOR_FEATURE_NAMES.length).toBe(FEATURE_NAMES.length + POPULATION_FEATURE_NAMES.length);
    for (const s of set.iter())
      expect([...batch.get(s.identity)!.subarray(0, FEATURE_NAMES.length)]).toEqual([...extractFeatures(s)]);
  });

  it('trade graph: direction, one-way givers, the star a giver feeds, partner concentration', () => {
    const set = new StreamSet();
    for (const id of ['g1', 'g2', 'g3', 'recv', 'h1', 'h2', 'h3', 'h4', 'h5'])
      set.push(id, { type: STREAM_EVENT.SESSION_START, timeMs: 0 });
    // A human who swaps both ways with the receiver feeds no star.
    trade(set, 5_000, 'h5', 'recv', 2, 3);
    // A farm ring: three accounts give to one and get nothing back.
    trade(set, 1_000, 'g1', 'recv', 10, 0);
    trade(set, 2_000, 'g2', 'recv', 8, 0);
    trade(set, 3_000, 'g3', 'recv', 12, 0);
    trade(set, 4_000, 'g1', 'recv', 10, 0);
    // Humans swap both ways, with several partners.
    trade(set, 1_500, 'h1', 'h2', 3, 2);
    trade(set, 2_500, 'h1', 'h3', 1, 4);
    trade(set, 3_500, 'h1', 'h4', 2, 2);
    for (const id of ['g1', 'g2', 'g3', 'recv', 'h1', 'h2', 'h3', 'h4', 'h5'])
      set.push(id, { type: STREAM_EVENT.CALL, timeMs: 60_000, name: 'gather' });
    const x = extractBatchFeatures(set.iter());
    expect(f(x.get('g1'), 'trade_give_share')).toBe(1);
    expect(f(x.get('recv'), 'trade_give_share')).toBeCloseTo(3 / 45, 12);
    expect(f(x.get('h1'), 'trade_give_share')).toBeCloseTo(6 / 14, 12);
    expect(f(x.get('recv'), 'trade_oneway_givers')).toBe(3);
    expect(f(x.get('h1'), 'trade_oneway_givers')).toBe(0);
    expect(f(x.get('g1'), 'trade_oneway_givers')).toBe(0);
    expect(f(x.get('g2'), 'trade_partner_star')).toBe(3);
    expect(f(x.get('h2'), 'trade_partner_star')).toBe(0);
    expect(f(x.get('recv'), 'trade_partner_star')).toBe(0);
    expect(f(x.get('h5'), 'trade_partner_star')).toBe(0);
    expect(f(x.get('g1'), 'trade_top_partner_share')).toBe(1);
    expect(f(x.get('recv'), 'trade_top_partner_share')).toBe(0.4);
    expect(f(x.get('h1'), 'trade_top_partner_share')).toBeCloseTo(1 / 3, 12);
    expect(f(x.get('h2'), 'trade_top_partner_share')).toBeNaN(); // one trade: no concentration to measure
  });

  it('productivity: gather and craft rates as percentiles of the batch, output as a z-score', () => {
    const set = new StreamSet();
    // Five gatherers over 5 minutes at 2, 4, 6, 8 and 10 gathers a minute; failed gathers do not count.
    for (let k = 1; k <= 5; k++) {
      const n = 10 * k;
      player(
        set,
        `g${k}`,
        Array.from({ length: n }, () => 300_000 / n),
      );
    }
    player(
      set,
      'failing',
      Array.from({ length: 50 }, () => 6_000),
      { ok: false },
    );
    player(
      set,
      'crafter',
      Array.from({ length: 20 }, () => 15_000),
      { name: 'craft' },
    );
    for (let k = 1; k <= 3; k++)
      player(
        set,
        `c${k}`,
        Array.from({ length: 5 * k }, () => 300_000 / (5 * k)),
        { name: 'craft' },
      );
    const x = extractBatchFeatures(set.iter());
    expect(f(x.get('g1'), 'gather_rate_pct')).toBeCloseTo(0.1, 12);
    expect(f(x.get('g3'), 'gather_rate_pct')).toBeCloseTo(0.5, 12);
    expect(f(x.get('g5'), 'gather_rate_pct')).toBeCloseTo(0.9, 12);
    expect(f(x.get('failing'), 'gather_rate_pct')).toBeNaN();
    expect(f(x.get('crafter'), 'gather_rate_pct')).toBeNaN();
    // Crafts a minute: c1 1, c2 2, c3 3, crafter 4: the crafter is on top of the crafting crowd.
    expect(f(x.get('crafter'), 'craft_rate_pct')).toBeCloseTo(0.875, 12);
    expect(f(x.get('c1'), 'craft_rate_pct')).toBeCloseTo(0.125, 12);
    expect(f(x.get('g5'), 'output_rate_z')).toBeGreaterThan(1);
    expect(f(x.get('failing'), 'output_rate_z')).toBeLessThan(-1);
    expect(f(x.get('g5'), 'output_rate_z')).toBeGreaterThan(f(x.get('g4'), 'output_rate_z'));
  });

  it('timing against the crowd: a copy of one human is nearest to it, a resampler of the crowd is typical', () => {
    const set = new StreamSet();
    const r = rng(7);
    // Six humans, each with their own median and spread.
    const humans: number[][] = [];
    for (let h = 0; h < 6; h++) {
      const median = 300 * 2 ** h;
      const list = Array.from({ length: 200 }, () => logNormal(r, median, 0.35));
      humans.push(list);
      player(set, `h${h}`, list);
    }
    // A replayer of h2's intervals, in another order; a resampler drawing from every human at once.
    player(set, 'copy', [...humans[2]!].reverse());
    player(
      set,
      'pooled',
      Array.from({ length: 200 }, (_, i) => humans[i % 6]![Math.floor(r() * 200)]!),
    );
    // A fixed timer.
    player(
      set,
      'timer',
      Array.from({ length: 200 }, () => 1_000),
    );
    const x = extractBatchFeatures(set.iter());
    expect(f(x.get('copy'), 'interval_js_nearest')).toBe(0);
    expect(f(x.get('h2'), 'interval_js_nearest')).toBe(0); // its copy is in the batch
    expect(f(x.get('h4'), 'interval_js_nearest')).toBeGreaterThan(0.1);
    expect(f(x.get('pooled'), 'interval_js_population')).toBeLessThan(
      Math.min(...[0, 1, 3, 4, 5].map((h) => f(x.get(`h${h}`), 'interval_js_population'))),
    );
    expect(f(x.get('timer'), 'interval_js_population')).toBeGreaterThan(
      f(x.get('h3'), 'interval_js_population'),
    );
    expect(jensenShannon(new Float64Array([1, 0]), new Float64Array([0, 1]))).toBeCloseTo(1, 12);
  });

  it('compares an identity with the crowd without itself in it', () => {
    // One fixed timer among three humans with short intervals: with itself in the crowd's
    // histogram, the timer would sit a quarter of the way to its own spike.
    const set = new StreamSet();
    const r = rng(5);
    for (let h = 0; h < 3; h++)
      player(
        set,
        `h${h}`,
        Array.from({ length: 200 }, () => logNormal(r, 40, 0.1)),
      );
    player(
      set,
      'timer',
      Array.from({ length: 200 }, () => 1_000),
    );
    const x = extractBatchFeatures(set.iter());
    expect(f(x.get('timer'), 'interval_js_population')).toBeGreaterThan(0.8);
  });

  it('reaction timing against the crowd, from update-to-call latencies', () => {
    const set = new StreamSet();
    const r = rng(3);
    const react = (id: string, latencies: readonly number[], gapMs = 2_000) => {
      let t = 0;
      set.push(id, { type: STREAM_EVENT.SESSION_START, timeMs: 0 });
      for (const l of latencies) {
        t += gapMs;
        set.push(id, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'action_end' });
        set.push(id, { type: STREAM_EVENT.CALL, timeMs: t + l, name: 'gather' });
        t += l;
      }
    };
    const base: number[][] = [];
    for (let h = 0; h < 5; h++) {
      const list = Array.from({ length: 60 }, () => logNormal(r, 250 * 1.6 ** h, 0.3));
      base.push(list);
      react(`h${h}`, list);
    }
    react('copy', base[1]!, 7_000); // the same reactions, other intervals between calls
    react(
      'instant',
      Array.from({ length: 60 }, () => 50),
    );
    const x = extractBatchFeatures(set.iter());
    expect(f(x.get('copy'), 'reaction_js_nearest')).toBe(0);
    expect(f(x.get('h3'), 'reaction_js_nearest')).toBeGreaterThan(0.05);
    expect(f(x.get('instant'), 'reaction_js_population')).toBeGreaterThan(
      f(x.get('h2'), 'reaction_js_population'),
    );
    // The intervals between calls are not reactions: the interval features see other values.
    expect(f(x.get('copy'), 'interval_js_nearest')).not.toBe(f(x.get('copy'), 'reaction_js_nearest'));
  });

  it('cross-account: moving together, logging in together, acting together', () => {
    const set = new StreamSet();
    const r = rng(11);
    // Two accounts of one script walk the same route side by side; a third walks alone far off.
    for (const [id, off] of [
      ['a', 0],
      ['b', 1.5],
      ['loner', 500],
    ] as const) {
      set.push(id, { type: STREAM_EVENT.SESSION_START, timeMs: 0 });
      for (let k = 1; k <= 60; k++)
        set.push(id, { type: STREAM_EVENT.POSITION, timeMs: k * 10_000, x: k * 3 + off, y: off });
    }
    const x = extractBatchFeatures(set.iter());
    expect(f(x.get('a'), 'co_location_max')).toBe(1);
    expect(f(x.get('b'), 'co_location_max')).toBe(1);
    expect(f(x.get('loner'), 'co_location_max')).toBe(0);

    // Sessions: s1 and s2 log off and on within seconds of each other; s3 at its own times.
    const sessions = new StreamSet();
    const marks = (id: string, starts: readonly number[], shift: number) => {
      for (const s of starts) {
        sessions.push(id, { type: STREAM_EVENT.SESSION_START, timeMs: s + shift });
        sessions.push(id, { type: STREAM_EVENT.CALL, timeMs: s + shift + 1_000, name: 'gather' });
        sessions.push(id, { type: STREAM_EVENT.SESSION_END, timeMs: s + shift + 600_000 });
      }
    };
    marks('s1', [0, 1_800_000, 3_600_000], 0);
    marks('s2', [0, 1_800_000, 3_600_000], 4_000);
    marks('s3', [200_000, 2_500_000, 5_000_000], 0);
    const xs = extractBatchFeatures(sessions.iter());
    expect(f(xs.get('s1'), 'session_sync_max')).toBe(1);
    expect(f(xs.get('s3'), 'session_sync_max')).toBe(0);

    // Actions: c1 and c2 burst in the same 30 s bins; c3 bursts at its own times; c4 is steady.
    const acts = new StreamSet();
    const bursts = Array.from({ length: 40 }, () => (r() < 0.4 ? 8 : 1));
    const own = Array.from({ length: 40 }, () => (r() < 0.4 ? 8 : 1));
    const act = (id: string, perBin: readonly number[]) => {
      acts.push(id, { type: STREAM_EVENT.SESSION_START, timeMs: 0 });
      perBin.forEach((n, bin) => {
        for (let k = 0; k < n; k++)
          acts.push(id, {
            type: STREAM_EVENT.CALL,
            timeMs: bin * 30_000 + 1 + k * (29_000 / n),
            name: 'gather',
          });
      });
    };
    act('c1', bursts);
    act('c2', bursts);
    act('c3', own);
    act(
      'c4',
      Array.from({ length: 40 }, (_, i) => 3 + (i % 2)),
    );
    const xa = extractBatchFeatures(acts.iter());
    expect(f(xa.get('c1'), 'action_corr_max')).toBeGreaterThan(0.95);
    expect(f(xa.get('c3'), 'action_corr_max')).toBeLessThan(0.6);

    // The world's shared rhythm (everyone busier in the same bins) is not a correlation between
    // two accounts: six players on one pattern, each with their own noise on top.
    const crowd = new StreamSet();
    const pattern = Array.from({ length: 40 }, () => 1 + Math.floor(r() * 8));
    for (let p = 0; p < 6; p++) {
      const perBin = pattern.map((n) => n + Math.floor(r() * 3));
      crowd.push(`n${p}`, { type: STREAM_EVENT.SESSION_START, timeMs: 0 });
      perBin.forEach((n, bin) => {
        for (let k = 0; k < n; k++)
          crowd.push(`n${p}`, {
            type: STREAM_EVENT.CALL,
            timeMs: bin * 30_000 + 1 + k * (29_000 / n),
            name: 'gather',
          });
      });
    }
    const xc = extractBatchFeatures(crowd.iter());
    expect(f(xc.get('n0'), 'action_corr_max')).toBeLessThan(0.6);
  });

  it('an identity alone has no population: its population features are NaN or empty-graph zeros', () => {
    const set = new StreamSet();
    player(
      set,
      'solo',
      Array.from({ length: 100 }, () => 700),
    );
    const x = extractBatchFeatures(set.iter()).get('solo')!;
    for (const name of POPULATION_FEATURE_NAMES) {
      const v = f(x, name);
      if (name === 'trade_oneway_givers' || name === 'trade_partner_star') expect(v).toBe(0);
      else expect(v).toBeNaN();
    }
  });

  it('honours untilPlayMs: trades after the window do not count', () => {
    const set = new StreamSet();
    for (const id of ['g', 'r']) set.push(id, { type: STREAM_EVENT.SESSION_START, timeMs: 0 });
    trade(set, 30_000, 'g', 'r', 5, 0);
    trade(set, 200_000, 'r', 'g', 5, 0);
    for (const id of ['g', 'r']) set.push(id, { type: STREAM_EVENT.CALL, timeMs: 300_000, name: 'gather' });
    expect(f(extractBatchFeatures(set.iter(), { untilPlayMs: 60_000 }).get('g'), 'trade_give_share')).toBe(1);
    expect(f(extractBatchFeatures(set.iter()).get('g'), 'trade_give_share')).toBe(0.5);
  });
});
