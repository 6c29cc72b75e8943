import { describe, expect, it } from 'vitest';
import {
  hourOfDay,
  perturbSessionBotParams,
  SESSION_BOT_DEFAULTS,
  SessionPlanner,
  type SessionBotParams,
} from '../../src/behaviour/session-bot';
import { createRng } from '../../src/random';
import { median, runTiers } from './tier-run';

/** Signed distance between two hours of the day, in (-12, 12]. */
const hourDelta = (a: number, b: number) => {
  const d = (((a - b) % 24) + 24) % 24;
  return d > 12 ? d - 24 : d;
};

/** Largest gap between an empirical CDF and the CDF of another sample (one-sample KS against draws). */
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

describe('session planner', () => {
  it('draws human session lengths: Weibull with shape about 0.5, clamped', () => {
    const p = { ...SESSION_BOT_DEFAULTS, sessionScaleMinMs: 40 * 60_000, sessionScaleMaxMs: 40 * 60_000 };
    const planner = new SessionPlanner(p, createRng('lengths'));
    const draws = Array.from({ length: 20_000 }, () => planner.sessionMs());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(p.minSessionMs);
    expect(Math.max(...draws)).toBeLessThanOrEqual(p.maxSessionMs);
    // Weibull(scale 40 min, shape 0.5): median = 40 * ln(2)^2 = 19.2 min; P(X > 80 min) = exp(-sqrt 2) = 0.243.
    expect(median(draws) / 60_000).toBeGreaterThan(18);
    expect(median(draws) / 60_000).toBeLessThan(20.5);
    const over = draws.filter((d) => d > 80 * 60_000).length / draws.length;
    expect(over).toBeGreaterThan(0.23);
    expect(over).toBeLessThan(0.256);
  });

  it('logs on at the hours of its time-of-day distribution, after a gap of at least minLongGapMs', () => {
    const p: SessionBotParams = { ...SESSION_BOT_DEFAULTS, shortGapChance: 0, anyHourShare: 0 };
    const planner = new SessionPlanner(p, createRng('hours'));
    const hours: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const off = i * 7_777_777;
      const gap = planner.gapMs(off);
      expect(gap).toBeGreaterThanOrEqual(p.minLongGapMs);
      expect(gap).toBeLessThan(p.minLongGapMs + p.dayMs);
      hours.push(hourDelta(hourOfDay(p, off + gap), p.peakHour));
    }
    // A normal around the peak hour with a 3-hour spread: 68% within one spread, 95% within two.
    const within = (h: number) => hours.filter((d) => Math.abs(d) <= h).length / hours.length;
    expect(within(3)).toBeGreaterThan(0.66);
    expect(within(3)).toBeLessThan(0.7);
    expect(within(6)).toBeGreaterThan(0.94);
    expect(Math.abs(hours.reduce((a, b) => a + b, 0) / hours.length)).toBeLessThan(0.15);
  });

  it('comes back soon after some sessions, as humans do', () => {
    const p: SessionBotParams = { ...SESSION_BOT_DEFAULTS, shortGapChance: 0.3 };
    const planner = new SessionPlanner(p, createRng('short'));
    const gaps = Array.from({ length: 4_000 }, (_, i) => planner.gapMs(i * 1_000_003));
    const short = gaps.filter((g) => g < p.minLongGapMs).length / gaps.length;
    expect(short).toBeGreaterThan(0.27);
    expect(short).toBeLessThan(0.33);
  });

  it('tells the hour of the day from logical time, and draws variants that keep the clock', () => {
    expect(hourOfDay(SESSION_BOT_DEFAULTS, 0)).toBeCloseTo(19, 9);
    expect(hourOfDay(SESSION_BOT_DEFAULTS, 6 * 3_600_000)).toBeCloseTo(1, 9);
    expect(hourOfDay({ dayMs: 240_000, startHour: 0 }, 60_000)).toBeCloseTo(6, 9);
    const v = perturbSessionBotParams('v1');
    expect(v.dayMs).toBe(SESSION_BOT_DEFAULTS.dayMs);
    expect(v.startHour).toBe(SESSION_BOT_DEFAULTS.startHour);
    expect(v.peakHour).not.toBe(SESSION_BOT_DEFAULTS.peakHour);
    expect(v.peakHour).toBeGreaterThanOrEqual(0);
    expect(v.peakHour).toBeLessThanOrEqual(24);
  });
});

describe('session bot', () => {
  it('logs on and off as its distributions say, measured from the server log (a compressed clock)', async () => {
    // A day of 8 minutes, so that one short run holds several sessions per bot.
    const params: Partial<SessionBotParams> = {
      dayMs: 8 * 60_000,
      startHour: 0,
      peakHour: 12,
      peakSpreadHours: 1.5,
      anyHourShare: 0,
      sessionScaleMinMs: 40_000,
      sessionScaleMaxMs: 80_000,
      minSessionMs: 20_000,
      maxSessionMs: 240_000,
      shortGapChance: 0,
      minLongGapMs: 2 * 60_000,
    };
    const run = await runTiers({
      mix: { human: 2, session: 14 },
      seed: 'sessions',
      minutes: 20,
      tickMs: 100,
      joinWindowMs: 5_000,
      world: { worldTiles: 512 },
      tierParams: { session: params },
    });
    const full = { ...SESSION_BOT_DEFAULTS, ...params };
    const lengths: number[] = [];
    const logons: number[] = [];
    for (const id of run.identities('session')) {
      const sessions = run.sessions(id);
      expect(sessions.length).toBeGreaterThanOrEqual(2);
      // Only sessions that would have ended before the run did, whatever their length: counting the
      // closed ones of those that started late would favour short sessions.
      for (const s of sessions)
        if (s.startMs + full.maxSessionMs + 20_000 <= run.result.virtualMs) {
          expect(s.closed).toBe(true);
          lengths.push(s.endMs - s.startMs);
        }
      // The first log-on is the population's join; every later one is at a drawn hour.
      for (const s of sessions.slice(1)) logons.push(hourDelta(hourOfDay(full, s.startMs), full.peakHour));
    }
    expect(lengths.length).toBeGreaterThan(20);
    expect(logons.length).toBeGreaterThan(25);
    // Log-ons cluster at the peak hour: all within three spreads, two thirds within one (1.5 h).
    expect(Math.max(...logons.map(Math.abs))).toBeLessThan(4.5);
    const withinOne = logons.filter((d) => Math.abs(d) <= 1.5).length / logons.length;
    expect(withinOne).toBeGreaterThan(0.5);
    expect(withinOne).toBeLessThan(0.85);
    // Session lengths follow the planner's distribution, plus the few seconds a bot finishes its
    // action before it goes (KS distance under the 0.1% critical value for the sample size).
    const reference: number[] = [];
    for (let i = 0; i < 200; i++) {
      const bot = new SessionPlanner(full, createRng(`reference/${i}`));
      for (let k = 0; k < 20; k++) reference.push(bot.sessionMs());
    }
    // In 5 s bins: a bot finishes the action it is in (a second or two) before it goes.
    const bin = (ms: number) => Math.floor(ms / 5_000);
    expect(ks(lengths.map(bin), reference.map(bin))).toBeLessThan(1.95 / Math.sqrt(lengths.length));
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(full.minSessionMs);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(full.maxSessionMs + 20_000);
  }, 180_000);
});
