import { clamp, type Rng } from '../random';

/**
 * Per-player parameters of the human model, drawn once per player from population distributions
 * (see {@link sampleHumanParams}). Two players with the same parameters still differ draw by draw;
 * two players with different parameters differ in their habits: that spread is what a detector
 * trained on one population has to generalise over.
 */
export interface HumanParams {
  /** Alert reaction time, ex-Gaussian: mean of the Gaussian core, ms. */
  readonly reactionMuMs: number;
  /** Alert reaction time: spread of the Gaussian core, ms. */
  readonly reactionSigmaMs: number;
  /** Alert reaction time: mean of the exponential tail, ms (`mu + tau` is the alert mean, 250 to 350 ms). */
  readonly reactionTauMs: number;
  /** Probability that a reaction is a lapse (500 ms or more) at the start of a session. */
  readonly lapseBase: number;
  /** Added lapse probability per hour on task (vigilance decrement). */
  readonly lapsePerHour: number;
  /** Which family the intervals between choices follow. */
  readonly thinkFamily: 'lognormal' | 'loglogistic';
  /** Median interval between two choices when fresh, ms. */
  readonly thinkMedianMs: number;
  /** Shape of the choice intervals: log-normal sigma, or log-logistic 1/beta. */
  readonly thinkSpread: number;
  /** Slow-down per hour on task (fatigue): intervals scale by `1 + fatiguePerHour * hours`. */
  readonly fatiguePerHour: number;
  /** Median time between two steering corrections while walking, ms. */
  readonly steerMedianMs: number;
  /** Heading noise per correction, radians (standard deviation). */
  readonly headingNoiseRad: number;
  /** Amplitude of the path's slow curvature, radians (a curved, not straight, walk). */
  readonly curvatureRad: number;
  /** Probability of stopping short or overshooting a target and correcting. */
  readonly overshootChance: number;
  /** Probability that a choice is a mistake (wrong target, out of reach, missing items...). */
  readonly mistakeChance: number;
  /** Probability of idling after finishing a goal step. */
  readonly idleChance: number;
  /** Median idle, ms. */
  readonly idleMedianMs: number;
  /** Median play between two breaks, ms. */
  readonly breakEveryMedianMs: number;
  /** Median break, ms. */
  readonly breakMedianMs: number;
  /** Session length: Weibull scale, ms (shape {@link HumanParams.sessionShape}). */
  readonly sessionScaleMs: number;
  /** Session length: Weibull shape, about 0.5 (a heavy tail: many short sessions, a few very long). */
  readonly sessionShape: number;
  /** Probability that the gap after a session is short (back within the hour) rather than diurnal. */
  readonly shortGapChance: number;
  /** Chat messages per minute of play, on average. */
  readonly chatPerMinute: number;
  /** Probability of offering a trade when another player is near and something is spare. */
  readonly tradeChance: number;
  /** How many recipes the player cares about (variety of goals). */
  readonly goalVariety: number;
}

/**
 * Draws one player's parameters. Ranges follow the literature the issue cites: alert reaction means
 * 250 to 350 ms with an exponential tail, lapses rising with time on task, log-normal or
 * log-logistic intervals, Weibull(k about 0.5) session lengths.
 * @example
 * const params = sampleHumanParams(createRng('player-7'));
 */
export function sampleHumanParams(rng: Rng): HumanParams {
  const reactionMean = rng.uniform(250, 350);
  const tauShare = rng.uniform(0.18, 0.35);
  return {
    reactionMuMs: reactionMean * (1 - tauShare),
    reactionSigmaMs: rng.uniform(22, 55),
    reactionTauMs: reactionMean * tauShare,
    lapseBase: rng.uniform(0.02, 0.07),
    lapsePerHour: rng.uniform(0.03, 0.15),
    thinkFamily: rng.chance(0.5) ? 'lognormal' : 'loglogistic',
    thinkMedianMs: rng.logNormal(Math.log(650), 0.35),
    thinkSpread: rng.uniform(0.45, 0.95),
    fatiguePerHour: rng.uniform(0.05, 0.45),
    steerMedianMs: rng.logNormal(Math.log(420), 0.3),
    headingNoiseRad: rng.uniform(0.08, 0.3),
    curvatureRad: rng.uniform(0.1, 0.45),
    overshootChance: rng.uniform(0.03, 0.15),
    mistakeChance: rng.uniform(0.02, 0.08),
    idleChance: rng.uniform(0.04, 0.16),
    idleMedianMs: rng.logNormal(Math.log(9_000), 0.5),
    breakEveryMedianMs: rng.logNormal(Math.log(18 * 60_000), 0.4),
    breakMedianMs: rng.logNormal(Math.log(3 * 60_000), 0.5),
    sessionScaleMs: rng.uniform(25, 70) * 60_000,
    sessionShape: clamp(rng.normal(0.5, 0.06), 0.35, 0.7),
    shortGapChance: rng.uniform(0.2, 0.5),
    chatPerMinute: rng.logNormal(Math.log(0.25), 0.8),
    tradeChance: rng.uniform(0.05, 0.4),
    goalVariety: 1 + rng.int(4),
  };
}

