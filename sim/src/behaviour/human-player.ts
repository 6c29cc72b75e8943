import { clamp, type Rng } from '../random';
import { Agent, TIERS, type Tier } from './agent';
import { HumanModel, sampleHumanParams, type HumanParams } from './human-model';
import type { Goal, Situation } from './planner';
import {
  FARM_GOALS,
  HUMAN_GOALS,
  PHRASES,
  randomHeading,
  TRADE_RESPONSE,
  type SessionDecision,
  type SteerDecision,
  type Style,
  type StyleContext,
  type TradeResponse,
} from './style';
import { TRACE_KIND, type Trace } from './trace-library';

/** Options of {@link HumanStyle}: what a humanised bot keeps of the human and what it changes. */
export interface HumanStyleOptions {
  /** 'varied': personal favourites among many goals; 'farm': the most productive loop. @default 'varied' */
  readonly goals?: 'varied' | 'farm';
  /** 'human': Weibull sessions and diurnal gaps; 'marathon': breaks only, never logs off. @default 'human' */
  readonly sessions?: 'human' | 'marathon';
  /** Scales chat and trade initiative (0 = never). @default 1 */
  readonly sociability?: number;
  /** Scales the mistake rate. @default 1 */
  readonly mistakeScale?: number;
  /** How trades opened by others are answered. @default drawn: counter or accept, sometimes ignore */
  readonly tradeResponse?: TradeResponse;
  /** Where to record timing for replay bots. @default none */
  readonly recorder?: Trace;
}

/**
 * The human style: every delay, path correction, idle, break and session drawn from the player's
 * {@link HumanModel}; goals from personal favourites; chat and trades with people nearby.
 */
export class HumanStyle implements Style {
  readonly model: HumanModel;
  readonly tradeResponse: TradeResponse;
  readonly stores = true;
  readonly #rng: Rng;
  readonly #options: HumanStyleOptions;
  readonly #goalWeights: number[];
  readonly #goals: readonly Goal[];
  readonly #recorder: Trace | undefined;
  #curve = 0;
  #sessionEndMs = Number.POSITIVE_INFINITY;
  #nextBreakMs = Number.POSITIVE_INFINITY;
  #lastChatCheckMs = Number.NaN;
  #farmIndex = 0;

