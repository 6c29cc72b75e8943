import type { Rng } from '../random';
import { Agent, TIERS } from './agent';
import { ScriptedStyle } from './scripted-style';
import type { Goal, Situation } from './planner';
import {
  FARM_GOALS,
  randomHeading,
  TRADE_RESPONSE,
  type SteerDecision,
  type Style,
  type StyleContext,
} from './style';

/**
 * The jittered style: a naive script with uniform random delays added to every timer and uniform
 * noise on every heading; goals drawn from the farming loop; still no breaks, sessions or chat.
 */
export class JitteredStyle extends ScriptedStyle implements Style {
  readonly tradeResponse = TRADE_RESPONSE.IGNORE;
  readonly stores = false;
  readonly #rng: Rng;
  readonly #baseMs: number;
  readonly #jitterMs: number;
  readonly #headingJitterRad: number;

  constructor(rng: Rng) {
    super();
    this.#rng = rng;
    this.#baseMs = rng.uniform(150, 400);
    this.#jitterMs = rng.uniform(300, 1200);
    this.#headingJitterRad = rng.uniform(0.1, 0.35);
  }

  reactionMs(_c: StyleContext): number {
    return this.#baseMs + this.#rng.uniform(0, this.#jitterMs);
  }
  thinkMs(_c: StyleContext): number {
    return this.#baseMs * 2 + this.#rng.uniform(0, this.#jitterMs * 1.5);
  }
  steer(desired: number, _distance: number, arrivalMs: number, _c: StyleContext): SteerDecision {
    const delay = 300 + this.#rng.uniform(0, 600);
    return {
      heading: desired + this.#rng.uniform(-this.#headingJitterRad, this.#headingJitterRad),
      delayMs: Math.min(delay, arrivalMs + this.#rng.uniform(0, 150)),
    };
  }
  idleMs(_c: StyleContext): number {
    return this.#rng.chance(0.05) ? this.#rng.uniform(2_000, 10_000) : 0;
  }
  nextGoal(_s: Situation, _c: StyleContext): Goal {
    return this.#rng.pick(FARM_GOALS);
  }
  pickNode(count: number): number {
    return this.#rng.int(Math.min(count, 2));
  }
  exploreHeading(_previous: number, _c: StyleContext): number {
    return randomHeading(this.#rng);
  }
  homeTiles(_c: StyleContext): number {
    return this.#rng.uniform(30, 150);
  }
  exploreTiles(_c: StyleContext): number {
    return this.#rng.uniform(15, 25);
  }
}

/**
 * Tier 2, jittered: random delays and path noise on top of a script.
 * @example
 * const bot = new JitteredBot({ name: 'p77', rng: createRng('seed/p77') });
 */
export class JitteredBot extends Agent {
  readonly #style: JitteredStyle;

  constructor(options: { readonly name: string; readonly rng: Rng }) {
    super(options.name, TIERS.JITTERED);
    this.#style = new JitteredStyle(options.rng);
  }

  protected style(): Style {
    return this.#style;
  }
}
