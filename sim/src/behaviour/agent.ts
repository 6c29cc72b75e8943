import { contentIndexOf, type ContentIndex } from './content-index';
import {
  UPDATE_KIND,
  type AvatarRow,
  type BuildingRow,
  type CallOutcome,
  type FrontierArgs,
  type FrontierReducer,
  type GameView,
  type UpdateKind,
} from './game-port';
import { distanceToBuilding, nextStep, Situation, slotToStore, type Goal, type Step } from './planner';
import { relativeGoal, type Style, type StyleContext } from './style';
import { tradeOpening, tradeReply, type TradeCall } from './trade-rules';
import { startWalk, steerWalk, type Walk } from './walk';

/** Population tiers: humans and the bot tiers (the first five, then the tiers real operators run). */
export const TIERS = {
  HUMAN: 'human',
  NAIVE: 'naive',
  JITTERED: 'jittered',
  REPLAY: 'replay',
  HUMANISED: 'humanised',
  PART_TIME: 'part-time',
  SOCIAL: 'social',
  RESAMPLED: 'resampled',
  FARM_RING: 'farm-ring',
  RING_RECEIVER: 'ring-receiver',
  SESSION: 'session',
} as const;
/** One of {@link TIERS}. */
export type Tier = (typeof TIERS)[keyof typeof TIERS];
/** Every tier, humans first. */
export const TIER_LIST: readonly Tier[] = Object.values(TIERS);
/** Tiers that play back recorded human traces (a population with them needs a trace library). */
export const TRACE_TIERS: readonly Tier[] = [TIERS.REPLAY, TIERS.RESAMPLED];

/** What an agent needs from the runner that connects it. */
export interface AgentHost {
  /** The connection's view (its client cache). */
  readonly view: GameView;
  /** Calls a reducer; the runner reports the outcome through {@link Agent.onResult}. */
  call<N extends FrontierReducer>(reducer: N, args: FrontierArgs<N>): void;
  /** Ends the session now and reconnects as the same identity at `reconnectAtMs` (logical time). */
  disconnect(reconnectAtMs: number): void;
}

/** Counters one agent keeps. */
export interface AgentStats {
  readonly calls: Map<string, number>;
  readonly errors: Map<string, number>;
  sessions: number;
}

/** Reducers whose success starts a timed action the agent then waits for. */
const TIMED = new Set(['gather', 'craft', 'construct']);
/** How long a call may go unanswered before the agent stops waiting for it, ms. */
const RESULT_TIMEOUT_MS = 10_000;
/** How long past its expected end an action may go unseen before the agent looks again, ms. */
const ACTION_GRACE_MS = 3_000;
/** Failures of one goal after which it is dropped. */
const MAX_GOAL_FAILURES = 4;
/** How long a node that failed is avoided, ms. */
const AVOID_NODE_MS = 60_000;

/**
 * What a tier's own script asks for before the shared planner decides: walk somewhere, make a
 * trade call, or wait. Undefined leaves the decision to the planner.
 */
export type ScriptMove =
  | { readonly kind: 'goto'; readonly x: number; readonly y: number; readonly within: number }
  | { readonly kind: 'trade'; readonly call: TradeCall }
  | { readonly kind: 'wait'; readonly ms: number };

/**
 * One simulated player: goal-driven (explore, gather, craft, build, store, trade, chat), seeing the
 * world only through its connection's cache and acting only through reducer calls. Everything that
 * makes a human, a naive bot or a humanised bot is its {@link Style}; tiers are subclasses that
 * choose it. The runner calls {@link Agent.wake} when {@link Agent.nextWakeMs} is due and forwards
 * updates and call outcomes; the agent never reads a clock, so a run is a function of its seed.
 */
export abstract class Agent {
  #name: string;
  /** Tier label (ground truth for trials; never visible to the detector). */
  readonly tier: Tier;
  /** Logical time at which the agent wants to be woken, ms. */
  nextWakeMs = 0;
  /**
   * Multiplies the distance from the spawn point at which the player settles on its first session.
   * Populations set it so that the density of players (and so what each one sees) does not grow
   * with their number. @default 1
   */
  homeScale = 1;
  /** Counters. */
  readonly stats: AgentStats = { calls: new Map(), errors: new Map(), sessions: 0 };
  #host: AgentHost | undefined;
  #content: ContentIndex | undefined;
  #joinPending = false;
  #goal: Goal | undefined;
  #goalFailures = 0;
  #walk: Walk | undefined;
  #awaiting: 'result' | 'action' | undefined;
  #awaitingCall = '';
  #awaitSinceMs = 0;
  #actionDeadlineMs = 0;
  #containerId = 0;
  #joined = false;
  #settled = false;
  #expectedActionMs = 0;
  #taskStartMs = 0;
  #heard = 0;
  #exploreHeading = Number.NaN;
  readonly #avoid = new Map<number, number>();
  readonly #handledTrades = new Map<number, string>();

