import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HumanModel, sampleHumanParams } from '../../src/behaviour/human-model';
import { STREAM_EVENT, StreamSet, type ActionStream } from '../../src/detect/action-stream';
import { extractFeatures, FEATURE_NAMES, playTimeMs, type FeatureName } from '../../src/detect/features';
import { createRng } from '../../src/random';

const f = (x: Float64Array, name: FeatureName) => x[FEATURE_NAMES.indexOf(name)]!;

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
    for (let k = 0; k < 200; k++) mixed.push({ type: STREAM_EVENT.CALL, timeMs: (t += 1_200), name: 'gather' });
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
      for (let k = 0; k <= 10; k++) s.push({ type: STREAM_EVENT.POSITION, timeMs: (t += 500), x: leg % 2 === 0 ? k : 10 - k, y: 0 });
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

  it('never returns an infinite value (property)', () => {
    const event = fc.record({
      type: fc.constantFrom(0, 1, 2, 3, 4),
      dt: fc.integer({ min: 0, max: 120_000 }),
      name: fc.constantFrom('move', 'gather', 'say', 'trade_open', 'craft'),
      ok: fc.boolean(),
      x: fc.double({ min: -50, max: 50, noNaN: true }),
      y: fc.double({ min: -50, max: 50, noNaN: true }),
      dx: fc.double({ min: -1, max: 1, noNaN: true }),
      dy: fc.double({ min: -1, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), fc.option(fc.integer({ min: 1, max: 3_600_000 }), { nil: undefined }), (events, until) => {
        const s = new StreamSet().stream('p');
        let t = 0;
        for (const e of events) s.push({ type: e.type as 0, timeMs: (t += e.dt), name: e.name, ok: e.ok, x: e.x, y: e.y, dx: e.dx, dy: e.dy, partner: 'q' });
        const x = extractFeatures(s, until === undefined ? {} : { untilPlayMs: until });
        expect(x.length).toBe(FEATURE_NAMES.length);
        for (const v of x) expect(Number.isNaN(v) || Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
