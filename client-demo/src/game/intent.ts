import type { Graphics } from 'pixi.js';
import { failureSentence } from '../ui/failure-words';
import { itemCounts, TOAST_KIND, type GameContext } from '../ui/game-context';
import type { AvatarRow, ResourceNodeRow } from '../world/rows';
import { WalkPlan, type WalkGoal } from './auto-walk';
import type { CollisionWorld } from './collision-world';
import { nearestInteraction, nearestPlayer } from './nearby';
import { clearLine, findPath, type Waypoint } from './path-finder';
import type { Predictor } from './prediction';
import { checkTool } from './tools';

/** What {@link Intent} needs from the game. */
export interface IntentHost extends GameContext {
  readonly predictor: Predictor;
  readonly collision: CollisionWorld;
  /** Opens the trade window with a player standing in range. */
  openTrade(partner: AvatarRow['identity']): void;
  /** Opens the crafting panel at a recipe. */
  showRecipe(recipeId: string): void;
}

/** Options of {@link Intent}. */
export interface IntentOptions {
  readonly host: IntentHost;
  /** Ground markers (the walk target); cleared when a walk ends. */
  readonly ground: Graphics;
  /** The direction the held movement keys ask for, resumed when a walk is cancelled. */
  readonly heldDirection: () => readonly [number, number];
  readonly now: () => number;
  /** Auto-walk gives up after this long without getting closer, ms. */
  readonly stuckAfterMs: number;
}

/**
 * What the player means to do next, beyond the key they hold: walk to a point, gather a node,
 * construct a building step after step, or open a trade, each after walking into reach. Owns the
 * direction sent to the server, so a walk and the keys never fight over it.
 */
export class Intent {
  readonly #host: IntentHost;
  readonly #opts: IntentOptions;
  /** The auto-walk under way, if any. */
  #walk: WalkPlan | undefined;
  /** Building being constructed step after step, if any. */
  #constructing: number | undefined;
  /** Node gathered again and again until it or the backpack is done, if any. */
  #gathering: number | undefined;
  readonly #offNotice: () => void;
  #sentDir: [number, number] = [0, 0];
  /** Whether the walk's last leg was handed to the server (`walk_to`). */
  #approaching = false;

