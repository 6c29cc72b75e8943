import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HumanModel, sampleHumanParams } from '../../src/behaviour/human-model';
import { STREAM_EVENT, StreamSet, type ActionStream } from '../../src/detect/action-stream';
import { extractFeatures, FEATURE_NAMES, playTimeMs, type FeatureName } from '../../src/detect/features';
import { createRng } from '../../src/random';

const f = (x: Float64Array, name: FeatureName) => x[FEATURE_NAMES.indexOf(name)]!;

const hundredths = (max: number) => fc.integer({ min: -100 * max, max: 100 * max }).map((v) => v / 100);
const LOG_BIN_BITS = Math.log2(40);
const TURN_BIN_BITS = Math.log2(16);
const MAX_EVENTS = 400;
const MAX_DT_MS = 120_000;
/** The longest interval between two calls: every other event in between, each MAX_DT_MS later. */
const MAX_GAP_MS = MAX_EVENTS * MAX_DT_MS;
/**
 * The values each feature can take, for the streams of the property below (five call names, two trade
 * partners, up to MAX_EVENTS events at most MAX_DT_MS apart): a value written under the wrong name tends to
 * leave its range.
 */
const FEATURE_RANGES: Record<FeatureName, readonly [number, number]> = {
  play_minutes: [0, Infinity],
  calls_per_min: [0, Infinity],
  // Intervals are at least 1 ms.
  log_interval_mean: [0, Math.log10(MAX_GAP_MS)],
  log_interval_sd: [0, Math.log10(MAX_GAP_MS)],
  interval_cv: [0, Infinity],
  interval_entropy: [0, LOG_BIN_BITS],
  interval_mode_frac: [0, 1],
  interval_lag1_corr: [-1, 1],
  interval_p05_ms: [1, MAX_GAP_MS],
  per_action_interval_sd: [0, Math.log10(MAX_GAP_MS)],
  per_action_interval_entropy: [0, LOG_BIN_BITS],
  per_action_mode_frac: [0, 1],
  self_similarity_300s: [0, 1],
  self_similarity_60s: [0, 1],
  action_type_entropy: [0, Math.log2(5)],
  distinct_actions: [1, 5],
  top_action_share: [0, 1],
  window_max_mode_frac: [0, 1],
  window_min_log_sd: [0, Math.log10(MAX_GAP_MS)],
  reaction_median_ms: [0, 20_000],
  reaction_log_sd: [0, Math.log10(20_000)],
  reaction_fast_frac: [0, 1],
  reaction_lapse_frac: [0, 1],
  // |mean - median| <= sd.
  reaction_skew: [-1, 1],
  move_frac: [0, 1],
  move_turn_entropy: [0, TURN_BIN_BITS],
  path_turn_entropy: [0, TURN_BIN_BITS],
  path_step_cv: [0, Infinity],
  move_step_cv: [0, Infinity],
  straightness_mean: [0, 1 + 1e-9],
  straightness_sd: [0, 1],
  moves_per_leg: [0, MAX_EVENTS],
  waypoint_repeat_frac: [0, 1],
  waypoint_entropy: [0, 1 + 1e-9],
  sessions_per_hour: [0, Infinity],
  idle_gap_frac: [0, 1],
  longest_gap_min: [0, MAX_GAP_MS / 60_000],
  minute_volume_cv: [0, Infinity],
  idle_minute_frac: [0, 1],
  error_frac: [0, 1],
  chat_per_hour: [0, Infinity],
  trade_partners: [0, 2],
  trade_per_hour: [0, Infinity],
};

/** A scripted stream: gather every `periodMs`, an action end `reactMs` before each call. */
function scripted(streams: StreamSet, id: string, periodMs: number, minutes: number): ActionStream {
  const s = streams.stream(id);
  s.push({ type: STREAM_EVENT.SESSION_START, timeMs: 0 });
  for (let t = periodMs; t < minutes * 60_000; t += periodMs) {
    s.push({ type: STREAM_EVENT.UPDATE, timeMs: t - 50, name: 'action_end' });
    s.push({ type: STREAM_EVENT.CALL, timeMs: t, name: 'gather', x: 10, y: 10 });
  }
  return s;
}

/** The same loop timed by a human model: reaction after each update, think between choices. */
function humanTimed(streams: StreamSet, id: string, seed: string, minutes: number): ActionStream {
  const rng = createRng(seed);
  const model = new HumanModel(sampleHumanParams(rng), rng);
  const s = streams.stream(id);
  s.push({ type: STREAM_EVENT.SESSION_START, timeMs: 0 });
  let t = 1_000;
  const names = ['gather', 'gather', 'craft', 'move', 'say'];
  while (t < minutes * 60_000) {
    s.push({ type: STREAM_EVENT.UPDATE, timeMs: t, name: 'action_end' });
    t += Math.round(model.reactionMs(t) / 50) * 50 + 50;
    s.push({ type: STREAM_EVENT.CALL, timeMs: t, name: rng.pick(names), x: 10, y: 10 });
    t += Math.round(model.thinkMs(t) / 50) * 50;
  }
  return s;
}

