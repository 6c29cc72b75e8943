import { describe, expect, it } from 'vitest';
import { STREAM_EVENT, StreamSet, type ActionStream, type StreamEvent } from '../../src/detect/action-stream';
import { extractFeatures, FEATURE_NAMES, type FeatureName } from '../../src/detect/features';

/**
 * Each feature is pinned to a value worked out by hand from a stream built to produce it, so a value
 * written under another feature's name (two features swapped) shows up as a wrong number. The committed
 * detector models read the vector by slot: a swap would silently change every score.
 */

// ---- plain statistics over literal lists, for the expected values ----------------------------------
const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sampleSd = (v: readonly number[]) =>
  Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));
const cv = (v: readonly number[]) => sampleSd(v) / mean(v);
/** Shannon entropy, bits, of a distribution given as counts. */
const bits = (...counts: number[]) => {
  const total = counts.reduce((s, c) => s + c, 0);
  return -counts.reduce((s, c) => s + (c / total) * Math.log2(c / total), 0);
};
const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);
const log10 = Math.log10;

function streamOf(events: StreamEvent[]): ActionStream {
  const s = new StreamSet().stream('p');
  for (const e of [...events].sort((a, b) => a.timeMs - b.timeMs)) s.push(e);
  return s;
}
const call = (timeMs: number, name: string, more: Partial<StreamEvent> = {}): StreamEvent => ({
  type: STREAM_EVENT.CALL,
  timeMs,
  name,
  ...more,
});
const start = (timeMs: number): StreamEvent => ({ type: STREAM_EVENT.SESSION_START, timeMs });
const end = (timeMs: number): StreamEvent => ({ type: STREAM_EVENT.SESSION_END, timeMs });

/**
 * Two timers interleaved: 'gather' every 3 s from 1 s, 'craft' every 3 s from 3 s, 60 each, so the
 * stream alternates 2 s and 1 s intervals (60 and 59 of them) while each action alone is perfectly regular.
 * Play is 180 s (3 min).
 */
function interleaved(): ActionStream {
  const events = [start(0)];
  for (let k = 0; k < 60; k++)
    events.push(call(1_000 + 3_000 * k, 'gather'), call(3_000 + 3_000 * k, 'craft'));
  return streamOf(events);
}
const alternating = [...repeat(60, 2_000), ...repeat(59, 1_000)];
// Per 120 s regularity window: 39 + 39 intervals, then 21 of 2 s and 20 of 1 s (the call at 180 s is in window 1).
const window0 = [...repeat(39, 2_000), ...repeat(39, 1_000)];
const window1 = [...repeat(21, 2_000), ...repeat(20, 1_000)];
// Per 60 s self-similarity window (the call at 180 s is in no whole window): (gather, craft) counts.
const perMinuteMix = [
  [20, 19],
  [20, 20],
  [20, 20],
];
const cosine = (a: number[], b: number[]) =>
  (a[0]! * b[0]! + a[1]! * b[1]!) / (Math.hypot(a[0]!, a[1]!) * Math.hypot(b[0]!, b[1]!));

/** Ten updates, each answered by a 'gather' after a known latency; updates 5 s apart. */
const LATENCIES = [100, 120, 150, 170, 300, 300, 400, 600, 800, 2_000];
const gatherIntervals = LATENCIES.slice(1).map((latency, i) => 5_000 + latency - LATENCIES[i]!);
function reactions(): ActionStream {
  const events = [start(0)];
  LATENCIES.forEach((latency, i) => {
    events.push(
      { type: STREAM_EVENT.UPDATE, timeMs: 1_000 + 5_000 * i, name: 'action_end' },
      call(1_000 + 5_000 * i + latency, 'gather'),
    );
  });
  return streamOf(events);
}