  constructor(options: IntentOptions) {
    this.#opts = options;
    this.#host = options.host;
    // A notice is an action that could not finish (the backpack filled up, the node emptied under
    // us): the repeat stops there, its toast says why.
    this.#offNotice = options.host.view.table('notice').onInsert((n) => {
      if (n.owner === options.host.identity()) this.#gathering = undefined;
    });
  }

  /** Removes the listener. */
  destroy(): void {
    this.#offNotice();
  }

  /**
   * Makes way for a new action of `kind`: stops repeating and cancels the player's running gather
   * or construction (a running action of the same kind is left to the server's BUSY answer).
   */
  yieldTo(kind: string): void {
    this.stopRepeating();
    const action = this.#host.view.table('action').find(this.#host.identity() ?? ('' as never));
    if (action !== undefined && action.kind !== kind) void this.#host.call('cancel_action', {});
  }

  /** Stops repeating (Esc cancelled the action). */
  stopRepeating(): void {
    this.#gathering = undefined;
    this.#constructing = undefined;
  }

  /** The walk's goal, if a walk is under way (for the status line and the target marker). */
  get goal(): WalkGoal | undefined {
    return this.#walk?.goal;
  }

  /** Whether an auto-walk (click to walk, gather or build) is under way. */
  get walking(): boolean {
    return this.#walk !== undefined;
  }

  /** Keys took over: forget the walk and the construction loop, and hold the keys' direction. */
  keyDirection(dx: number, dy: number): void {
    this.#walk = undefined;
    this.#approaching = false;
    this.stopRepeating();
    this.#opts.ground.clear();
    this.steer(dx, dy);
  }

  /** Sets the predicted direction and tells the server, once per change, in order. */
  steer(dx: number, dy: number): void {
    const fx = Math.fround(dx);
    const fy = Math.fround(dy);
    this.#host.predictor.setInput(fx, fy);
    if (fx === this.#sentDir[0] && fy === this.#sentDir[1]) return;
    this.#sentDir = [fx, fy];
    // Sent at once, never waiting for the previous result: one socket keeps the order, and a
    // slow round trip must not queue up stale directions.
    void this.#host.call('move', { dx: fx, dy: fy });
  }

  /** Walks to a point (tiles), as a click on open ground does. */
  walkTo(x: number, y: number): void {
    this.#setGoal({ kind: 'point', x, y });
  }

  /**
   * Walks to a resource node and gathers it once within reach, again and again until the node is
   * used up or the backpack is full. A missing tool is said before any walk, with a button that
   * opens the recipe making it.
   */
  gatherNode(node: ResourceNodeRow): void {
    const host = this.#host;
    const view = host.view;
    const def = view.table('resource_def').find(node.resourceId);
    const counts = itemCounts(host);
    const tool = checkTool(view, counts, node.resourceId);
    if (!tool.ok) {
      const text = failureSentence('TOOL_REQUIRED', '', {
        view,
        identity: host.identity(),
        counts,
        subject: { nodeId: node.id },
      });
      const recipe = tool.recipeId;
      host.toast(
        text,
        TOAST_KIND.ERROR,
        'TOOL_REQUIRED',
        recipe === undefined ? undefined : { label: 'Show recipe', run: () => host.showRecipe(recipe) },
      );
      return;
    }
    const s = view.table('settings').find(0);
    const reach = (s?.reachTiles ?? 1.5) + (def?.radius ?? 0.4) + (s?.playerRadiusTiles ?? 0.3) - 0.25;
    if (node.amount === 0)
      host.toast(`The ${def?.name ?? 'resource'} is used up; it grows back soon.`, TOAST_KIND.INFO);
    this.#setGoal({ kind: 'gather', nodeId: node.id, x: node.x, y: node.y, reach });
  }

  /** Walks to an unfinished building and works on it, step after step, until it is complete. */
  constructBuilding(id: number): void {
    const view = this.#host.view;
    const b = view.table('building').find(id);
    if (b === undefined) return;
    const s = view.table('settings').find(0);
    const reach = (s?.reachTiles ?? 1.5) + Math.max(b.width, b.height) / 2 - 0.1;
    this.#setGoal({ kind: 'construct', buildingId: id, x: b.cx, y: b.cy, reach });
  }

  /**
   * Opens a trade with a player: at once when they stand within trade range (with a tile to
   * spare, as they may step away), else after walking up to them.
   */
  requestTrade(partner: AvatarRow['identity']): void {
    const host = this.#host;
    const other = host.view.table('avatar').find(partner);
    if (other === undefined || !other.online)
      return host.toast(`${other?.name ?? 'That player'} is not online.`, TOAST_KIND.INFO);
    const reach = Math.max(1, (host.view.table('settings').find(0)?.tradeRadiusTiles ?? 5) - 1.5);
    if (Math.hypot(other.x - host.predictor.x, other.y - host.predictor.y) <= reach)
      return host.openTrade(partner);
    this.#setGoal({ kind: 'trade', partner, name: other.name, x: other.x, y: other.y, reach });
  }

  /** E / Space: gather the nearest resource in reach, or work on the nearest unfinished building. */
  interactNearest(): void {
    const host = this.#host;
    if (host.me() === undefined || !host.predictor.initialized) return;
    const near = nearestInteraction(host.view, host.predictor.x, host.predictor.y);
    if (near?.kind === 'site') return this.constructBuilding(near.building.id);
    if (near?.kind === 'node') return this.gatherNode(near.node);
    host.toast('Nothing to gather nearby. Click a tree, rock or bush.', TOAST_KIND.INFO);
  }

  /** T: trade with the nearest player in sight (walking up to them first when needed). */
  tradeNearest(): void {
    const host = this.#host;
    const me = host.me();
    if (me === undefined) return;
    const far = 4 * (host.view.table('settings').find(0)?.tradeRadiusTiles ?? 5);
    const other = nearestPlayer(host.view, me.identity, host.predictor.x, host.predictor.y, far);
    if (other === undefined) return host.toast('Nobody nearby to trade with.', TOAST_KIND.INFO);
    this.requestTrade(other.identity);
  }

  /** Stops the walk (the held keys' direction takes over). */
  cancelWalk(): void {
    this.#walk = undefined;
    this.#approaching = false;
    this.#opts.ground.clear();
    const [dx, dy] = this.#opts.heldDirection();
    this.steer(dx, dy);
  }

  /** Steers the walk under way; on arrival, acts on its goal. Run from every frame and tick. */
  step(nowMs: number): void {
    const walk = this.#walk;
    if (walk === undefined) return;
    const p = this.#host.predictor;
    const approach = !this.#approaching ? 'none' : p.hasTarget ? 'walking' : 'stopped';
    const decision = walk.next(nowMs, p.x, p.y, p.dirX, p.dirY, this.#host.avatar(), approach);
    switch (decision.kind) {
      case 'keep':
        return;
      case 'steer':
        return this.steer(decision.dx, decision.dy);
      case 'approach':
        return this.#approach(decision.x, decision.y, decision.stopTiles);
      case 'stuck':
        this.#host.toast('Something is in the way.', TOAST_KIND.INFO);
        return this.cancelWalk();
      case 'wait':
        // After a walk_to the server stops the player itself: a stop sent now would cut its walk
        // short wherever the round trip let it be.
        if (!this.#approaching) this.steer(0, 0);
        return;
      case 'done': {
        // Once the server's figure is at rest in reach this stop changes nothing; after the wait
        // ran out it ends a walk the server could not finish.
        this.steer(0, 0);
        this.#walk = undefined;
        this.#approaching = false;
        this.#opts.ground.clear();
        this.#arrive(walk.goal);
        return;
      }
    }
  }

  /**
   * The player's action ended (the row is gone): a repeated gather goes on while the node has
   * something left; the construction loop starts its next step.
   */
  actionEnded(action: { readonly kind: string; readonly target: number }): void {
    if (action.kind === 'gather' && action.target === this.#gathering) {
      const node = this.#host.view.table('resource_node').find(action.target);
      if (node === undefined || node.amount === 0) this.#gathering = undefined;
      else void this.#gather(node.id);
      return;
    }
    const id = this.#constructing;
    if (id === undefined) return;
    const view = this.#host.view;
    const b = view.table('building').find(id);
    if (b === undefined) {
      this.#constructing = undefined;
      return;
    }
    if (b.complete) {
      this.#constructing = undefined;
      this.#host.toast(
        `${view.table('building_def').find(b.buildingId)?.name ?? 'Building'} complete!`,
        TOAST_KIND.SUCCESS,
      );
      return;
    }
    void this.#construct(id);
  }

  /**
   * The last leg: `walk_to` the goal, whose stop the server decides (and the predictor predicts
   * by the same rule). Any later direction is sent, as the server's intent is now its own.
   */
  #approach(x: number, y: number, stopTiles: number): void {
    const fx = Math.fround(x);
    const fy = Math.fround(y);
    const stop = Math.fround(stopTiles);
    this.#approaching = true;
    this.#sentDir = [Number.NaN, Number.NaN];
    this.#host.predictor.walkTo(fx, fy, stop);
    void this.#host.call('walk_to', { x: fx, y: fy, stopTiles: stop });
  }

  #arrive(goal: WalkGoal): void {
    if (goal.kind === 'gather') void this.#gather(goal.nodeId);
    else if (goal.kind === 'construct') void this.#construct(goal.buildingId);
    else if (goal.kind === 'trade') this.#host.openTrade(goal.partner);
  }

  #setGoal(goal: WalkGoal): void {
    const host = this.#host;
    const radius = host.view.table('settings').find(0)?.playerRadiusTiles ?? 0.3;
    const reach = goal.kind === 'point' ? 0 : Math.max(0, goal.reach - 0.3);
    const p = host.predictor;
    // Around trees, rocks, water and buildings; a straight line when no way is found (the server decides).
    const path = p.initialized
      ? (findPath(host.collision, { x: p.x, y: p.y }, goal, { radius, reach }) ?? [goal])
      : [goal];
    const clear = (a: Waypoint, b: Waypoint) => clearLine(host.collision, a, b, radius);
    this.#walk = new WalkPlan(goal, path, this.#opts.now(), this.#opts.stuckAfterMs, clear);
    this.#approaching = false;
    this.stopRepeating();
  }

  /** One gather; the next starts when it ends ({@link actionEnded}) until the node or backpack is done. */
  async #gather(nodeId: number): Promise<void> {
    this.#gathering = nodeId;
    if (!(await this.#host.call('gather', { nodeId }))) this.#gathering = undefined;
  }

  /**
   * One construction step; when it ends, the next one starts on its own until the building is
   * complete (each `construct` call is one step of `constructStepMs`). Moving stops it.
   */
  async #construct(buildingId: number): Promise<void> {
    this.#constructing = buildingId;
    if (!(await this.#host.call('construct', { building: buildingId }))) this.#constructing = undefined;
  }
}
