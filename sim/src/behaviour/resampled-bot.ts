import { clamp, type Rng } from '../random';
import { Agent, TIERS } from './agent';
import type { Goal, Situation } from './planner';
import { SOCIAL_DEFAULTS, SOCIAL_RANGES, SocialHabits, type SocialParams } from './social-habits';
import {
  FARM_GOALS,
  randomHeading,
  type SessionDecision,
  type SteerDecision,
  type Style,
  type StyleContext,
  type TradeResponse,
} from './style';
import { perturbParams, withDefaults, type ParamRanges } from './tier-params';
import { TRACE_KIND, type Trace, type TraceKind } from './trace-library';

/** Parameters of the resampled tier. */
export interface ResampledBotParams extends SocialParams {
  /** How many recorded humans one bot resamples (1: a copy of one human's habits). */
  readonly sourceHumans: number;
  /** Log-scale noise on each resampled value (a smoothed bootstrap); 0 replays recorded values exactly. */
  readonly jitter: number;
  /** Chance that a decision is a deliberate mistake (a call that will be refused), as humans make. */
  readonly mistakeChance: number;
}

/** Defaults of {@link ResampledBot}. */
export const RESAMPLED_BOT_DEFAULTS: ResampledBotParams = {
  ...SOCIAL_DEFAULTS,
  sourceHumans: 2,
  jitter: 0.05,
  mistakeChance: 0.03,
};

const RANGES: ParamRanges<ResampledBotParams> = {
  ...SOCIAL_RANGES,
  sourceHumans: { min: 1, max: 12, integer: true, spread: 0.6 },
  jitter: { min: 0, max: 0.3, spread: 0.6 },
  mistakeChance: { min: 0, max: 0.1 },
};

/**
 * A variant of the resampled tier's parameters.
 * @example
 * const params = perturbResampledBotParams('variant-1');
 */
export function perturbResampledBotParams(
  seed: string | Rng,
  base: ResampledBotParams = RESAMPLED_BOT_DEFAULTS,
): ResampledBotParams {
  return perturbParams(base, RANGES, seed);
}

/** What a bot uses while no recorded value of a kind exists yet (a run that records as it plays). */
const FALLBACK: Readonly<Record<TraceKind, number>> = {
  reaction: 300,
  think: 700,
  steer: 400,
  heading: 0,
  idle: 0,
  break: 180_000,
  play: 18 * 60_000,
};

/**
 * The resampled style: every delay, steering interval, heading error, idle, break and stretch of
 * play between breaks is drawn at random from the recorded values of a few human players (a
 * bootstrap of their streams, optionally smoothed), never from a formula; the goals are a farming
 * loop that stores its surplus, it never logs off, and it chats and trades at human rates.
 * Unlike the replay tier, values are drawn independently rather than played in their recorded order.
 */
export class ResampledStyle implements Style {
  readonly stores = true;
  readonly habits: SocialHabits;
  /** The recorded players this bot resamples (the run that records them may still be filling them). */
  readonly sources: readonly Trace[];
  readonly #all: readonly Trace[];
  readonly #rng: Rng;
  readonly #params: ResampledBotParams;
  #farmIndex: number;
  #nextBreakMs = Number.NaN;

  constructor(params: ResampledBotParams, rng: Rng, traces: readonly Trace[]) {
    this.#params = params;
    this.#rng = rng;
    this.#all = traces;
    const order = traces.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    this.sources = order.slice(0, Math.max(1, params.sourceHumans)).map((i) => traces[i]!);
    this.habits = new SocialHabits(params, rng.fork('social'));
    this.#farmIndex = rng.int(FARM_GOALS.length);
  }