/**
 * Four walked legs (position samples 0.5 s apart, legs 5 s apart), ends rounded to a 2-unit grid:
 * 1. a unit zigzag E,N,E,N,E,N from (0,0) to (3,3): straightness 3*sqrt(2)/6, turns +90,-90,+90,-90,+90 degrees;
 * 2. east in steps 1,3,1,3 to (11,3): straight, three zero turns;
 * 3. west in steps 2,2,2,2 back to (3,3): straight, three zero turns, the end of leg 1 again;
 * 4. north in steps 3,3 to (3,9): straight, one zero turn.
 * Nine 'move' calls (or `steer` calls) head E,N,W,E,N,W,... from x = 0 in steps alternating 1 and 2;
 * three 'gather' calls.
 */
function walk(steer = 'move'): ActionStream {
  const legs: [number, number][][] = [
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [2, 1],
      [2, 2],
      [3, 2],
      [3, 3],
    ],
    [
      [3, 3],
      [4, 3],
      [7, 3],
      [8, 3],
      [11, 3],
    ],
    [
      [11, 3],
      [9, 3],
      [7, 3],
      [5, 3],
      [3, 3],
    ],
    [
      [3, 3],
      [3, 6],
      [3, 9],
    ],
  ];
  const events: StreamEvent[] = [start(0)];
  let t = 0;
  for (const leg of legs) {
    for (const [x, y] of leg) events.push({ type: STREAM_EVENT.POSITION, timeMs: (t += 500), x, y });
    t += 5_000;
  }
  const headings = [
    [1, 0],
    [0, 1],
    [-1, 0],
  ];
  let x = 0;
  for (let k = 0; k < 9; k++) {
    events.push(
      call(1_000 + 3_000 * k + 1, steer, { x, y: 0, dx: headings[k % 3]![0], dy: headings[k % 3]![1] }),
    );
    x += k % 2 === 0 ? 1 : 2;
  }
  for (let k = 0; k < 3; k++) events.push(call(2_000 + 3_000 * k + 1, 'gather'));
  return streamOf(events);
}
const legSteps = [...repeat(6, 1), 1, 3, 1, 3, 2, 2, 2, 2, 3, 3];
const straightness = [(3 * Math.SQRT2) / 6, 1, 1, 1];

/**
 * Two sessions, an hour apart, 120 s and 300 s long (7 min of play): chat, trades with three partners,
 * two refused calls, and two long pauses (60 s and 130 s).
 */
function sessions(): ActionStream {
  const h = 3_600_000;
  return streamOf([
    start(0),
    call(10_000, 'say'),
    call(20_000, 'trade_offer', { partner: 'p1', ok: false }),
    call(80_000, 'gather'),
    call(90_000, 'trade_accept', { partner: 'p2' }),
    end(120_000),
    start(h),
    call(h + 30_000, 'say'),
    call(h + 40_000, 'gather', { ok: false }),
    call(h + 45_000, 'trade_offer', { partner: 'p1' }),
    call(h + 50_000, 'trade_cancel', { partner: 'p3' }),
    call(h + 180_000, 'say'),
    end(h + 300_000),
  ]);
}
const sessionIntervals = [10_000, 60_000, 10_000, 10_000, 5_000, 5_000, 130_000];
// Calls per minute of play: at 10, 20 | 80, 90 | 150, 160, 165, 170 | - | - | 300 | - seconds.
const sessionMinutes = [2, 2, 4, 0, 0, 1, 0];
const sessionHours = 7 / 60;

/** 'gather' every 10 s for the first 300 s of play, 'craft' every 10 s for the next 300 s. */
function shiftingMix(): ActionStream {
  const events = [start(0)];
  for (let k = 0; k < 30; k++)
    events.push(call(5_000 + 10_000 * k, 'gather'), call(305_000 + 10_000 * k, 'craft'));
  events.push(end(600_000));
  return streamOf(events);
}

/** An expected value: a number (NaN included) to 9 digits, or an interval for values a closed form would only obscure. */
type Expected = number | { readonly above?: number; readonly below?: number };
const matches = (e: Expected, v: number) =>
  typeof e === 'number'
    ? Number.isNaN(e)
      ? Number.isNaN(v)
      : Math.abs(v - e) < 5e-10 * Math.max(1, Math.abs(e))
    : !Number.isNaN(v) && v > (e.above ?? -Infinity) && v < (e.below ?? Infinity);

