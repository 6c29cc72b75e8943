import type { Rng } from '../random';
import { TIERS } from './agent';
import { sampleHumanParams } from './human-model';
import { HumanPlayer } from './human-player';
import { TRADE_RESPONSE } from './style';

/**
 * Tier 4, humanised: samples the human model for every delay, path, idle, mistake and break (its
 * own parameters, drawn like a human's), but its goals are productivity-driven (the farming loop,
 * storing the surplus), it never logs off, and its social life is a thin veneer (rare chat,
 * accepting trades it is offered, never opening one).
 * @example
 * const bot = new HumanisedBot({ name: 'p5', rng: createRng('seed/p5') });
 */
export class HumanisedBot extends HumanPlayer {
  constructor(options: { readonly name: string; readonly rng: Rng }) {
    super({ name: options.name, rng: options.rng, params: sampleHumanParams(options.rng) }, TIERS.HUMANISED, {
      goals: 'farm',
      sessions: 'marathon',
      sociability: 0.2,
      mistakeScale: 0.5,
      tradeResponse: TRADE_RESPONSE.ACCEPT,
    });
  }
}