  /** One value of a kind, drawn from the sources' recorded values (all players' while the sources have none). */
  sample(kind: TraceKind): number {
    let total = 0;
    for (const t of this.sources) total += t[kind].length;
    let pool = this.sources;
    if (total === 0) {
      for (const t of this.#all) total += t[kind].length;
      pool = this.#all;
    }
    if (total === 0) return FALLBACK[kind];
    let k = this.#rng.int(total);
    let value = FALLBACK[kind];
    for (const t of pool) {
      const values = t[kind];
      if (k < values.length) {
        value = values[k]!;
        break;
      }
      k -= values.length;
    }
    const j = this.#params.jitter;
    return j > 0 ? value * Math.exp(this.#rng.normal(0, j)) : value;
  }

  get tradeResponse(): TradeResponse {
    return this.habits.tradeResponse;
  }

  /** Plans the first break of a session. */
  startSession(nowMs: number): void {
    this.#nextBreakMs = nowMs + this.sample(TRACE_KIND.PLAY);
  }

  reactionMs(_c: StyleContext): number {
    return this.sample(TRACE_KIND.REACTION);
  }
  thinkMs(_c: StyleContext): number {
    return this.sample(TRACE_KIND.THINK);
  }
  steer(desired: number, _distance: number, arrivalMs: number, _c: StyleContext): SteerDecision {
    const delay = this.sample(TRACE_KIND.STEER);
    const error = this.sample(TRACE_KIND.HEADING);
    // Arrival is noticed one resampled reaction late, as the recorded humans noticed theirs.
    return {
      heading: desired + error,
      delayMs: arrivalMs < delay ? arrivalMs + this.sample(TRACE_KIND.REACTION) * 0.4 : delay,
    };
  }
  idleMs(_c: StyleContext): number {
    return this.sample(TRACE_KIND.IDLE);
  }
  nextGoal(_s: Situation, _c: StyleContext): Goal {
    this.#farmIndex = (this.#farmIndex + (this.#rng.chance(0.8) ? 1 : 2)) % FARM_GOALS.length;
    return FARM_GOALS[this.#farmIndex]!;
  }
  pickNode(count: number): number {
    return this.#rng.chance(0.6) ? 0 : this.#rng.int(count);
  }
  mistake(_c: StyleContext): boolean {
    return this.#rng.chance(this.#params.mistakeChance);
  }
  session(c: StyleContext): SessionDecision {
    if (Number.isNaN(this.#nextBreakMs)) this.startSession(c.nowMs);
    if (c.nowMs < this.#nextBreakMs) return { kind: 'play' };
    const ms = this.sample(TRACE_KIND.BREAK);
    this.#nextBreakMs = c.nowMs + ms + this.sample(TRACE_KIND.PLAY);
    return { kind: 'break', ms };
  }
  chat(c: StyleContext, heard: number): string | undefined {
    return this.habits.chat(c, heard);
  }
  wantsTrade(c: StyleContext): boolean {
    return this.habits.wantsTrade(c);
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

/** Options of {@link ResampledBot}. */
export interface ResampledBotOptions {
  readonly name: string;
  readonly rng: Rng;
  /**
   * Recorded human traces: a trace library's `usable()`, or its live `traces` while the same run
   * records them. @default none (the bot then uses fixed fallbacks until values exist)
   */
  readonly traces: readonly Trace[];
  /** The tier's parameters. @default RESAMPLED_BOT_DEFAULTS */
  readonly params?: Partial<ResampledBotParams>;
}

/**
 * Resampled tier: human timing, pauses and path noise drawn from recorded human streams.
 * @example
 * const bot = new ResampledBot({ name: 'p4', rng: createRng('seed/p4'), traces: library.usable() });
 */
export class ResampledBot extends Agent {
  readonly resampledStyle: ResampledStyle;

  constructor(options: ResampledBotOptions) {
    super(options.name, TIERS.RESAMPLED);
    const params = withDefaults(RESAMPLED_BOT_DEFAULTS, options.params, TIERS.RESAMPLED);
    this.resampledStyle = new ResampledStyle(params, options.rng, options.traces);
  }

  protected style(): Style {
    return this.resampledStyle;
  }

  protected override onSessionStart(nowMs: number): void {
    this.resampledStyle.startSession(nowMs);
  }
}
