import { createHash } from 'node:crypto';
import { toIdentity, type Identity } from '@tickspace/server/engine';
import { TickspaceError } from '@tickspace/server/protocol';
import { createRng } from '../random';
import { TIER_LIST, TIERS, type Agent, type Tier } from './agent';
import {
  FARM_RING_DEFAULTS,
  FarmRing,
  perturbFarmRingParams,
  RingGatherer,
  type FarmRingParams,
} from './farm-ring';
import { HumanisedBot } from './humanised-bot';
import { HumanPlayer } from './human-player';
import { JitteredBot } from './jittered-bot';
import { NaiveBot } from './naive-bot';
import { PartTimeBot } from './part-time-bot';
import { ReplayBot } from './replay-bot';
import {
  perturbResampledBotParams,
  RESAMPLED_BOT_DEFAULTS,
  ResampledBot,
  type ResampledBotParams,
} from './resampled-bot';
import { RingReceiver } from './ring-receiver';
import {
  perturbSessionBotParams,
  SESSION_BOT_DEFAULTS,
  SessionBot,
  type SessionBotParams,
} from './session-bot';
import { perturbSocialBotParams, SOCIAL_BOT_DEFAULTS, SocialBot, type SocialBotParams } from './social-bot';
import { withDefaults } from './tier-params';
import type { Trace, TraceLibrary } from './trace-library';

/** How many players of each tier. */
export type PopulationMix = Partial<Record<Tier, number>>;

/** The default mix of `npm run sim`: mostly humans, a few of every bot tier. */
export const DEFAULT_SHARES: Readonly<Record<Tier, number>> = {
  human: 0.85,
  naive: 0.03,
  jittered: 0.03,
  replay: 0.03,
  humanised: 0.03,
  'part-time': 0.03,
  social: 0,
  resampled: 0,
  'farm-ring': 0,
  'ring-receiver': 0,
  session: 0,
};

/**
 * Parameters of the tiers that take them, each merged into that tier's defaults (a test passes
 * drawn variants, e.g. `perturbSocialBotParams(seed)`). Farm rings' gatherers and receivers share
 * `farm-ring`.
 */
export interface TierParams {
  readonly social?: Partial<SocialBotParams>;
  readonly resampled?: Partial<ResampledBotParams>;
  readonly 'farm-ring'?: Partial<FarmRingParams>;
  readonly session?: Partial<SessionBotParams>;
}

/**
 * A variant of every tier's parameters at once, each drawn from its own seed derived from `seed`
 * around `base` (merged into each tier's defaults): a trial run on variants shows whether a
 * detector leans on one exact value of how a tier is written.
 * @throws TickspaceError INVALID_ARGUMENT for an unknown field in `base`
 * @example
 * const result = await runInProcess({ mix, tierParams: perturbTierParams('variant-1') });
 */
export function perturbTierParams(seed: string, base: TierParams = {}): TierParams {
  return {
    social: perturbSocialBotParams(
      `${seed}/social`,
      withDefaults(SOCIAL_BOT_DEFAULTS, base.social, TIERS.SOCIAL),
    ),
    resampled: perturbResampledBotParams(
      `${seed}/resampled`,
      withDefaults(RESAMPLED_BOT_DEFAULTS, base.resampled, TIERS.RESAMPLED),
    ),
    'farm-ring': perturbFarmRingParams(
      `${seed}/farm-ring`,
      withDefaults(FARM_RING_DEFAULTS, base['farm-ring'], TIERS.FARM_RING),
    ),
    session: perturbSessionBotParams(
      `${seed}/session`,
      withDefaults(SESSION_BOT_DEFAULTS, base.session, TIERS.SESSION),
    ),
  };
}

/**
 * The tier parameters one script of a population plays with (`script`: `agent/<index>` for a
 * member, `ring/<k>` for a farm ring): `tierParams` as given, or with `varyParams` set, a variant
 * of its own around them, drawn from `varyParams` and the script, as if each bot were run by an
 * operator who set their own constants. Same options, same variant.
 */
export function scriptTierParams(
  options: Pick<PopulationOptions, 'tierParams' | 'varyParams'>,
  script: string,
): TierParams | undefined {
  const vary = options.varyParams ?? '';
  return vary === '' ? options.tierParams : perturbTierParams(`${vary}/${script}`, options.tierParams);
}

/**
 * Parses `human=800,naive=50` (counts) or `human=0.8,naive=0.05` (shares of `players`).
 * @throws TickspaceError INVALID_ARGUMENT for an unknown tier or a bad number
 * @example
 * parseMix('human=0.9,naive=0.1', 100); // -> { human: 90, naive: 10 }
 */
