import type { Identity } from '@tickspace/server/engine';
import type { Rng } from '../random';
import { Agent, TIERS, type ScriptMove } from './agent';
import type { TradeRow } from './game-port';
import { JitteredStyle } from './jittered-bot';
import type { Situation } from './planner';
import type { Style, StyleContext } from './style';
import { DelegatingStyle } from './style-delegate';
import { perturbParams, type ParamRanges } from './tier-params';
import type { TradeCall } from './trade-rules';

/** Parameters of a farm ring (its gathering accounts and its receiving account). */
export interface FarmRingParams {
  /** A gatherer delivers once it holds this many tradeable items. */
  readonly deliverAtItems: number;
  /** Gatherers stay within this many tiles of the receiver (the ring farms one patch). */
  readonly leashTiles: number;
  /** Median distance from the spawn point at which the ring settles, tiles. */
  readonly homeTilesMedian: number;
  /** A trade of the ring that has not completed in this long is cancelled, ms. */
  readonly staleTradeMs: number;
  /** The receiver's median idle between its own small goals, ms (it gathers little). */
  readonly receiverIdleMedianMs: number;
  /** How many items the receiver gathers per goal. */
  readonly receiverGatherTarget: number;
}

/** Defaults of {@link RingGatherer} and {@link RingReceiver}. */
export const FARM_RING_DEFAULTS: FarmRingParams = {
  deliverAtItems: 24,
  leashTiles: 18,
  homeTilesMedian: 60,
  staleTradeMs: 20_000,
  receiverIdleMedianMs: 40_000,
  receiverGatherTarget: 2,
};

const RANGES: ParamRanges<FarmRingParams> = {
  deliverAtItems: { min: 4, max: 120, integer: true },
  leashTiles: { min: 6, max: 60 },
  homeTilesMedian: { min: 20, max: 200 },
  staleTradeMs: { min: 8_000, max: 60_000 },
  receiverIdleMedianMs: { min: 5_000, max: 180_000 },
  receiverGatherTarget: { min: 1, max: 8, integer: true },
};

/**
 * A variant of a farm ring's parameters.
 * @example
 * const params = perturbFarmRingParams('variant-1');
 */
export function perturbFarmRingParams(
  seed: string | Rng,
  base: FarmRingParams = FARM_RING_DEFAULTS,
): FarmRingParams {
  return perturbParams(base, RANGES, seed);
}

/**
 * The one script behind a farm ring: it knows its own accounts (the receiver's identity, the
 * gatherers'), where each of them stands (each reports what its own connection shows of itself),
 * and where the ring settles. Nothing here comes from the server but what each account sees.
 */
export class FarmRing {
  readonly params: FarmRingParams;
  /** The receiving account's identity. */
  readonly receiver: Identity;
  /** Heading from the spawn point to the ring's patch, radians. */
  readonly heading: number;
  /** Distance from the spawn point to the ring's patch, tiles. */
  readonly homeTiles: number;
  readonly #gatherers = new Set<string>();
  readonly #positions = new Map<string, { readonly x: number; readonly y: number; readonly atMs: number }>();
  readonly #online = new Set<string>();

  constructor(receiver: Identity, params: FarmRingParams, rng: Rng) {
    this.receiver = receiver;
    this.params = params;
    this.heading = rng.uniform(-Math.PI, Math.PI);
    this.homeTiles = Math.max(15, rng.logNormal(Math.log(params.homeTilesMedian), 0.4));
  }

  /** Adds a gathering account. */
  addGatherer(identity: string): void {
    this.#gatherers.add(identity);
  }

  /** The gathering accounts. */
  get gatherers(): ReadonlySet<string> {
    return this.#gatherers;
  }

  /** Whether `identity` is one of the ring's accounts. */
  isMember(identity: string): boolean {
    return identity === this.receiver || this.#gatherers.has(identity);
  }

  /** An account reports where its own connection shows it. */
  report(identity: string, x: number, y: number, nowMs: number): void {
    this.#positions.set(identity, { x, y, atMs: nowMs });
  }

  /** Where an account last reported itself. */
  positionOf(
    identity: string,
  ): { readonly x: number; readonly y: number; readonly atMs: number } | undefined {
    return this.#positions.get(identity);
  }

  /** An account's session started or ended (the script runs its connections). */
  setOnline(identity: string, online: boolean): void {
    if (online) this.#online.add(identity);
    else this.#online.delete(identity);
  }

  /** Whether an account's connection is up. */
  isOnline(identity: string): boolean {
    return this.#online.has(identity);
  }
}

/** Kinds of item one side of a trade may hold (the world's `maxTradeItems` default). */
const MAX_TRADE_KINDS = 16;

