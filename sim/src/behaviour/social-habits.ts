import type { Rng } from '../random';
import { PHRASES, TRADE_RESPONSE, type StyleContext, type TradeResponse } from './style';
import type { ParamRanges } from './tier-params';

/**
 * A bot operator's imitation of a player's social life, at the rates humans show: chat as a
 * Poisson process in play time (plus replies to what was heard), trade openings as another, and
 * the answer to trades others open. The rates are per minute of play, not per decision, so a
 * script that decides far more often than a human still chats and trades as often as one.
 */
export interface SocialParams {
  /** Median chat messages per minute of play over the tier's bots (humans: 0.25). */
  readonly chatPerMinuteMedian: number;
  /** Spread of that rate between bots, log scale (humans: 0.8). */
  readonly chatPerMinuteSpread: number;
  /**
   * Replies per minute while something heard is unanswered (humans: 0.25 per decision at a median
   * of 9 decisions a minute, so about 2.25).
   */
  readonly replyPerMinute: number;
  /**
   * Median trade openings wanted per minute of play; one opens only with a player near and an item
   * spare. Calibrated on what the detector sees: simulated humans want 0.17 a minute (0.04 to 0.39
   * between the 10th and 90th percentiles) but open about 0.02, while a farming script, always
   * holding spares, opens nearly every one it wants.
   */
  readonly tradeOpensPerMinuteMedian: number;
  /** Spread of that rate between bots, log scale. */
  readonly tradeOpensPerMinuteSpread: number;
  /** Share of bots that counter-offer a trade they are offered; the rest accept it, or ignore it (below). */
  readonly counterShare: number;
  /** Share of bots that ignore trades they are offered. */
  readonly ignoreShare: number;
}

/**
 * Human-like defaults: the human model's chat rate, and reply and trade rates measured from simulated
 * humans in crowded 5- and 6-minute runs.
 */
export const SOCIAL_DEFAULTS: SocialParams = {
  chatPerMinuteMedian: 0.25,
  chatPerMinuteSpread: 0.8,
  replyPerMinute: 2.25,
  tradeOpensPerMinuteMedian: 0.025,
  tradeOpensPerMinuteSpread: 0.9,
  counterShare: 0.45,
  ignoreShare: 0.15,
};

/** How {@link SocialParams} vary in a drawn variant. */
export const SOCIAL_RANGES: ParamRanges<SocialParams> = {
  chatPerMinuteMedian: { min: 0.03, max: 2 },
  chatPerMinuteSpread: { min: 0.1, max: 1.5 },
  replyPerMinute: { min: 0.2, max: 10 },
  tradeOpensPerMinuteMedian: { min: 0.005, max: 0.5 },
  tradeOpensPerMinuteSpread: { min: 0.1, max: 1.5 },
  counterShare: { min: 0, max: 0.9 },
  ignoreShare: { min: 0, max: 0.5 },
};

/** One bot's social habits, drawn from {@link SocialParams}. */
export class SocialHabits {
  /** This bot's chat rate, messages per minute of play. */
  readonly chatPerMinute: number;
  /** This bot's wish to open trades, per minute of play. */
  readonly tradeOpensPerMinute: number;
  readonly tradeResponse: TradeResponse;
  readonly #params: SocialParams;
  readonly #rng: Rng;
  #lastChatMs = Number.NaN;
  #lastTradeMs = Number.NaN;

  constructor(params: SocialParams, rng: Rng) {
    this.#params = params;
    this.#rng = rng;
    this.chatPerMinute = rng.logNormal(Math.log(params.chatPerMinuteMedian), params.chatPerMinuteSpread);
    this.tradeOpensPerMinute = rng.logNormal(
      Math.log(params.tradeOpensPerMinuteMedian),
      params.tradeOpensPerMinuteSpread,
    );
    const r = rng.next();
    this.tradeResponse =
      r < params.ignoreShare
        ? TRADE_RESPONSE.IGNORE
        : r < params.ignoreShare + params.counterShare
          ? TRADE_RESPONSE.COUNTER
          : TRADE_RESPONSE.ACCEPT;
  }

  /** Something to say now, given how many messages were heard since the last one said. */
  chat(c: StyleContext, heard: number): string | undefined {
    const since = Number.isNaN(this.#lastChatMs) ? 0 : Math.max(0, c.nowMs - this.#lastChatMs);
    this.#lastChatMs = c.nowMs;
    const reply = heard > 0 && this.#rng.chance(hazard(this.#params.replyPerMinute, since));
    if (reply || this.#rng.chance(hazard(this.chatPerMinute, since))) return this.#rng.pick(PHRASES);
    return undefined;
  }

  /** Whether to offer a trade to a nearby player now. */
  wantsTrade(c: StyleContext): boolean {
    const since = Number.isNaN(this.#lastTradeMs) ? 0 : Math.max(0, c.nowMs - this.#lastTradeMs);
    this.#lastTradeMs = c.nowMs;
    return this.#rng.chance(hazard(this.tradeOpensPerMinute, since));
  }
}

/** Chance that an event of `perMinute` rate happens within `ms`. */
function hazard(perMinute: number, ms: number): number {
  return 1 - Math.exp((-perMinute * ms) / 60_000);
}