  constructor(name: string, tier: Tier) {
    this.#name = name;
    this.tier = tier;
  }

  /** The player's name (neutral: it does not reveal the tier). */
  get name(): string {
    return this.#name;
  }

  /** Whether the agent is a bot (any tier but human). */
  get isBot(): boolean {
    return this.tier !== TIERS.HUMAN;
  }

  /** The style that decides right now (part-time bots switch). */
  protected abstract style(nowMs: number): Style;

  /** Called by the runner on every (re)connection, before the first wake of the session. */
  attach(host: AgentHost, nowMs: number): void {
    this.#host = host;
    this.#content = undefined;
    this.#walk = undefined;
    this.#awaiting = undefined;
    this.#taskStartMs = nowMs;
    this.stats.sessions++;
    this.onSessionStart(nowMs);
    this.nextWakeMs = nowMs + this.style(nowMs).reactionMs(this.#ctx(nowMs));
  }

  /** Hook for styles that plan sessions. */
  protected onSessionStart(_nowMs: number): void {}

  /**
   * Hook for tiers whose script coordinates accounts or plans its own moves (a farm ring): asked on
   * every fresh decision, after trades are answered and before chat and the planner.
   */
  protected script(_s: Situation, _nowMs: number): ScriptMove | undefined {
    return undefined;
  }

  /**
   * The answer to the trades the player is part of, if one is due: by default the shared trade
   * rules with the style's response; a farm ring answers its own accounts' trades its own way.
   */
  protected tradeMove(s: Situation, style: Style, nowMs: number): TradeCall | undefined {
    return tradeReply(s, style.tradeResponse, this.#handledTrades, nowMs);
  }

  /** Called by the runner when the connection is gone. */
  detach(): void {
    this.#host = undefined;
    this.#walk = undefined;
    this.#awaiting = undefined;
    this.#joinPending = false;
  }

  /** Whether the agent is connected. */
  get attached(): boolean {
    return this.#host !== undefined;
  }

  #ctx(nowMs: number): StyleContext {
    return { nowMs, timeOnTaskMs: Math.max(0, nowMs - this.#taskStartMs) };
  }

  #call<N extends FrontierReducer>(reducer: N, args: FrontierArgs<N>, nowMs: number, await_ = true): void {
    this.stats.calls.set(reducer, (this.stats.calls.get(reducer) ?? 0) + 1);
    if (await_) {
      this.#awaiting = 'result';
      this.#awaitingCall = reducer;
      this.#awaitSinceMs = nowMs;
      this.nextWakeMs = nowMs + RESULT_TIMEOUT_MS;
    }
    this.#host!.call(reducer, args);
  }

  /** The runner wakes the agent: it looks at its cache and maybe calls something. */
  wake(nowMs: number): void {
    const host = this.#host;
    if (host === undefined) {
      this.nextWakeMs = Number.POSITIVE_INFINITY;
      return;
    }
    const style = this.style(nowMs);
    const c = this.#ctx(nowMs);
    const db = host.view.db;
    const me = db.avatar.find(host.view.identity);
    if (me === undefined) {
      if (!this.#joinPending && !this.#joined) {
        this.#joinPending = true;
        this.#call('join', { name: this.name }, nowMs);
      } else this.nextWakeMs = nowMs + 1_000;
      return;
    }
    if (this.#containerId === 0) {
      for (const c of db.container.iter())
        if (c.owner === me.identity && c.buildingId === 0) this.#containerId = c.id;
      if (this.#containerId === 0) {
        this.nextWakeMs = nowMs + 1_000;
        return;
      }
    }
    this.#content ??= contentIndexOf(db);
    if (this.#awaiting === 'action') {
      // The end of an action shows as an update (inventory, notice, building); this is the fallback.
      if (nowMs < this.#actionDeadlineMs) {
        this.nextWakeMs = this.#actionDeadlineMs;
        return;
      }
      this.#awaiting = undefined;
    }
    if (this.#awaiting === 'result') {
      if (nowMs - this.#awaitSinceMs < RESULT_TIMEOUT_MS) {
        this.nextWakeMs = this.#awaitSinceMs + RESULT_TIMEOUT_MS;
        return;
      }
      this.#awaiting = undefined;
    }
    const session = style.session(c);
    if (session.kind === 'offline') {
      host.disconnect(nowMs + session.ms);
      this.nextWakeMs = Number.POSITIVE_INFINITY;
      return;
    }
    if (session.kind === 'break') {
      if (me.moving) this.#call('move', { dx: 0, dy: 0 }, nowMs, false);
      this.#walk = undefined;
      this.nextWakeMs = nowMs + session.ms;
      this.#taskStartMs = nowMs + session.ms;
      return;
    }
    if (this.#walk !== undefined) this.#steer(nowMs, me, style, c);
    else this.#decide(nowMs, me, style, c);
  }

  /** An update arrived that may call for a reaction. */
  onUpdate(kind: UpdateKind, nowMs: number): void {
    if (this.#host === undefined) return;
    const style = this.style(nowMs);
    const c = this.#ctx(nowMs);
    switch (kind) {
      case UPDATE_KIND.ACTION_END:
      case UPDATE_KIND.NOTICE:
        if (this.#awaiting === 'action') {
          this.#awaiting = undefined;
          this.nextWakeMs = nowMs + style.reactionMs(c);
        }
        break;
      case UPDATE_KIND.TRADE:
        if (this.#awaiting === undefined && this.#walk === undefined)
          this.nextWakeMs = Math.min(this.nextWakeMs, nowMs + style.reactionMs(c));
        break;
      case UPDATE_KIND.CHAT:
        this.#heard++;
        break;
    }
  }

  /** A call's outcome arrived. */
  onResult(reducer: string, outcome: CallOutcome, nowMs: number): void {
    if (!outcome.ok) this.stats.errors.set(outcome.code, (this.stats.errors.get(outcome.code) ?? 0) + 1);
    if (reducer === 'join') {
      this.#joinPending = false;
      if (outcome.ok || outcome.code === 'ALREADY_JOINED') this.#joined = true;
      if (!outcome.ok && outcome.code === 'NAME_TAKEN')
        this.#name = `${this.#name.slice(0, 12)}${Math.floor(nowMs) % 1000}`;
    }
    if (this.#host === undefined || this.#awaiting !== 'result' || reducer !== this.#awaitingCall) return;
    const style = this.style(nowMs);
    const c = this.#ctx(nowMs);
    if (outcome.ok && TIMED.has(reducer)) {
      this.#awaitAction(nowMs, this.#expectedActionMs);
      return;
    }
    this.#awaiting = undefined;
    let delay = style.reactionMs(c);
    if (!outcome.ok) {
      delay += style.thinkMs(c);
      this.#failed(outcome.code, nowMs);
    }
    this.nextWakeMs = nowMs + delay;
  }

  /** Makes a trade call the trade rules chose; returns whether there was one. */
  #trade(move: TradeCall | undefined, nowMs: number): boolean {
    if (move === undefined) return false;
    this.#call(move.reducer, move.args, nowMs);
    return true;
  }

  #failed(code: string, nowMs: number): void {
    if (code === 'BUSY') {
      this.#awaitAction(nowMs, 2_000);
      return;
    }
    if (++this.#goalFailures >= MAX_GOAL_FAILURES) this.#dropGoal();
    if (code === 'INVENTORY_FULL') this.#dropGoal();
  }

  #awaitAction(nowMs: number, expectedMs: number): void {
    this.#awaiting = 'action';
    this.#awaitSinceMs = nowMs;
    this.#actionDeadlineMs = nowMs + expectedMs + ACTION_GRACE_MS;
    this.nextWakeMs = this.#actionDeadlineMs;
  }

  #dropGoal(): void {
    this.#goal = undefined;
    this.#goalFailures = 0;
  }

  #decide(nowMs: number, me: AvatarRow, style: Style, c: StyleContext): void {
    const view = this.#host!.view;
    const s = new Situation(view, this.#content!, me, this.#containerId);
    for (const [id, until] of this.#avoid) if (until <= nowMs) this.#avoid.delete(id);

    if (!this.#settled) {
      // Newcomers leave the crowded spawn point to settle somewhere (as settlers in BitCraft do).
      this.#settled = true;
      const heading = style.exploreHeading(Number.NaN, c);
      const [x, y] = this.#pointToward(me, heading, style.homeTiles(c) * this.homeScale);
      this.#startWalk(nowMs, me, x, y, 2, undefined, undefined, style, c);
      return;
    }
    if (this.#trade(this.tradeMove(s, style, nowMs), nowMs)) return;
    const move = this.script(s, nowMs);
    if (move !== undefined) {
      if (move.kind === 'goto')
        this.#startWalk(nowMs, me, move.x, move.y, move.within, undefined, undefined, style, c);
      else if (move.kind === 'trade') this.#trade(move.call, nowMs);
      else this.nextWakeMs = nowMs + Math.max(50, move.ms);
      return;
    }
    const say = style.chat(c, this.#heard);
    if (say !== undefined) {
      this.#heard = 0;
      this.#call('say', { channel: 'local', text: say }, nowMs);
      return;
    }
    if (style.wantsTrade(c) && this.#trade(tradeOpening(s), nowMs)) return;

    if (style.stores && s.freeSlots <= 2) {
      const chest = s.own('storage_chest', true)[0];
      const keep = new Set<string>(
        this.#goal !== undefined && this.#goal.kind !== 'build' ? [this.#goal.itemId] : [],
      );
      const slot = slotToStore(s, keep);
      if (chest !== undefined && slot !== undefined) {
        const step: Step = { kind: 'deposit', building: chest, slot: slot.slot, quantity: slot.quantity };
        this.#atBuilding(nowMs, me, s, chest, step, style, c);
        return;
      }
      if (
        chest === undefined &&
        (this.#goal?.kind !== 'build' || this.#goal.buildingKind !== 'storage_chest')
      )
        this.#goal = { kind: 'build', buildingKind: 'storage_chest' };
    }

    if (this.#goal === undefined) {
      this.#goal = relativeGoal(style.nextGoal(s, c), s);
      this.#goalFailures = 0;
      // A fresh goal is a fresh decision: it takes thought before the first call.
      this.nextWakeMs = nowMs + style.thinkMs(c);
      return;
    }
    const step = nextStep(s, this.#goal, {
      pickNode: (n) => style.pickNode(n),
      avoid: new Set(this.#avoid.keys()),
    });
    if (step.kind !== 'done' && step.kind !== 'blocked' && style.mistake(c)) {
      this.#mistake(step, nowMs, s);
      return;
    }
    switch (step.kind) {
      case 'done': {
        this.#dropGoal();
        this.nextWakeMs = nowMs + style.idleMs(c) + style.thinkMs(c);
        return;
      }
      case 'blocked': {
        this.#dropGoal();
        this.nextWakeMs = nowMs + style.thinkMs(c);
        return;
      }
      case 'gather': {
        const d = Math.hypot(step.node.x - me.x, step.node.y - me.y);
        if (d <= step.reach - 0.25) this.#perform(step, nowMs);
        else
          this.#startWalk(nowMs, me, step.node.x, step.node.y, step.reach - 0.45, step, undefined, style, c);
        return;
      }
      case 'construct':
        this.#atBuilding(nowMs, me, s, step.building, step, style, c);
        return;
      case 'goto':
        this.#startWalk(nowMs, me, step.x, step.y, step.within, undefined, undefined, style, c);
        return;
      case 'explore': {
        const heading = style.exploreHeading(this.#exploreHeading, c);
        this.#exploreHeading = heading;
        const [x, y] = this.#pointToward(me, heading, style.exploreTiles(c));
        this.#startWalk(nowMs, me, x, y, 1.5, undefined, step.itemId, style, c);
        return;
      }
      default:
        this.#perform(step, nowMs);
    }
  }

  /** A point `tiles` away from the player on `heading`, kept inside the world's border. */
  #pointToward(me: AvatarRow, heading: number, tiles: number): [number, number] {
    const info = this.#host!.view.db.world_info.find(0);
    const limit = (info?.worldTiles ?? 4096) - 2;
    return [
      Math.min(limit, Math.max(2, me.x + Math.cos(heading) * tiles)),
      Math.min(limit, Math.max(2, me.y + Math.sin(heading) * tiles)),
    ];
  }

  /** Performs a step at a building when in reach of it, else walks there first. */
  #atBuilding(
    nowMs: number,
    me: AvatarRow,
    s: Situation,
    building: BuildingRow,
    step: Step,
    style: Style,
    c: StyleContext,
  ): void {
    const reach = s.content.settings.reachTiles + s.content.settings.playerRadiusTiles;
    if (distanceToBuilding(me.x, me.y, building) <= reach - 0.3) this.#perform(step, nowMs);
    else {
      const within = reach - 0.5 + Math.min(building.width, building.height) / 2;
      this.#startWalk(nowMs, me, building.cx, building.cy, within, step, undefined, style, c);
    }
  }

  /** Issues the call of a step the player is in position for. */
  #perform(step: Step, nowMs: number): void {
    switch (step.kind) {
      case 'gather':
        this.#expectedActionMs = this.#content?.resources.get(step.node.resourceId)?.gatherMs ?? 2_000;
        this.#call('gather', { nodeId: step.node.id }, nowMs);
        return;
      case 'craft':
        this.#expectedActionMs = this.#content?.recipes.get(step.recipeId)?.def.craftMs ?? 2_000;
        this.#call('craft', { recipeId: step.recipeId }, nowMs);
        return;
      case 'place':
        this.#call('place_building', { kind: step.buildingKind, x: step.x, y: step.y }, nowMs);
        return;
      case 'construct':
        this.#expectedActionMs = this.#content?.settings.constructStepMs ?? 1_000;
        this.#call('construct', { building: step.building.id }, nowMs);
        return;
      case 'deposit':
        this.#call(
          'deposit',
          { building: step.building.id, slot: step.slot, quantity: step.quantity },
          nowMs,
        );
        return;
      default:
        this.nextWakeMs = nowMs + 1_000;
    }
  }

  /** A call that will be rejected: acting before arriving, or crafting without the inputs. */
  #mistake(step: Step, nowMs: number, s: Situation): void {
    if (step.kind === 'gather') {
      this.#call('gather', { nodeId: step.node.id }, nowMs);
      return;
    }
    for (const recipe of s.content.recipes.values())
      if (recipe.inputs.some((i) => s.count(i.itemId) < i.quantity)) {
        this.#call('craft', { recipeId: recipe.def.id }, nowMs);
        return;
      }
    this.#perform(step, nowMs);
  }

  #startWalk(
    nowMs: number,
    me: AvatarRow,
    x: number,
    y: number,
    within: number,
    then: Step | undefined,
    explore: string | undefined,
    style: Style,
    c: StyleContext,
  ): void {
    this.#walk = startWalk(nowMs, me, x, y, within, then, explore);
    this.#steer(nowMs, me, style, c);
  }

  #steer(nowMs: number, me: AvatarRow, style: Style, c: StyleContext): void {
    const walk = this.#walk!;
    // A trade offer is worth stopping for (the cache holds only this player's trades).
    if (this.#host!.view.db.trade.count() > 0) {
      const s = new Situation(this.#host!.view, this.#content!, me, this.#containerId);
      if (this.#trade(this.tradeMove(s, style, nowMs), nowMs)) {
        if (me.moving) this.#call('move', { dx: 0, dy: 0 }, nowMs, false);
        this.#walk = undefined;
        return;
      }
    }
    const dx = walk.x - me.x;
    const dy = walk.y - me.y;
    const dist = Math.hypot(dx, dy);
    const speed = this.#content!.settings.playerSpeedTilesPerSec;
    if (dist <= walk.within) {
      this.#walk = undefined;
      if (walk.then !== undefined && walk.then.kind !== 'goto') {
        this.#perform(walk.then, nowMs);
        return;
      }
      if (me.moving || walk.moving) this.#call('move', { dx: 0, dy: 0 }, nowMs, false);
      this.nextWakeMs = nowMs + style.reactionMs(c);
      return;
    }
    if (walk.explore !== undefined && nowMs - walk.startedMs > 1_000) {
      // Something useful came into view: stop exploring and plan again.
      const s = new Situation(this.#host!.view, this.#content!, me, this.#containerId);
      const goal = this.#goal;
      if (
        goal !== undefined &&
        nextStep(s, goal, { avoid: new Set(this.#avoid.keys()) }).kind !== 'explore'
      ) {
        this.#walk = undefined;
        this.nextWakeMs = nowMs + style.reactionMs(c);
        return;
      }
    }
    const next = steerWalk(walk, me, dx, dy, dist, speed, nowMs, style, c);
    if (next === undefined) {
      // Hopelessly blocked (water, cliffs): give up on this target.
      this.#walk = undefined;
      if (walk.then?.kind === 'gather') this.#avoid.set(walk.then.node.id, nowMs + AVOID_NODE_MS);
      if (walk.explore !== undefined) this.#exploreHeading = Number.NaN;
      this.#call('move', { dx: 0, dy: 0 }, nowMs, false);
      this.nextWakeMs = nowMs + style.thinkMs(c);
      return;
    }
    if (next.turn) {
      const heading = next.heading;
      this.#call(
        'move',
        { dx: Math.fround(Math.cos(heading) * 0.999), dy: Math.fround(Math.sin(heading) * 0.999) },
        nowMs,
        false,
      );
      walk.heading = heading;
    }
    walk.moving = true;
    this.nextWakeMs = nowMs + Math.max(50, next.delayMs);
  }
}
