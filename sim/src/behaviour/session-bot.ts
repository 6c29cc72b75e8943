import { clamp, type Rng } from '../random';
import { Agent, TIERS } from './agent';
import { JitteredStyle } from './jittered-bot';
import { SOCIAL_DEFAULTS, SOCIAL_RANGES, SocialHabits, type SocialParams } from './social-habits';
import type { SessionDecision, Style, StyleContext, TradeResponse } from './style';
import { DelegatingStyle } from './style-delegate';
import { perturbParams, withDefaults, type ParamRanges } from './tier-params';

/**
 * Parameters of the session tier: when it logs on (a time-of-day distribution) and for how long
 * (the human model's session lengths), plus the social habits it copies.
 */
export interface SessionBotParams extends SocialParams {
  /** Length of a day of logical time, ms. */
  readonly dayMs: number;
  /** Hour of the day at logical time 0. */
  readonly startHour: number;
  /** Hour around which log-ons cluster (evening play). */
  readonly peakHour: number;
  /** Spread of log-on hours around the peak, hours (a wrapped normal). */
  readonly peakSpreadHours: number;
  /** Share of log-ons at a uniformly random hour instead. */
  readonly anyHourShare: number;
  /** Session length: each bot's Weibull scale is drawn uniformly between these, ms (humans: 25 to 70 min). */
  readonly sessionScaleMinMs: number;
  readonly sessionScaleMaxMs: number;
  /** Session length: Weibull shape (humans: about 0.5). */
  readonly sessionShape: number;
  /** Shortest and longest session, ms (humans: 45 s and 10 h). */
  readonly minSessionMs: number;
  readonly maxSessionMs: number;
  /** Chance that the gap after a session is short (back soon) rather than until a later hour (humans: 0.2 to 0.5). */
  readonly shortGapChance: number;
  /** Median short gap, ms (humans: 12 min). */
  readonly shortGapMedianMs: number;
  /** A gap that waits for a log-on hour is at least this long, ms. */
  readonly minLongGapMs: number;
}

const HOUR_MS = 3_600_000;

/** Defaults of {@link SessionBot}: the human model's session lengths, evening hours. */
export const SESSION_BOT_DEFAULTS: SessionBotParams = {
  ...SOCIAL_DEFAULTS,
  dayMs: 24 * HOUR_MS,
  startHour: 19,
  peakHour: 20,
  peakSpreadHours: 3,
  anyHourShare: 0.15,
  sessionScaleMinMs: 25 * 60_000,
  sessionScaleMaxMs: 70 * 60_000,
  sessionShape: 0.5,
  minSessionMs: 45_000,
  maxSessionMs: 10 * HOUR_MS,
  shortGapChance: 0.35,
  shortGapMedianMs: 12 * 60_000,
  minLongGapMs: 4 * HOUR_MS,
};

const RANGES: ParamRanges<SessionBotParams> = {
  ...SOCIAL_RANGES,
  peakHour: { min: 0, max: 24, kind: 'shift', spread: 2 },
  peakSpreadHours: { min: 1, max: 8 },
  anyHourShare: { min: 0, max: 0.5, kind: 'shift', spread: 0.08 },
  sessionScaleMinMs: { min: 5 * 60_000, max: 60 * 60_000, spread: 0.3 },
  sessionScaleMaxMs: { min: 60 * 60_000, max: 3 * HOUR_MS, spread: 0.3 },
  sessionShape: { min: 0.35, max: 0.9, spread: 0.15 },
  shortGapChance: { min: 0, max: 0.7, kind: 'shift', spread: 0.1 },
  shortGapMedianMs: { min: 2 * 60_000, max: HOUR_MS },
  minLongGapMs: { min: HOUR_MS, max: 12 * HOUR_MS, spread: 0.3 },
};

/**
 * A variant of the session tier's parameters (the clock, `dayMs` and `startHour`, stays).
 * @example
 * const params = perturbSessionBotParams('variant-1');
 */
export function perturbSessionBotParams(
  seed: string | Rng,
  base: SessionBotParams = SESSION_BOT_DEFAULTS,
): SessionBotParams {
  return perturbParams(base, RANGES, seed);
}

/** Hour of the day (0 to 24) at logical time `ms` under `params`' clock. */
export function hourOfDay(params: Pick<SessionBotParams, 'dayMs' | 'startHour'>, ms: number): number {
  const day = params.dayMs;
  const offset = (params.startHour / 24) * day;
  return ((((offset + ms) % day) + day) % day) * (24 / day);
}

