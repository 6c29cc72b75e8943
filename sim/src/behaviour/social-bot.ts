import type { Rng } from '../random';
import { Agent, TIERS } from './agent';
import { JitteredStyle } from './jittered-bot';
import { NaiveStyle } from './naive-bot';
import { SOCIAL_DEFAULTS, SOCIAL_RANGES, SocialHabits, type SocialParams } from './social-habits';
import type { Style, StyleContext, TradeResponse } from './style';
import { DelegatingStyle } from './style-delegate';
import { perturbParams, withDefaults, type ParamRanges } from './tier-params';

/** Parameters of the social tier: its script, and the social habits it adds. */
export interface SocialBotParams extends SocialParams {
  /** Share of the tier's bots whose script is the naive one (fixed timer); the rest are jittered. */
  readonly naiveShare: number;
}

/** Defaults of {@link SocialBot}: chat and trade openings at human rates on a naive or jittered script. */
export const SOCIAL_BOT_DEFAULTS: SocialBotParams = { ...SOCIAL_DEFAULTS, naiveShare: 0.5 };

const RANGES: ParamRanges<SocialBotParams> = {
  ...SOCIAL_RANGES,
  naiveShare: { min: 0, max: 1, kind: 'shift', spread: 0.25 },
};

/**
 * A variant of the social tier's parameters (every rate and share moved by a seeded draw).
 * @example
 * const params = perturbSocialBotParams('variant-1');
 */
export function perturbSocialBotParams(
  seed: string | Rng,
  base: SocialBotParams = SOCIAL_BOT_DEFAULTS,
): SocialBotParams {
  return perturbParams(base, RANGES, seed);
}

/**
 * A script's timing, paths and goals (naive or jittered) with a human's social life bolted on:
 * chat, replies and trade openings at human rates per minute of play, and an answer to trades.
 */
export class SocialStyle extends DelegatingStyle {
  readonly habits: SocialHabits;

  constructor(params: SocialBotParams, rng: Rng) {
    super(rng.chance(params.naiveShare) ? new NaiveStyle(rng) : new JitteredStyle(rng));
    this.habits = new SocialHabits(params, rng.fork('social'));
  }

  override get tradeResponse(): TradeResponse {
    return this.habits.tradeResponse;
  }
  override chat(c: StyleContext, heard: number): string | undefined {
    return this.habits.chat(c, heard);
  }
  override wantsTrade(c: StyleContext): boolean {
    return this.habits.wantsTrade(c);
  }
}

/** Options of {@link SocialBot}. */
export interface SocialBotOptions {
  readonly name: string;
  readonly rng: Rng;
  /** The tier's parameters. @default SOCIAL_BOT_DEFAULTS */
  readonly params?: Partial<SocialBotParams>;
}

/**
 * Social tier: a naive or jittered farming script that chats, replies and opens and answers
 * trades at human rates, so that "never chats" and "never trades" stop being tells.
 * @example
 * const bot = new SocialBot({ name: 'p12', rng: createRng('seed/p12') });
 */
export class SocialBot extends Agent {
  readonly socialStyle: SocialStyle;

  constructor(options: SocialBotOptions) {
    super(options.name, TIERS.SOCIAL);
    const params = withDefaults(SOCIAL_BOT_DEFAULTS, options.params, TIERS.SOCIAL);
    this.socialStyle = new SocialStyle(params, options.rng);
  }

  protected style(): Style {
    return this.socialStyle;
  }
}
