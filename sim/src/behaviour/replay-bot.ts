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
import { TRACE_KIND, TracePlayer, type Trace } from './trace-library';

/**
 * The replay style: every delay and heading error is played back from recorded human traces,
 * stitched from several humans; the choices are still a farming script's, and there are no
 * sessions, breaks or chat of its own.
 */
export class ReplayStyle extends ScriptedStyle implements Style {
  readonly tradeResponse = TRADE_RESPONSE.IGNORE;
  readonly stores = false;
  readonly #rng: Rng;
  readonly #player: TracePlayer;
  #goal = 0;

  constructor(rng: Rng, traces: readonly Trace[]) {
    super();
    this.#rng = rng;
    this.#player = new TracePlayer(traces, rng.fork('traces'), rng.int(80) + 40);
    this.#goal = rng.int(FARM_GOALS.length);
  }

  reactionMs(_c: StyleContext): number {
    return this.#player.next(TRACE_KIND.REACTION, 300);
  }
  thinkMs(_c: StyleContext): number {
    return this.#player.next(TRACE_KIND.THINK, 700);
  }
  steer(desired: number, _distance: number, arrivalMs: number, _c: StyleContext): SteerDecision {
    const delay = this.#player.next(TRACE_KIND.STEER, 400);
    const error = this.#player.next(TRACE_KIND.HEADING, 0);
    return {
      heading: desired + error,
      delayMs: arrivalMs < delay ? arrivalMs + this.#player.next(TRACE_KIND.REACTION, 300) * 0.4 : delay,
    };
  }
  idleMs(_c: StyleContext): number {
    return this.#player.next(TRACE_KIND.IDLE, 0);
  }
  nextGoal(_s: Situation, _c: StyleContext): Goal {
    this.#goal = (this.#goal + 1) % FARM_GOALS.length;
    return FARM_GOALS[this.#goal]!;
  }
  pickNode(_count: number): number {
    return 0;
  }
  exploreHeading(_previous: number, _c: StyleContext): number {
    return randomHeading(this.#rng);
  }
  homeTiles(_c: StyleContext): number {
    return this.#rng.uniform(30, 150);
  }
  exploreTiles(_c: StyleContext): number {
    return 20;
  }
}

/**
 * Tier 3, replay: stitched human action timing on a farming script.
 * @example
 * const bot = new ReplayBot({ name: 'p9', rng: createRng('seed/p9'), traces: library.usable() });
 */
export class ReplayBot extends Agent {
  readonly #style: ReplayStyle;

  constructor(options: { readonly name: string; readonly rng: Rng; readonly traces: readonly Trace[] }) {
    super(options.name, TIERS.REPLAY);
    this.#style = new ReplayStyle(options.rng, options.traces);
  }

  protected style(): Style {
    return this.#style;
  }
}