/**
 * One bot's plan of sessions: lengths drawn like a human's (Weibull with this bot's scale), and
 * log-ons at hours drawn from the tier's time-of-day distribution (or after a short gap).
 */
export class SessionPlanner {
  readonly params: SessionBotParams;
  /** This bot's Weibull scale of session length, ms. */
  readonly sessionScaleMs: number;
  readonly #rng: Rng;

  constructor(params: SessionBotParams, rng: Rng) {
    this.params = params;
    this.#rng = rng;
    this.sessionScaleMs = rng.uniform(
      params.sessionScaleMinMs,
      Math.max(params.sessionScaleMinMs, params.sessionScaleMaxMs),
    );
  }

  /** Length of the session starting now, ms. */
  sessionMs(): number {
    const p = this.params;
    return clamp(this.#rng.weibull(this.sessionScaleMs, p.sessionShape), p.minSessionMs, p.maxSessionMs);
  }

  /** A log-on hour (0 to 24) from the time-of-day distribution. */
  logonHour(): number {
    const p = this.params;
    if (this.#rng.chance(p.anyHourShare)) return this.#rng.uniform(0, 24);
    const h = this.#rng.normal(p.peakHour, p.peakSpreadHours);
    return ((h % 24) + 24) % 24;
  }

  /** Time from a log-off at `nowMs` to the next log-on, ms. */
  gapMs(nowMs: number): number {
    const p = this.params;
    if (this.#rng.chance(p.shortGapChance))
      return clamp(this.#rng.logNormal(Math.log(p.shortGapMedianMs), 0.7), p.minSessionMs, p.minLongGapMs);
    const hourMs = p.dayMs / 24;
    const earliest = nowMs + p.minLongGapMs;
    const target = this.logonHour();
    // The first time at or after `earliest` whose hour of day is the drawn one.
    const wait = (((target - hourOfDay(p, earliest)) % 24) + 24) % 24;
    return earliest + wait * hourMs - nowMs;
  }
}

/**
 * The session style: a capable farming script (jittered timing, the productive loop) that keeps a
 * human's hours: sessions of human length, log-ons at human hours, chat and trades at human rates.
 */
export class SessionStyle extends DelegatingStyle {
  readonly planner: SessionPlanner;
  readonly habits: SocialHabits;
  #sessionEndMs = Number.POSITIVE_INFINITY;

  constructor(params: SessionBotParams, rng: Rng) {
    super(new JitteredStyle(rng));
    this.planner = new SessionPlanner(params, rng.fork('sessions'));
    this.habits = new SocialHabits(params, rng.fork('social'));
  }

  /** Plans the session that starts now. */
  startSession(nowMs: number): void {
    this.#sessionEndMs = nowMs + this.planner.sessionMs();
  }

  /** When the current session is planned to end, ms of logical time. */
  get sessionEndMs(): number {
    return this.#sessionEndMs;
  }

  override get tradeResponse(): TradeResponse {
    return this.habits.tradeResponse;
  }
  override session(c: StyleContext): SessionDecision {
    if (c.nowMs >= this.#sessionEndMs) {
      this.#sessionEndMs = Number.POSITIVE_INFINITY;
      return { kind: 'offline', ms: this.planner.gapMs(c.nowMs) };
    }
    return { kind: 'play' };
  }
  override chat(c: StyleContext, heard: number): string | undefined {
    return this.habits.chat(c, heard);
  }
  override wantsTrade(c: StyleContext): boolean {
    return this.habits.wantsTrade(c);
  }
}

/** Options of {@link SessionBot}. */
export interface SessionBotOptions {
  readonly name: string;
  readonly rng: Rng;
  /** The tier's parameters. @default SESSION_BOT_DEFAULTS */
  readonly params?: Partial<SessionBotParams>;
}

/**
 * Session tier: a capable bot that plays human-length sessions at human hours.
 * @example
 * const bot = new SessionBot({ name: 'p8', rng: createRng('seed/p8') });
 */
export class SessionBot extends Agent {
  readonly sessionStyle: SessionStyle;

  constructor(options: SessionBotOptions) {
    super(options.name, TIERS.SESSION);
    const params = withDefaults(SESSION_BOT_DEFAULTS, options.params, TIERS.SESSION);
    this.sessionStyle = new SessionStyle(params, options.rng);
  }

  protected style(): Style {
    return this.sessionStyle;
  }

  protected override onSessionStart(nowMs: number): void {
    this.sessionStyle.startSession(nowMs);
  }
}
