import { clamp, type Rng } from '../random';
import { Agent, TIERS, type AgentHost, type ScriptMove } from './agent';
import { FarmRing, ringTrade } from './farm-ring';
import { JitteredStyle } from './jittered-bot';
import type { Goal, Situation } from './planner';
import { FARM_GOALS, type Style, type StyleContext } from './style';
import { DelegatingStyle } from './style-delegate';
import type { TradeCall } from './trade-rules';

/**
 * The receiver's style: the ring's patch, small gathering goals with long idles between them (it
 * gathers little), and it stores what it receives.
 */
class ReceiverStyle extends DelegatingStyle {
  readonly #ring: FarmRing;
  readonly #rng: Rng;
  #settled = false;

  constructor(ring: FarmRing, rng: Rng) {
    super(new JitteredStyle(rng));
    this.#ring = ring;
    this.#rng = rng;
  }

  override get stores(): boolean {
    return true;
  }
  override idleMs(_c: StyleContext): number {
    const median = this.#ring.params.receiverIdleMedianMs;
    return clamp(this.#rng.logNormal(Math.log(median), 0.6), 1_000, 10 * median);
  }
  override nextGoal(_s: Situation, _c: StyleContext): Goal {
    const gathers = FARM_GOALS.filter((g) => g.kind === 'gather');
    const g = this.#rng.pick(gathers);
    return { ...g, target: this.#ring.params.receiverGatherTarget };
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

/** Options of {@link RingReceiver}. */
export interface RingReceiverOptions {
  readonly name: string;
  readonly rng: Rng;
  /** The ring whose receiving account this is. */
  readonly ring: FarmRing;
}

/**
 * Ring-receiver tier: the account a farm ring funnels its harvest to. It settles in the ring's
 * patch, gathers a little now and then, accepts every trade its own gatherers open (giving nothing
 * back), stays put while one is open, and ignores everyone else's.
 * @example
 * const ring = new FarmRing(identity, FARM_RING_DEFAULTS, createRng('ring-1'));
 * const receiver = new RingReceiver({ name: 'p2', rng: createRng('seed/p2'), ring });
 */
export class RingReceiver extends Agent {
  readonly ring: FarmRing;
  readonly #style: Style;
  readonly #answered = new Map<number, string>();

  constructor(options: RingReceiverOptions) {
    super(options.name, TIERS.RING_RECEIVER);
    this.ring = options.ring;
    this.#style = new ReceiverStyle(options.ring, options.rng);
  }

  protected style(): Style {
    return this.#style;
  }

  override attach(host: AgentHost, nowMs: number): void {
    super.attach(host, nowMs);
    this.ring.setOnline(this.ring.receiver, true);
  }

  override detach(): void {
    super.detach();
    this.ring.setOnline(this.ring.receiver, false);
  }

  protected override script(s: Situation, nowMs: number): ScriptMove | undefined {
    this.ring.report(s.me.identity, s.me.x, s.me.y, nowMs);
    // A gatherer is handing over: stay within reach until the trade is done.
    for (const t of s.view.db.trade.iter())
      if (t.b === s.me.identity && this.ring.gatherers.has(t.a)) return { kind: 'wait', ms: 1_000 };
    return undefined;
  }

  protected override tradeMove(s: Situation, _style: Style, _nowMs: number): TradeCall | undefined {
    const me = s.me.identity;
    for (const gatherer of this.ring.gatherers) {
      const trade = ringTrade(s, me, gatherer);
      if (trade === undefined || trade.b !== me || trade.bAccepted) continue;
      let offered = 0;
      let state = '';
      for (const i of s.view.db.trade_item.iter())
        if (i.tradeId === trade.id && i.side === 0) {
          offered++;
          state += `${i.itemId}:${i.quantity},`;
        }
      if (offered === 0) continue;
      // Accept each state of the offer once; a refused acceptance is not repeated until it changes.
      state += trade.aAccepted ? 'a' : '';
      if (this.#answered.get(trade.id) === state) continue;
      this.#answered.set(trade.id, state);
      return { reducer: 'trade_accept', args: { trade: trade.id } };
    }
    return undefined;
  }
}
