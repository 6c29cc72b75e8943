import type { Rng } from '../random';
import { Agent, TIERS } from './agent';
import { HumanModel, sampleHumanParams } from './human-model';
import { HumanStyle } from './human-player';
import { JitteredStyle } from './jittered-bot';
import type { Style } from './style';

/** Options of {@link PartTimeBot}. */
export interface PartTimeBotOptions {
  readonly name: string;
  readonly rng: Rng;
  /** Median stretch of playing by hand, ms. @default 15 minutes */
  readonly humanStretchMs?: number;
  /** Median stretch of letting the bot play, ms. @default 25 minutes */
  readonly botStretchMs?: number;
}

/**
 * Tier 5, part-time: a human who runs a bot some of the time. Stretches of the human style
 * alternate with stretches of a jittered script; it never logs off (the bot covers the gaps).
 * @example
 * const bot = new PartTimeBot({ name: 'p42', rng: createRng('seed/p42') });
 */
export class PartTimeBot extends Agent {
  readonly #human: HumanStyle;
  readonly #bot: JitteredStyle;
  readonly #rng: Rng;
  readonly #humanStretchMs: number;
  readonly #botStretchMs: number;
  #botMode: boolean;
  #switchAtMs = Number.NaN;

  constructor(options: PartTimeBotOptions) {
    super(options.name, TIERS.PART_TIME);
    this.#rng = options.rng;
    this.#human = new HumanStyle(new HumanModel(sampleHumanParams(options.rng), options.rng), {
      sessions: 'marathon',
    });
    this.#bot = new JitteredStyle(options.rng.fork('bot'));
    this.#humanStretchMs = options.humanStretchMs ?? 15 * 60_000;
    this.#botStretchMs = options.botStretchMs ?? 25 * 60_000;
    this.#botMode = options.rng.chance(0.5);
  }

  /** Whether the bot is playing right now. */
  get botMode(): boolean {
    return this.#botMode;
  }

  protected style(nowMs: number): Style {
    if (Number.isNaN(this.#switchAtMs)) this.#switchAtMs = nowMs + this.#stretch();
    while (nowMs >= this.#switchAtMs) {
      this.#botMode = !this.#botMode;
      this.#switchAtMs += this.#stretch();
    }
    return this.#botMode ? this.#bot : this.#human;
  }

  #stretch(): number {
    const median = this.#botMode ? this.#botStretchMs : this.#humanStretchMs;
    return Math.max(60_000, this.#rng.logNormal(Math.log(median), 0.4));
  }

  protected override onSessionStart(nowMs: number): void {
    this.#human.startSession(nowMs);
  }
}