describe('features', () => {
  it('a fixed timer has one interval, no entropy and a perfectly repeated action mix', () => {
    const x = extractFeatures(scripted(new StreamSet(), 'bot', 1_000, 12));
    expect(f(x, 'interval_mode_frac')).toBe(1);
    expect(f(x, 'interval_entropy')).toBe(0);
    expect(f(x, 'self_similarity_300s')).toBeCloseTo(1, 10);
    expect(f(x, 'reaction_median_ms')).toBe(50);
    expect(f(x, 'reaction_fast_frac')).toBe(1);
    expect(f(x, 'calls_per_min')).toBeCloseTo(60, 0);
  });

  it('human-model timing spreads intervals, lapses and drifts in its mix', () => {
    const x = extractFeatures(humanTimed(new StreamSet(), 'human', 'h1', 12));
    expect(f(x, 'interval_mode_frac')).toBeLessThan(0.3);
    expect(f(x, 'interval_entropy')).toBeGreaterThan(2.5);
    expect(f(x, 'reaction_median_ms')).toBeGreaterThan(200);
    expect(f(x, 'reaction_median_ms')).toBeLessThan(450);
    expect(f(x, 'reaction_lapse_frac')).toBeGreaterThan(0);
    expect(f(x, 'self_similarity_300s')).toBeLessThan(1);
  });

  it('finds a scripted stretch inside human play (the most regular window)', () => {
    const streams = new StreamSet();
    const human = humanTimed(streams, 'h', 'h2', 10);
    const mixed = humanTimed(streams, 'm', 'h2', 10);
    // Then a script takes over for 4 minutes: a gather every 1.2 s.
    let t = mixed.timeMs(mixed.length - 1);
    for (let k = 0; k < 200; k++)
      mixed.push({ type: STREAM_EVENT.CALL, timeMs: (t += 1_200), name: 'gather' });
    const h = extractFeatures(human);
    const m = extractFeatures(mixed);
    expect(f(m, 'window_max_mode_frac')).toBe(1);
    expect(f(h, 'window_max_mode_frac')).toBeLessThan(0.5);
    expect(f(m, 'window_min_log_sd')).toBeCloseTo(0, 10);
    // The whole-stream share is diluted by the human part.
    expect(f(m, 'interval_mode_frac')).toBeLessThan(0.8);
  });

  it('counts play time between session marks and stops at untilPlayMs', () => {
    const streams = new StreamSet();
    const s = streams.stream('p');
    s.push({ type: STREAM_EVENT.SESSION_START, timeMs: 0 });
    s.push({ type: STREAM_EVENT.CALL, timeMs: 60_000, name: 'gather' });
    s.push({ type: STREAM_EVENT.SESSION_END, timeMs: 120_000 });
    s.push({ type: STREAM_EVENT.SESSION_START, timeMs: 3_600_000 });
    s.push({ type: STREAM_EVENT.CALL, timeMs: 3_630_000, name: 'gather' });
    s.push({ type: STREAM_EVENT.SESSION_END, timeMs: 3_660_000 });
    expect(playTimeMs(s)).toBe(180_000);
    expect(f(extractFeatures(s), 'play_minutes')).toBe(3);
    expect(f(extractFeatures(s), 'sessions_per_hour')).toBe(40);
    const early = extractFeatures(s, { untilPlayMs: 90_000 });
    expect(f(early, 'play_minutes')).toBe(1.5);
    expect(f(early, 'calls_per_min')).toBeCloseTo(1 / 1.5, 10);
  });

  it('a reaction slower than maxReactionMs is not a reaction', () => {
    const s = new StreamSet().stream('p');
    for (let i = 0; i < 5; i++) {
      s.push({ type: STREAM_EVENT.UPDATE, timeMs: i * 100_000, name: 'action_end' });
      s.push({ type: STREAM_EVENT.CALL, timeMs: i * 100_000 + 30_000, name: 'gather' });
    }
    expect(f(extractFeatures(s), 'reaction_median_ms')).toBeNaN();
    expect(f(extractFeatures(s, { maxReactionMs: 40_000 }), 'reaction_median_ms')).toBe(30_000);
  });

  it('measures straightness, turns and repeated waypoints of walked paths', () => {
    const s = new StreamSet().stream('p');
    // Two straight legs out and back between the same two points, then the same again.
    let t = 0;
    for (let leg = 0; leg < 4; leg++) {
      for (let k = 0; k <= 10; k++)
        s.push({ type: STREAM_EVENT.POSITION, timeMs: (t += 500), x: leg % 2 === 0 ? k : 10 - k, y: 0 });
      t += 5_000;
    }
    const x = extractFeatures(s);
    expect(f(x, 'straightness_mean')).toBeCloseTo(1, 6);
    expect(f(x, 'path_turn_entropy')).toBe(0);
    expect(f(x, 'waypoint_repeat_frac')).toBe(0.5);
  });

  it('a stream set survives serialisation with identical events and features', () => {
    const streams = new StreamSet();
    scripted(streams, 'bot', 1_000, 6);
    humanTimed(streams, 'human', 'h3', 6);
    streams.stream('empty');
    const back = StreamSet.deserialize(streams.serialize());
    expect(back.count()).toBe(3);
    for (const id of ['bot', 'human', 'empty']) {
      expect(back.find(id)!.toEvents()).toEqual(streams.find(id)!.toEvents());
      expect(back.find(id)!.calls).toBe(streams.find(id)!.calls);
      expect([...extractFeatures(back.find(id)!)]).toEqual([...extractFeatures(streams.find(id)!)]);
    }
    back.stream('bot').push({ type: STREAM_EVENT.CALL, timeMs: 1e9, name: 'gather' });
    expect(back.find('bot')!.length).toBe(streams.find('bot')!.length + 1);
  });

  it('never returns an infinite value, and each feature stays in its own range (property)', () => {
    // Mostly calls, updates and positions under a second apart, so that reactions, walked legs and busy
    // windows occur; session marks and long pauses are rarer.
    const event = fc.record({
      type: fc.oneof(
        { arbitrary: fc.constant(STREAM_EVENT.CALL), weight: 9 },
        { arbitrary: fc.constant(STREAM_EVENT.UPDATE), weight: 4 },
        { arbitrary: fc.constant(STREAM_EVENT.POSITION), weight: 6 },
        { arbitrary: fc.constantFrom(STREAM_EVENT.SESSION_START, STREAM_EVENT.SESSION_END), weight: 1 },
      ),
      dt: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 500 }), weight: 8 },
        { arbitrary: fc.integer({ min: 0, max: MAX_DT_MS }), weight: 1 },
      ),
      name: fc.constantFrom('move', 'gather', 'say', 'trade_open', 'craft'),
      ok: fc.boolean(),
      // Hundredths, not fc.double: its mostly tiny magnitudes flush to 0 in the stream's 32-bit columns,
      // which zeroes every heading and shrinks every walked leg below a unit.
      x: hundredths(50),
      y: hundredths(50),
      dx: hundredths(1),
      dy: hundredths(1),
      partner: fc.constantFrom('q', 'r'),
    });
    const measured = Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as Record<
      FeatureName,
      number
    >;
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: MAX_EVENTS, size: 'max' }),
        fc.option(fc.integer({ min: 1, max: 3_600_000 }), { nil: undefined }),
        (events, until) => {
          const s = new StreamSet().stream('p');
          let t = 0;
          for (const e of events)
            s.push({
              type: e.type,
              timeMs: (t += e.dt),
              name: e.name,
              ok: e.ok,
              x: e.x,
              y: e.y,
              dx: e.dx,
              dy: e.dy,
              partner: e.partner,
            });
          const x = extractFeatures(s, until === undefined ? {} : { untilPlayMs: until });
          for (const v of x) expect(Number.isNaN(v) || Number.isFinite(v)).toBe(true);
          // Play time is the one feature with an independent definition: playTimeMs, cut at untilPlayMs.
          expect(f(x, 'play_minutes')).toBeCloseTo(Math.min(playTimeMs(s), until ?? Infinity) / 60_000, 9);
          for (const name of FEATURE_NAMES) {
            const v = f(x, name);
            if (Number.isNaN(v)) continue;
            measured[name]++;
            const [lo, hi] = FEATURE_RANGES[name];
            expect(v, name).toBeGreaterThanOrEqual(lo);
            expect(v, name).toBeLessThanOrEqual(hi);
          }
        },
      ),
      { numRuns: 150 },
    );
    // Every range above was checked on real values: each feature is a number in about half the runs or more.
    // (With uniform event types, fc.double positions and fast-check's default array size, about ten events
    // a stream, 20 features were NaN in every run.)
    for (const name of FEATURE_NAMES) expect(measured[name], name).toBeGreaterThan(150 / 4);
  });
});