export function parseMix(text: string | undefined, players: number): Record<Tier, number> {
  const out = Object.fromEntries(TIER_LIST.map((t) => [t, 0])) as Record<Tier, number>;
  const entries: [Tier, number][] = [];
  if (text === undefined || text.trim() === '')
    for (const t of TIER_LIST) entries.push([t, DEFAULT_SHARES[t]]);
  else
    for (const part of text.split(',')) {
      const [name, value] = part.split(/[=:]/).map((s) => s.trim());
      if (!TIER_LIST.includes(name as Tier))
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `--mix: unknown tier '${name}'; tiers are ${TIER_LIST.join(', ')}`,
          { details: { tier: name } },
        );
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0)
        throw new TickspaceError('INVALID_ARGUMENT', `--mix: '${part}' needs a number >= 0`, {
          details: { part },
        });
      entries.push([name as Tier, n]);
    }
  const shares = entries.every(([, n]) => n <= 1) && entries.some(([, n]) => n > 0 && n < 1);
  if (!shares) {
    for (const [t, n] of entries) out[t] = Math.round(n);
    return out;
  }
  // Shares: largest remainders, so the counts add up to `players` exactly.
  const total = entries.reduce((s, [, n]) => s + n, 0);
  const raw = entries.map(([t, n]) => [t, (n / total) * players] as const);
  let given = 0;
  for (const [t, v] of raw) {
    out[t] = Math.floor(v);
    given += out[t];
  }
  const order = [...raw].sort((a, b) => b[1] - Math.floor(b[1]) - (a[1] - Math.floor(a[1])));
  for (let i = 0; given < players && i < order.length; i++, given++) out[order[i]![0]]++;
  return out;
}

/**
 * Populations up to this size settle at the distances their styles draw; larger ones spread wider,
 * by the square root of the ratio, so players per square tile stay the same. Everyone spawns at
 * one point: without this, what each player sees (and the cost of a player) grows with the
 * population.
 */
export const SETTLE_REFERENCE_PLAYERS = 1_000;

/** The settle-distance factor of a population of `players` (see {@link SETTLE_REFERENCE_PLAYERS}). */
export function settleScale(players: number): number {
  return Math.max(1, Math.sqrt(players / SETTLE_REFERENCE_PLAYERS));
}

/** One member of a population: the agent and the identity it plays as. */
export interface Member {
  readonly agent: Agent;
  /** 32 hex characters, derived from the seed: same seed, same identities. */
  readonly identity: Identity;
  /** When the member first connects, ms of logical time. */
  readonly startMs: number;
  /**
   * Members one script runs share a group (a farm ring's: its receiver's index); everyone else is
   * a group of one (its own index). A runner that splits members over threads keeps a group together.
   */
  readonly group: number;
}

/** Options of {@link createPopulation}. */
export interface PopulationOptions {
  readonly mix: PopulationMix;
  readonly seed: string;
  /** First connections are spread uniformly over this window, ms. @default 60_000 */
  readonly joinWindowMs?: number;
  /** Human traces replay bots stitch. @default none (replay bots then fall back to fixed delays) */
  readonly traces?: readonly Trace[];
  /** Where human players record their timing. @default none */
  readonly recordTo?: TraceLibrary;
  /** Settle-distance factor of every member ({@link Agent.homeScale}). @default settleScale(members) */
  readonly homeScale?: number;
  /** Parameters of the tiers that take them. @default each tier's defaults */
  readonly tierParams?: TierParams;
  /**
   * When set, every bot script draws its own variant of its tier's parameters around
   * `tierParams` from this seed (see {@link scriptTierParams}): a training population that does not
   * teach a detector one exact value of how a tier is written. @default '' (every bot as written)
   */
  readonly varyParams?: string;
}

/** A stable 32-hex identity for a member of a seeded population. */
export function memberIdentity(seed: string, index: number): Identity {
  return toIdentity(createHash('sha256').update(`tickspace-sim/${seed}/${index}`).digest('hex').slice(0, 32));
}

/**
 * Creates the agents of a population, in a seeded shuffled order (so neither names nor join order
 * reveal tiers), with neutral names and seeded identities. Farm rings are formed from the mix: the
 * `farm-ring` gatherers are dealt in turn to the `ring-receiver`s, so `{ 'farm-ring': 12,
 * 'ring-receiver': 3 }` makes three rings of four gatherers and their receiver.
 * @throws TickspaceError INVALID_ARGUMENT for farm-ring gatherers without a ring-receiver, or unknown tier params
 * @example
 * const members = createPopulation({ mix: { human: 90, naive: 10 }, seed: 's1' });
 */