  constructor(model: HumanModel, options: HumanStyleOptions = {}) {
    this.model = model;
    this.#rng = model.rng;
    this.#options = options;
    this.#recorder = options.recorder;
    this.#goals = options.goals === 'farm' ? FARM_GOALS : HUMAN_GOALS;
    // Favourites: a few goals weigh a lot, the rest a little (variety 1 = very focused).
    const favourites = 2 + model.params.goalVariety * 2;
    this.#goalWeights = this.#goals.map(() =>
      this.#rng.next() < favourites / this.#goals.length ? this.#rng.logNormal(0, 0.5) * 5 : 0.3,
    );
    const r = this.#rng.next();
    this.tradeResponse =
      options.tradeResponse ??
      (r < 0.45 ? TRADE_RESPONSE.COUNTER : r < 0.85 ? TRADE_RESPONSE.ACCEPT : TRADE_RESPONSE.IGNORE);
    this.#farmIndex = this.#rng.int(FARM_GOALS.length);
  }

  /** Plans the session that starts now: its end and the first break. */
  startSession(nowMs: number): void {
    this.#sessionEndMs =
      this.#options.sessions === 'marathon' ? Number.POSITIVE_INFINITY : nowMs + this.model.sessionMs();
    this.#nextBreakMs = nowMs + this.#record(TRACE_KIND.PLAY, this.model.breakAfterMs());
  }

  #record(kind: keyof Trace, value: number): number {
    this.#recorder?.[kind].push(value);
    return value;
  }

  reactionMs(c: StyleContext): number {
    return this.#record(TRACE_KIND.REACTION, this.model.reactionMs(c.timeOnTaskMs));
  }

  thinkMs(c: StyleContext): number {
    return this.#record(TRACE_KIND.THINK, this.model.thinkMs(c.timeOnTaskMs));
  }

  steer(desired: number, distance: number, arrivalMs: number, c: StyleContext): SteerDecision {
    const p = this.model.params;
    // The curve is a slowly wandering offset (mean-reverting), fading near the target.
    this.#curve = 0.75 * this.#curve + this.#rng.normal(0, p.curvatureRad * 0.6);
    const fade = clamp(distance / 4, 0, 1);
    const error = this.#curve * fade + this.model.headingNoise() * (0.5 + 0.5 * fade);
    let delayMs = this.model.steerMs();
    // Arrival is noticed with a reaction delay: players overshoot a little and come back.
    if (arrivalMs < delayMs)
      delayMs =
        arrivalMs + this.model.reactionMs(c.timeOnTaskMs) * (this.#rng.chance(p.overshootChance) ? 1.5 : 0.4);
    this.#record(TRACE_KIND.STEER, delayMs);
    this.#record(TRACE_KIND.HEADING, error);
    return { heading: desired + error, delayMs };
  }

  idleMs(_c: StyleContext): number {
    return this.#record(TRACE_KIND.IDLE, this.model.idleMs());
  }

  nextGoal(_s: Situation, _c: StyleContext): Goal {
    if (this.#options.goals === 'farm') {
      // Productivity first, but a humanised bot varies the order a little.
      this.#farmIndex = (this.#farmIndex + (this.#rng.chance(0.8) ? 1 : 2)) % FARM_GOALS.length;
      return FARM_GOALS[this.#farmIndex]!;
    }
    return this.#rng.weighted(this.#goals, this.#goalWeights);
  }

  pickNode(count: number): number {
    return this.#rng.chance(0.6) ? 0 : this.#rng.int(count);
  }

  mistake(_c: StyleContext): boolean {
    return this.#rng.chance(this.model.params.mistakeChance * (this.#options.mistakeScale ?? 1));
  }

  session(c: StyleContext): SessionDecision {
    if (c.nowMs >= this.#sessionEndMs) return { kind: 'offline', ms: this.model.gapMs() };
    if (c.nowMs >= this.#nextBreakMs) {
      const ms = this.#record(TRACE_KIND.BREAK, this.model.breakMs());
      this.#nextBreakMs = c.nowMs + ms + this.#record(TRACE_KIND.PLAY, this.model.breakAfterMs());
      return { kind: 'break', ms };
    }
    return { kind: 'play' };
  }

  chat(c: StyleContext, heard: number): string | undefined {
    const social = this.#options.sociability ?? 1;
    if (social <= 0) return undefined;
    const since = Number.isNaN(this.#lastChatCheckMs) ? 0 : c.nowMs - this.#lastChatCheckMs;
    this.#lastChatCheckMs = c.nowMs;
    const reply = heard > 0 && this.#rng.chance(0.25 * social);
    if (reply || this.model.wantsChat(since * social)) return this.#rng.pick(PHRASES);
    return undefined;
  }

  wantsTrade(_c: StyleContext): boolean {
    return this.#rng.chance(this.model.params.tradeChance * 0.08 * (this.#options.sociability ?? 1));
  }

  exploreHeading(previous: number, _c: StyleContext): number {
    return Number.isNaN(previous) ? randomHeading(this.#rng) : previous + this.#rng.normal(0, 0.7);
  }

  homeTiles(_c: StyleContext): number {
    return clamp(this.#rng.logNormal(Math.log(70), 0.6), 15, 400);
  }
  exploreTiles(_c: StyleContext): number {
    return this.#rng.uniform(8, 30);
  }
}

/** Options of {@link HumanPlayer}. */
export interface HumanPlayerOptions {
  readonly name: string;
  /** The player's own generator (parameters and every draw). */
  readonly rng: Rng;
  /** Parameters. @default drawn with {@link sampleHumanParams} */
  readonly params?: HumanParams;
  /** Where to record timing for replay bots. @default none */
  readonly recorder?: Trace;
}

/**
 * A human-like player: the human model's timing, curved noisy paths, varied goals, mistakes, idles,
 * breaks, heavy-tailed sessions, chat and trades.
 * @example
 * const p = new HumanPlayer({ name: 'Ann', rng: createRng('seed/ann') });
 */
export class HumanPlayer extends Agent {
  readonly humanStyle: HumanStyle;

  constructor(options: HumanPlayerOptions, tier: Tier = TIERS.HUMAN, styleOptions: HumanStyleOptions = {}) {
    super(options.name, tier);
    const params = options.params ?? sampleHumanParams(options.rng);
    this.humanStyle = new HumanStyle(new HumanModel(params, options.rng), {
      recorder: options.recorder,
      ...styleOptions,
    });
  }

  protected style(): Style {
    return this.humanStyle;
  }

  protected override onSessionStart(nowMs: number): void {
    this.humanStyle.startSession(nowMs);
  }
}