const CASES: {
  name: string;
  stream: () => ActionStream;
  expected: Partial<Record<FeatureName, Expected>>;
}[] = [
  {
    name: 'two interleaved timers',
    stream: interleaved,
    expected: {
      play_minutes: 3,
      calls_per_min: 40,
      log_interval_mean: mean(alternating.map(log10)),
      log_interval_sd: sampleSd(alternating.map(log10)),
      interval_cv: cv(alternating),
      // 1 s and 2 s fall in log bins 20 and 23.
      interval_entropy: bits(60, 59),
      interval_mode_frac: 60 / 119,
      // Alternating intervals: long, short, long... (the exact figure is -0.99 for this length).
      interval_lag1_corr: { above: -1, below: -0.98 },
      interval_p05_ms: 1_000,
      per_action_interval_sd: 0,
      per_action_interval_entropy: 0,
      per_action_mode_frac: 1,
      self_similarity_300s: Number.NaN,
      self_similarity_60s:
        (2 * cosine(perMinuteMix[0]!, perMinuteMix[1]!) + cosine(perMinuteMix[1]!, perMinuteMix[2]!)) / 3,
      action_type_entropy: 1,
      distinct_actions: 2,
      top_action_share: 0.5,
      window_max_mode_frac: 21 / 41,
      window_min_log_sd: Math.min(sampleSd(window0.map(log10)), sampleSd(window1.map(log10))),
      reaction_median_ms: Number.NaN,
      move_frac: 0,
      sessions_per_hour: 20,
      idle_gap_frac: 0,
      longest_gap_min: 2_000 / 60_000,
      // 39, 40 and 41 calls in the three minutes.
      minute_volume_cv: 1 / 40,
      idle_minute_frac: 0,
      error_frac: 0,
      chat_per_hour: 0,
      trade_partners: 0,
      trade_per_hour: 0,
    },
  },
  {
    name: 'reactions of known latency',
    stream: reactions,
    expected: {
      reaction_median_ms: 300,
      reaction_log_sd: sampleSd(LATENCIES.map(log10)),
      reaction_fast_frac: 0.4,
      reaction_lapse_frac: 0.3,
      reaction_skew: (mean(LATENCIES) - 300) / sampleSd(LATENCIES),
      // One action, so its intervals are the stream's: 5 s plus the change in latency.
      per_action_interval_sd: sampleSd(gatherIntervals.map(log10)),
      // 5000 ms falls in log bin 26, the other eight in bin 27.
      per_action_interval_entropy: bits(8, 1),
      // At 50 ms ticks, 5000, 5020 and 5020 ms round to the same 100 ticks.
      per_action_mode_frac: 3 / 9,
      distinct_actions: 1,
      top_action_share: 1,
    },
  },
  {
    name: 'four walked legs and steered moves',
    stream: walk,
    expected: {
      move_frac: 9 / 12,
      // Move headings turn +90, +90, -180 degrees, over and over: six and two of eight turns.
      move_turn_entropy: bits(6, 2),
      // Walked turns: three +90, two -90 and seven straight on.
      path_turn_entropy: bits(3, 2, 7),
      path_step_cv: cv(legSteps),
      move_step_cv: cv([1, 2, 1, 2, 1, 2, 1, 2]),
      straightness_mean: mean(straightness),
      straightness_sd: sampleSd(straightness),
      moves_per_leg: 9 / 4,
      // Leg ends on the grid: (2,2), (6,2), (2,2), (2,5).
      waypoint_repeat_frac: 1 / 4,
      waypoint_entropy: bits(2, 1, 1) / 2,
      top_action_share: 1,
      distinct_actions: 2,
    },
  },
  {
    name: 'two sessions with chat, trades and refusals',
    stream: sessions,
    expected: {
      play_minutes: 7,
      calls_per_min: 9 / 7,
      sessions_per_hour: 2 / sessionHours,
      idle_gap_frac: 2 / 7,
      longest_gap_min: 130_000 / 60_000,
      interval_p05_ms: 5_000,
      minute_volume_cv: cv(sessionMinutes),
      idle_minute_frac: 3 / 7,
      error_frac: 2 / 9,
      chat_per_hour: 3 / sessionHours,
      trade_partners: 3,
      trade_per_hour: 4 / sessionHours,
      distinct_actions: 5,
      // 'say' 3 of 9 calls, 'gather' 2, three trade names 1 or 2 each.
      action_type_entropy: bits(3, 2, 2, 1, 1),
      top_action_share: 3 / 9,
      log_interval_mean: mean(sessionIntervals.map(log10)),
    },
  },
  {
    name: 'an action mix that changes halfway',
    stream: shiftingMix,
    expected: {
      // The two 300 s windows share no action.
      self_similarity_300s: 0,
      // Ten 60 s windows, five of each action: 20 of 45 pairs alike.
      self_similarity_60s: 20 / 45,
      window_max_mode_frac: 1,
      window_min_log_sd: 0,
      interval_mode_frac: 1,
      interval_entropy: 0,
      per_action_interval_entropy: 0,
      play_minutes: 10,
      calls_per_min: 6,
    },
  },
];

