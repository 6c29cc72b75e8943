import type { Rng } from '../random';
import { Agent, TIERS } from './agent';
import { ScriptedStyle } from './scripted-style';
import type { Goal, Situation } from './planner';
import { FARM_GOALS, TRADE_RESPONSE, type SteerDecision, type Style, type StyleContext } from './style';

/** Fixed periods naive bots are written with, ms: round numbers, as scripts have. */
const PERIODS_MS = [500, 600, 750, 1000] as const;

/**
 * The naive style: a fixed timer, straight paths (one move per leg, the next wake computed from the
 * distance), one farming goal forever, the nearest node every time (a fixed route), no breaks, no
 * sessions, no chat.
 */
export class NaiveStyle extends ScriptedStyle implements Style {
  readonly tradeResponse = TRADE_RESPONSE.IGNORE;
  readonly stores = false;
  readonly periodMs: number;
  readonly #goal: Goal;

  constructor(rng: Rng) {
    super();
    this.periodMs = rng.pick(PERIODS_MS);
    this.#goal = rng.pick(FARM_GOALS.filter((g) => g.kind === 'gather'));
  }

  reactionMs(_c: StyleContext): number {
    return this.periodMs;
  }
  thinkMs(_c: StyleContext): number {
    return this.periodMs;
  }
  steer(desired: number, _distance: number, arrivalMs: number, _c: StyleContext): SteerDecision {
    return { heading: desired, delayMs: Math.min(arrivalMs, 4 * this.periodMs) };
  }
  idleMs(_c: StyleContext): number {
    return 0;
  }
  nextGoal(_s: Situation, _c: StyleContext): Goal {
    return this.#goal;
  }
  pickNode(_count: number): number {
    return 0;
  }
  exploreHeading(previous: number, _c: StyleContext): number {
    // A square spiral: east, then turn left each leg.
    return Number.isNaN(previous) ? 0 : previous + Math.PI / 2;
  }
  homeTiles(_c: StyleContext): number {
    return 60;
  }
  exploreTiles(_c: StyleContext): number {
    return 20;
  }
}

/**
 * Tier 1, naive: fixed timers, straight paths, fixed routes.
 * @example
 * const bot = new NaiveBot({ name: 'p123', rng: createRng('seed/p123') });
 */
export class NaiveBot extends Agent {
  readonly #style: NaiveStyle;

  constructor(options: { readonly name: string; readonly rng: Rng }) {
    super(options.name, TIERS.NAIVE);
    this.#style = new NaiveStyle(options.rng);
  }

  protected style(): Style {
    return this.#style;
  }
}