/**
 * Samples one player's behaviour timing from their {@link HumanParams}. Time on task is the play
 * time of the current session; fatigue and lapses grow with it and reset after a break.
 */
export class HumanModel {
  readonly params: HumanParams;
  readonly #rng: Rng;

  constructor(params: HumanParams, rng: Rng) {
    this.params = params;
    this.#rng = rng;
  }

  /** Latency from seeing something to acting on it, ms. Lapses (>= 500 ms) grow with time on task. */
  reactionMs(timeOnTaskMs: number): number {
    const p = this.params;
    const hours = timeOnTaskMs / 3_600_000;
    if (this.#rng.chance(clamp(p.lapseBase + p.lapsePerHour * hours, 0, 0.5)))
      return 500 + this.#rng.exponential(450 + 250 * hours);
    return Math.max(140, this.#rng.exGaussian(p.reactionMuMs, p.reactionSigmaMs, p.reactionTauMs));
  }

  /** Interval between two deliberate choices, ms, slowed by fatigue. */
  thinkMs(timeOnTaskMs: number): number {
    const p = this.params;
    const fatigue = 1 + p.fatiguePerHour * (timeOnTaskMs / 3_600_000);
    const base =
      p.thinkFamily === 'lognormal'
        ? this.#rng.logNormal(Math.log(p.thinkMedianMs), p.thinkSpread)
        : this.#rng.logLogistic(p.thinkMedianMs, 1 / p.thinkSpread);
    return clamp(base * fatigue, 120, 60_000);
  }

  /** Time until the next steering correction while walking, ms. */
  steerMs(): number {
    return clamp(this.#rng.logNormal(Math.log(this.params.steerMedianMs), 0.45), 90, 4_000);
  }

  /** Heading error of one correction, radians. */
  headingNoise(): number {
    return this.#rng.normal(0, this.params.headingNoiseRad);
  }

  /** Whether this choice is a mistake. */
  mistake(): boolean {
    return this.#rng.chance(this.params.mistakeChance);
  }

  /** An idle after a goal step, ms, or 0 for none. */
  idleMs(): number {
    if (!this.#rng.chance(this.params.idleChance)) return 0;
    return clamp(this.#rng.logNormal(Math.log(this.params.idleMedianMs), 0.8), 1_500, 180_000);
  }

  /** Play until the next break, ms. */
  breakAfterMs(): number {
    return clamp(this.#rng.logNormal(Math.log(this.params.breakEveryMedianMs), 0.6), 60_000, 4 * 3_600_000);
  }

  /** Length of a break, ms. */
  breakMs(): number {
    return clamp(this.#rng.logNormal(Math.log(this.params.breakMedianMs), 0.7), 20_000, 30 * 60_000);
  }

  /** Length of a session, ms: Weibull with shape about 0.5, so many short and a few very long sessions. */
  sessionMs(): number {
    return clamp(
      this.#rng.weibull(this.params.sessionScaleMs, this.params.sessionShape),
      45_000,
      10 * 3_600_000,
    );
  }

  /** Gap until the next session, ms: sometimes back within the hour, usually the next day (diurnal). */
  gapMs(): number {
    if (this.#rng.chance(this.params.shortGapChance))
      return clamp(this.#rng.logNormal(Math.log(12 * 60_000), 0.7), 60_000, 3_600_000);
    return clamp(this.#rng.normal(20 * 3_600_000, 3 * 3_600_000), 8 * 3_600_000, 30 * 3_600_000);
  }

  /** Whether to send a chat message in the next `ms` of play. */
  wantsChat(ms: number): boolean {
    return this.#rng.chance(1 - Math.exp((-this.params.chatPerMinute * ms) / 60_000));
  }

  /** The generator the model draws from (behaviours share it so a player is one stream). */
  get rng(): Rng {
    return this.#rng;
  }
}