export function createPopulation(options: PopulationOptions): Member[] {
  const rng = createRng(`${options.seed}/population`);
  const tiers: Tier[] = [];
  for (const tier of TIER_LIST) for (let i = 0; i < (options.mix[tier] ?? 0); i++) tiers.push(tier);
  for (let i = tiers.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [tiers[i], tiers[j]] = [tiers[j]!, tiers[i]!];
  }
  const window = options.joinWindowMs ?? 60_000;
  const homeScale = options.homeScale ?? settleScale(tiers.length);
  // Name, then join time, member by member: the draws every earlier version made, in that order.
  const drawn = tiers.map((_, index) => ({
    name: `pl${index.toString(36)}${rng.int(1296).toString(36)}`,
    startMs: Math.floor(rng.uniform(0, window)),
  }));
  const rings = formRings(tiers, options);
  const agents: Agent[] = new Array(tiers.length);
  // Humans first: a resampled bot of the same run picks its source humans among their traces.
  const order = tiers
    .map((_, i) => i)
    .sort((a, b) => Number(tiers[a] !== TIERS.HUMAN) - Number(tiers[b] !== TIERS.HUMAN) || a - b);
  for (const index of order) {
    const agentRng = createRng(`${options.seed}/agent/${index}`);
    const agent = makeAgent(
      tiers[index]!,
      drawn[index]!.name,
      agentRng,
      options,
      scriptTierParams(options, `agent/${index}`),
      rings.get(index),
    );
    agent.homeScale = homeScale;
    agents[index] = agent;
  }
  const receiverIndex = new Map<FarmRing, number>();
  for (const [index, ring] of rings) if (tiers[index] === TIERS.RING_RECEIVER) receiverIndex.set(ring, index);
  return tiers.map((_, index) => {
    const ring = rings.get(index);
    return {
      agent: agents[index]!,
      identity: memberIdentity(options.seed, index),
      startMs: drawn[index]!.startMs,
      group: ring === undefined ? index : receiverIndex.get(ring)!,
    };
  });
}

/** The ring of every farm-ring member, by member index. */
function formRings(tiers: readonly Tier[], options: PopulationOptions): Map<number, FarmRing> {
  const out = new Map<number, FarmRing>();
  const receivers: number[] = [];
  const gatherers: number[] = [];
  tiers.forEach((t, i) => {
    if (t === TIERS.RING_RECEIVER) receivers.push(i);
    if (t === TIERS.FARM_RING) gatherers.push(i);
  });
  if (gatherers.length > 0 && receivers.length === 0)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `a population with ${gatherers.length} farm-ring gatherers needs at least one ring-receiver to funnel to`,
      { details: { 'farm-ring': gatherers.length } },
    );
  const rings = receivers.map((r, k) => {
    const params = scriptTierParams(options, `ring/${k}`)?.['farm-ring'];
    const ring = new FarmRing(
      memberIdentity(options.seed, r),
      withDefaults(FARM_RING_DEFAULTS, params, TIERS.FARM_RING),
      createRng(`${options.seed}/ring/${k}`),
    );
    out.set(r, ring);
    return ring;
  });
  gatherers.forEach((g, k) => {
    const ring = rings[k % rings.length]!;
    ring.addGatherer(memberIdentity(options.seed, g));
    out.set(g, ring);
  });
  return out;
}

function makeAgent(
  tier: Tier,
  name: string,
  rng: ReturnType<typeof createRng>,
  options: PopulationOptions,
  params: TierParams | undefined,
  ring: FarmRing | undefined,
): Agent {
  switch (tier) {
    case TIERS.HUMAN:
      return new HumanPlayer({
        name,
        rng,
        ...(options.recordTo !== undefined ? { recorder: options.recordTo.record() } : {}),
      });
    case TIERS.NAIVE:
      return new NaiveBot({ name, rng });
    case TIERS.JITTERED:
      return new JitteredBot({ name, rng });
    case TIERS.REPLAY:
      return new ReplayBot({ name, rng, traces: options.traces ?? [] });
    case TIERS.HUMANISED:
      return new HumanisedBot({ name, rng });
    case TIERS.PART_TIME:
      return new PartTimeBot({ name, rng });
    case TIERS.SOCIAL:
      return new SocialBot({ name, rng, params: params?.social });
    case TIERS.RESAMPLED:
      // Traces given beat the run's own recording; with neither, the bot has only its fallbacks.
      return new ResampledBot({
        name,
        rng,
        traces: options.traces ?? options.recordTo?.traces ?? [],
        params: params?.resampled,
      });
    case TIERS.FARM_RING:
      return new RingGatherer({ name, rng, ring: ring! });
    case TIERS.RING_RECEIVER:
      return new RingReceiver({ name, rng, ring: ring! });
    case TIERS.SESSION:
      return new SessionBot({ name, rng, params: params?.session });
  }
}