const slot = (name: FeatureName) => FEATURE_NAMES.indexOf(name);

describe('named features', () => {
  const vectors = CASES.map((c) => extractFeatures(c.stream()));

  CASES.forEach((c, i) => {
    it(`${c.name}: each feature has the value worked out for it`, () => {
      const x = vectors[i]!;
      for (const [name, e] of Object.entries(c.expected) as [FeatureName, Expected][])
        expect(matches(e, x[slot(name)]!), `${name} = ${x[slot(name)]}, expected ${JSON.stringify(e)}`).toBe(
          true,
        );
    });
  });

  it("a browser player's walk_to calls steer as moves do; with moveNames ['move'] they do not", () => {
    const steering = [
      'move_frac',
      'move_turn_entropy',
      'move_step_cv',
      'moves_per_leg',
      'top_action_share',
    ] as const;
    const byMove = extractFeatures(walk('move'));
    const byWalk = extractFeatures(walk('walk_to'));
    for (const name of steering) expect(byWalk[slot(name)], name).toBe(byMove[slot(name)]);
    expect(byWalk[slot('move_frac')]).toBe(9 / 12);
    const keysOnly = extractFeatures(walk('walk_to'), { moveNames: ['move'] });
    expect(keysOnly[slot('move_frac')]).toBe(0);
    // The walks become the commonest action instead of the gathers (9 of 12 calls).
    expect(keysOnly[slot('top_action_share')]).toBe(9 / 12);
  });

  it('every feature is pinned by some case', () => {
    const pinned = new Set(CASES.flatMap((c) => Object.keys(c.expected)));
    expect(FEATURE_NAMES.filter((name) => !pinned.has(name))).toEqual([]);
  });

  it('the cases tell every two features apart: swapping any two values fails one of the expectations above', () => {
    const blind: string[] = [];
    for (let a = 0; a < FEATURE_NAMES.length; a++)
      for (let b = a + 1; b < FEATURE_NAMES.length; b++) {
        const [na, nb] = [FEATURE_NAMES[a]!, FEATURE_NAMES[b]!];
        // Swapped, slot a holds b's value: caught where a is pinned and b's value misses it, or the other way.
        const caught = CASES.some((c, i) => {
          const ea = c.expected[na];
          const eb = c.expected[nb];
          return (
            (ea !== undefined && !matches(ea, vectors[i]![b]!)) ||
            (eb !== undefined && !matches(eb, vectors[i]![a]!))
          );
        });
        if (!caught) blind.push(`${na} <-> ${nb}`);
      }
    expect(blind).toEqual([]);
  });
});