/** Items a ring moves: everything but tools, with the count held. */
function tradeableCounts(s: Situation): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, n] of s.counts) {
    const def = s.content.items.get(id);
    if (def === undefined || def.toolKind !== '') continue;
    out.set(id, n);
  }
  return out;
}

/** The ring's trade, if one is open between `me` and `partner`. */
export function ringTrade(s: Situation, me: string, partner: string): TradeRow | undefined {
  for (const t of s.view.db.trade.iter())
    if ((t.a === me && t.b === partner) || (t.a === partner && t.b === me)) return t;
  return undefined;
}

/**
 * A script's style that settles in its ring's patch: the first heading (the walk from the spawn
 * point) and distance are the ring's, so all its accounts farm side by side.
 */
class RingStyle extends DelegatingStyle {
  readonly #ring: FarmRing;
  #settled = false;

  constructor(base: Style, ring: FarmRing) {
    super(base);
    this.#ring = ring;
  }

  override exploreHeading(previous: number, c: StyleContext): number {
    if (this.#settled) return this.base.exploreHeading(previous, c);
    this.#settled = true;
    return this.#ring.heading;
  }
  override homeTiles(_c: StyleContext): number {
    return this.#ring.homeTiles;
  }
}

/** Options of {@link RingGatherer}. */
export interface RingGathererOptions {
  readonly name: string;
  readonly rng: Rng;
  /** The ring this account belongs to (shared with its other accounts). */
  readonly ring: FarmRing;
}

/**
 * Farm-ring tier, a gathering account: a jittered farming script that settles with its ring,
 * stays near the receiving account, and whenever it holds enough walks over and hands everything
 * it gathered to the receiver in one trade, getting nothing back. It ignores strangers' trades.
 * @example
 * const ring = new FarmRing(receiverIdentity, FARM_RING_DEFAULTS, createRng('ring-1'));
 * const bot = new RingGatherer({ name: 'p3', rng: createRng('seed/p3'), ring });
 */
export class RingGatherer extends Agent {
  readonly ring: FarmRing;
  readonly #style: Style;

  constructor(options: RingGathererOptions) {
    super(options.name, TIERS.FARM_RING);
    this.ring = options.ring;
    this.#style = new RingStyle(new JitteredStyle(options.rng), options.ring);
  }

  protected style(): Style {
    return this.#style;
  }

  protected override script(s: Situation, nowMs: number): ScriptMove | undefined {
    const me = s.me.identity;
    this.ring.report(me, s.me.x, s.me.y, nowMs);
    const ring = this.ring;
    const p = ring.params;
    const receiver = ring.positionOf(ring.receiver);
    if (receiver === undefined || !ring.isOnline(ring.receiver)) return undefined;
    const d = Math.hypot(receiver.x - s.me.x, receiver.y - s.me.y);
    const radius = s.content.settings.tradeRadiusTiles;
    let held = 0;
    for (const n of tradeableCounts(s).values()) held += n;
    if (held >= p.deliverAtItems || (held > 0 && s.freeSlots <= 1)) {
      if (ringTrade(s, me, ring.receiver) !== undefined) return { kind: 'wait', ms: 1_000 };
      if (d > radius - 1.5) return { kind: 'goto', x: receiver.x, y: receiver.y, within: radius - 2.5 };
      return { kind: 'trade', call: { reducer: 'trade_open', args: { partner: ring.receiver } } };
    }
    if (d > p.leashTiles) return { kind: 'goto', x: receiver.x, y: receiver.y, within: p.leashTiles / 2 };
    return undefined;
  }

  protected override tradeMove(s: Situation, _style: Style, nowMs: number): TradeCall | undefined {
    const me = s.me.identity;
    const trade = ringTrade(s, me, this.ring.receiver);
    if (trade === undefined || trade.a !== me) return undefined;
    if (nowMs - trade.openedMs > this.ring.params.staleTradeMs)
      return { reducer: 'trade_cancel', args: { trade: trade.id } };
    const offered = new Map<string, number>();
    for (const i of s.view.db.trade_item.iter())
      if (i.tradeId === trade.id && i.side === 0) offered.set(i.itemId, i.quantity);
    const max = MAX_TRADE_KINDS;
    for (const [itemId, n] of tradeableCounts(s)) {
      if (offered.size >= max) break;
      if (!offered.has(itemId))
        return { reducer: 'trade_offer', args: { trade: trade.id, itemId, quantity: n } };
    }
    if (offered.size > 0 && !trade.aAccepted) return { reducer: 'trade_accept', args: { trade: trade.id } };
    return undefined;
  }
}
