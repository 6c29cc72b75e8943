import type { BuildGhost } from '../render/build-ghost';
import { EntityLayer } from '../render/entity-layer';
import { ServerClock, type Point } from '../render/interpolation';
import { drawTargetMarker, type Scene } from '../render/scene';
import { SpriteArt } from '../render/sprite-art';
import type { TerrainLayer } from '../render/terrain-layer';
import { TILE_PX } from '../render/tile-metrics';
import { BuildPanel } from '../ui/build-panel';
import { ChatBox } from '../ui/chat-box';
import { ConnectionBanner, CONNECTION_STATE } from '../ui/connection-banner';
import { CraftingPanel } from '../ui/crafting-panel';
import { DebugHud, emptyHudStats, type HudStats } from '../ui/debug-hud';
import { h } from '../ui/dom';
import { itemCounts, TOAST_KIND, type GameContext, type ToastKind } from '../ui/game-context';
import { InventoryPanel } from '../ui/inventory-panel';
import { Minimap } from '../ui/minimap';
import { KeyLegend } from '../ui/key-help';
import { noticeKind, playerMessage } from '../ui/messages';
import { PlayerMenu } from '../ui/player-menu';
import { LoopPanels } from '../loop/loop-panels';
import { QuestTracker } from '../progress/quest-tracker';
import { SkillsPanel } from '../progress/skills-panel';
import { Toasts } from '../ui/toasts';
import { TradeWindow } from '../ui/trade-window';
import type {
  AvatarRow,
  BuildingDefRow,
  FrontierArgs,
  FrontierReducer,
  PlayerRow,
  ResourceNodeRow,
} from '../world/rows';
import type { Unsubscribe } from '../world/world-view';
import { WalkPlan, type WalkGoal } from './auto-walk';
import type { CallFailure, GameConnection } from './connection';
import { BuildMode } from './build-mode';
import { ByteRates } from './byte-rates';
import type { CollisionWorld } from './collision-world';
import { Keyboard } from './keyboard';
import { buildingAt, nearestInteraction, nearestPlayer } from './nearby';
import { findPath } from './path-finder';
import { checkPlacement } from './placement';
import { Predictor } from './prediction';
import { describeActivity, StatusLine } from './status-line';
import { createWorldLayers } from './world-layers';

/** Options of {@link Game}. */
export interface GameOptions {
  readonly connection: GameConnection;
  readonly scene: Scene;
  /** Element that receives the DOM panels (over the canvas). */
  readonly hud: HTMLElement;
  /** How far in the past remote entities are drawn, ms: two ticks absorb one late update. @default 2 * tickMs */
  readonly interpolationDelayMs?: number;
  /** Auto-walk gives up after this long without getting closer, ms. @default 1500 */
  readonly stuckAfterMs?: number;
  /**
   * The clock frames and tick arrivals are stamped with, ms. The benchmark passes a simulated
   * 60 Hz clock so that time-gated work (minimap, HUD) runs as often as it would on screen.
   * @default performance.now
   */
  readonly now?: () => number;
}

/** Per-frame timing of our code (not the GPU): filled every frame, read by the HUD and the benchmark. */
export interface FrameTiming {
  /** JS time of the last frame's update, ms. */
  lastMs: number;
  /** Mean over the last {@link TIMING_WINDOW} frames, ms. */
  avgMs: number;
  frames: number;
}

/** Frames the HUD's frame-time mean covers. */
const TIMING_WINDOW = 60;

/**
 * The game client: wires the connection's world view to the renderer (terrain, entities,
 * prediction, camera) and the panels, and turns input into reducer calls.
 */
export class Game implements GameContext {
  readonly view;
  readonly connection: GameConnection;
  readonly scene: Scene;
  readonly art = new SpriteArt();
  readonly toasts = new Toasts();
  readonly banner = new ConnectionBanner();
  readonly hudPanel = new DebugHud();
  readonly timing: FrameTiming = { lastMs: 0, avgMs: 0, frames: 0 };
  readonly predictor: Predictor;
  readonly clock: ServerClock;
  inventory!: InventoryPanel;
  crafting!: CraftingPanel;
  skills!: SkillsPanel;
  quests!: QuestTracker;
  build!: BuildPanel;
  trade!: TradeWindow;
  chat!: ChatBox;
  legend!: KeyLegend;
  /** Storage, demolition, the town project and food (`src/loop/`). */
  loop!: LoopPanels;
  minimap: Minimap | undefined;
  terrain: TerrainLayer | undefined;
  /** What blocks movement, for prediction and path finding. */
  collision!: CollisionWorld;
  entities!: EntityLayer;
  readonly #hudRoot: HTMLElement;
  readonly #buildMode: BuildMode;

  /** The build-mode placement ghost (visible, valid, tile) for the status line and tests. */
  get buildGhost(): Readonly<Pick<BuildGhost, 'valid' | 'tileX' | 'tileY'>> & { readonly visible: boolean } {
    const g = this.#buildMode.ghost;
    return { valid: g.valid, tileX: g.tileX, tileY: g.tileY, visible: g.container.visible };
  }
  readonly #keyboard: Keyboard;
  readonly #status = new StatusLine();
  readonly #playerMenu = new PlayerMenu((identity) => this.requestTrade(identity));
  readonly #offs: Unsubscribe[] = [];
  readonly #interpDelayMs: number;
  readonly #stuckAfterMs: number;
  readonly #now: () => number;
  /** The auto-walk under way, if any. */
  #walk: WalkPlan | undefined;
  /** Building being constructed step after step, if any. */
  #constructing: number | undefined;
  #sentDir: [number, number] = [0, 0];
  #mouse = { x: -1, y: -1, inside: false };
  #lastFrameAt = 0;
  #lastLogicAt = 0;
  #fps = 60;
  readonly #rates = new ByteRates();
  #phase = 0;
  readonly #timingRing = new Float64Array(TIMING_WINDOW);
  #timingSum = 0;
  #destroyed = false;
  readonly #selfPos: Point = { x: 0, y: 0 };
  readonly #hudStats: HudStats = emptyHudStats();

  constructor(options: GameOptions) {
    this.connection = options.connection;
    this.view = options.connection.view;
    this.scene = options.scene;
    this.#hudRoot = options.hud;
    this.#interpDelayMs = options.interpolationDelayMs ?? 2 * options.connection.tickMs;
    this.#stuckAfterMs = options.stuckAfterMs ?? 1500;
    this.#now = options.now ?? (() => performance.now());
    this.clock = new ServerClock(() => this.connection.tickMs);
    const settings = this.view.table('settings').find(0);
    this.predictor = new Predictor({
      speedTilesPerSec: settings?.playerSpeedTilesPerSec ?? 5,
      radiusTiles: settings?.playerRadiusTiles ?? 0.3,
    });
    this.#buildMode = new BuildMode(this.art, this.scene.overlay);
    this.#keyboard = new Keyboard({
      onDirection: (dx, dy) => this.#onKeyDirection(dx, dy),
      onShortcut: (code, e) => this.#onShortcut(code, e),
    });
    this.#setupPanels();
    this.#setupWorld();
    this.#setupPointer();
    this.#offs.push(
      this.connection.onTick((tick) => {
        const now = this.#now();
        this.clock.observe(tick, now);
        this.#logic(now);
      }),
      this.connection.onState((state, detail) => {
        this.banner.set(state, detail);
        if (state === CONNECTION_STATE.RECONNECTING) this.#keyboard.releaseAll();
      }),
    );
    this.banner.set(CONNECTION_STATE.CONNECTED);
    this.scene.app.ticker.add(() => this.frame());
  }

  // ---- GameContext ---------------------------------------------------------------------------

  identity(): string | undefined {
    return this.connection.identity;
  }

  me(): PlayerRow | undefined {
    const id = this.connection.identity;
    return id === undefined ? undefined : this.view.table('player').find(id);
  }

  avatar(): AvatarRow | undefined {
    const id = this.connection.identity;
    return id === undefined ? undefined : this.view.table('avatar').find(id);
  }

  async call<N extends FrontierReducer>(reducer: N, args: FrontierArgs<N>): Promise<boolean> {
    try {
      await this.connection.call(reducer, args);
      return true;
    } catch (e) {
      const f = e as Partial<CallFailure>;
      this.toast(playerMessage(f.code, f.message ?? String(e)), TOAST_KIND.ERROR, f.code);
      return false;
    }
  }

  toast(text: string, kind: ToastKind = TOAST_KIND.INFO, code?: string): void {
    this.toasts.show(text, kind, code);
  }

  // ---- frame ---------------------------------------------------------------------------------

  /**
   * One frame of our code: prediction, auto-walk, interpolation, camera, ghost, minimap, HUD.
   * Timed into {@link timing} (the benchmark reads it).
   */
  frame(): void {
    if (this.#destroyed) return;
    const t0 = this.#now();
    const started = performance.now();
    const dtMs = this.#lastFrameAt === 0 ? 16 : Math.min(250, t0 - this.#lastFrameAt);
    this.#lastFrameAt = t0;
    this.#fps += (1000 / Math.max(1, dtMs) - this.#fps) * 0.05;
    this.#phase += dtMs / 150;
    this.#logic(t0);
    const me = this.me();
    const serverNow = this.clock.now(t0);
    let selfPos: Point | undefined;
    if (me !== undefined && this.predictor.initialized) {
      this.#selfPos.x = this.predictor.x;
      this.#selfPos.y = this.predictor.y;
      selfPos = this.#selfPos;
    }
    this.entities.update(serverNow - this.#interpDelayMs, serverNow, selfPos);
    const cam = this.scene.camera;
    if (selfPos !== undefined) cam.follow(selfPos.x * TILE_PX, selfPos.y * TILE_PX, dtMs);
    this.scene.applyCamera();
    this.#updatePointerFeedback();
    const goal = this.#walk?.goal;
    if (goal !== undefined) drawTargetMarker(this.scene.ground, goal.x, goal.y, this.#phase);
    if (selfPos !== undefined) this.minimap?.update(selfPos.x, selfPos.y, t0, this.connection.identity);
    this.#status.show(
      describeActivity(this.view, this.connection.identity, serverNow, {
        placing: this.#buildMode.placing,
        goal,
      }),
    );
    const t1 = this.#now();
    const spent = performance.now() - started;
    const slot = this.timing.frames % TIMING_WINDOW;
    this.#timingSum += spent - this.#timingRing[slot]!;
    this.#timingRing[slot] = spent;
    this.timing.lastMs = spent;
    this.timing.frames++;
    this.timing.avgMs = this.#timingSum / Math.min(this.timing.frames, TIMING_WINDOW);
    this.#updateHud(t1, selfPos);
  }

  /**
   * Prediction and auto-walk, run from every frame and from every tick: when frames are slow (a
   * busy machine, a background tab), the walk still steers 20 times a second.
   */
  #logic(nowMs: number): void {
    const dtMs = this.#lastLogicAt === 0 ? 0 : nowMs - this.#lastLogicAt;
    this.#lastLogicAt = nowMs;
    if (this.me() === undefined || !this.predictor.initialized) return;
    this.#autoWalk(nowMs);
    this.predictor.step(dtMs, this.collision);
  }

  /** Removes listeners, panels and textures (the scene stays with its owner). */
  destroy(): void {
    this.#destroyed = true;
    for (const o of this.#offs) o();
    this.#keyboard.destroy();
    for (const panel of [
      this.inventory,
      this.crafting,
      this.skills,
      this.quests,
      this.build,
      this.trade,
      this.chat,
      this.minimap,
      this.legend,
      this.loop,
    ])
      panel?.destroy();
    this.entities.destroy();
    this.collision.destroy();
    this.terrain?.destroy();
    this.art.destroy();
    this.#hudRoot.replaceChildren();
  }

  // ---- setup ---------------------------------------------------------------------------------

  #setupPanels(): void {
    this.inventory = new InventoryPanel(this);
    this.crafting = new CraftingPanel(this);
    this.build = new BuildPanel(this, (def) => this.#enterBuildMode(def));
    this.trade = new TradeWindow(this);
    this.chat = new ChatBox(this, { onOpen: () => this.#keyboard.releaseAll() });
    this.legend = new KeyLegend({ canvas: this.scene.app.canvas });
    this.skills = new SkillsPanel(this);
    this.quests = new QuestTracker(this);
    const side = h(
      'div',
      { class: 'side' },
      this.inventory.element,
      this.crafting.element,
      this.skills.element,
      this.build.element,
    );
    this.#hudRoot.append(
      this.banner.element,
      this.toasts.element,
      side,
      this.trade.element,
      this.chat.element,
      this.#status.element,
      h('div', { class: 'corner' }, this.quests.element, this.legend.element),
      this.hudPanel.element,
      this.#playerMenu.element,
    );
    this.loop = new LoopPanels({
      host: this,
      hud: this.#hudRoot,
      corner: this.quests.element.parentElement ?? undefined,
      scene: this.scene,
      serverNow: () => this.clock.now(this.#now()),
    });
    // A clicked panel button keeps the focus: Space or Enter would press it again instead of
    // reaching the game, so the keys go back to the game after every click.
    const blurButton = (e: Event) => {
      if (e.target instanceof HTMLButtonElement) e.target.blur();
    };
    this.#hudRoot.addEventListener('click', blurButton);
    this.#offs.push(
      () => this.#hudRoot.removeEventListener('click', blurButton),
      this.view.table('notice').onInsert((n) => {
        if (n.owner === this.connection.identity)
          this.toast(playerMessage(n.code, n.text), noticeKind(n.code), n.code);
      }),
      this.view.table('action').onDelete((a) => {
        // After the action's own row changes are in: the building's progress arrives in the same tick.
        if (a.owner === this.connection.identity) queueMicrotask(() => this.#onActionEnded());
      }),
    );
  }

  #setupWorld(): void {
    const layers = createWorldLayers(this.view, this.scene);
    this.terrain = layers.terrain;
    this.collision = layers.collision;
    this.#offs.push(layers.off);
    this.minimap = new Minimap({ view: this.view, biomes: layers.biomes });
    this.#hudRoot.append(this.minimap.element);
    this.entities = new EntityLayer({
      view: this.view,
      art: this.art,
      self: this.connection.identity,
      stampMs: () => this.connection.tick * this.connection.tickMs,
    });
    this.scene.entities.addChild(this.entities.container);
    const players = this.view.table('avatar');
    const onSelf = (row: AvatarRow, fresh: boolean) => {
      if (row.identity !== this.connection.identity) return;
      if (fresh || !this.predictor.initialized) {
        this.predictor.reset(row.x, row.y);
        this.scene.camera.jumpTo(row.x * TILE_PX, row.y * TILE_PX);
        return;
      }
      const stats = this.connection.stats();
      const lead = (Number.isFinite(stats.pingMs) ? stats.pingMs / 2 : 50) + this.connection.tickMs;
      this.predictor.reconcile(
        row.x,
        row.y,
        row.dirX,
        row.dirY,
        this.connection.tick * this.connection.tickMs,
        lead,
      );
    };
    const self = this.connection.identity === undefined ? undefined : players.find(this.connection.identity);
    if (self !== undefined) onSelf(self, true);
    this.#offs.push(
      players.onInsert((r) => onSelf(r, true)),
      players.onUpdate((_o, r) => onSelf(r, false)),
    );
  }

  #setupPointer(): void {
    const canvas = this.scene.app.canvas;
    canvas.addEventListener('pointermove', (e) => {
      this.#mouse.x = e.offsetX;
      this.#mouse.y = e.offsetY;
      this.#mouse.inside = true;
    });
    canvas.addEventListener('pointerleave', () => (this.#mouse.inside = false));
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
    canvas.addEventListener('pointerdown', (e) => this.#onPointerDown(e));
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        this.scene.camera.zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15);
      },
      { passive: false },
    );
  }

  // ---- input ---------------------------------------------------------------------------------

  #onKeyDirection(dx: number, dy: number): void {
    this.#walk = undefined;
    this.#constructing = undefined;
    this.scene.ground.clear();
    this.#playerMenu.hide();
    this.#steer(dx, dy);
  }

  /** Sets the predicted direction and tells the server, once per change, in order. */
  #steer(dx: number, dy: number): void {
    const fx = Math.fround(dx);
    const fy = Math.fround(dy);
    this.predictor.setInput(fx, fy);
    if (fx === this.#sentDir[0] && fy === this.#sentDir[1]) return;
    this.#sentDir = [fx, fy];
    // Sent at once, never waiting for the previous result: one socket keeps the order, and a
    // slow round trip must not queue up stale directions.
    void this.call('move', { dx: fx, dy: fy });
  }

  #onShortcut(code: string, e: KeyboardEvent): void {
    if (this.loop.key(code)) return;
    switch (code) {
      case 'KeyI':
        this.inventory.toggle();
        break;
      case 'KeyK':
        this.crafting.toggle(false);
        this.skills.toggle();
        break;
      case 'KeyC':
        this.build.toggle(false);
        this.skills.toggle(false);
        this.crafting.toggle();
        break;
      case 'KeyB':
        this.crafting.toggle(false);
        if (!this.build.toggle()) this.#buildMode.leave();
        break;
      case 'KeyE':
      case 'Space':
        e.preventDefault();
        this.#interactNearest();
        break;
      case 'KeyT':
        this.#tradeNearest();
        break;
      case 'Enter':
        e.preventDefault();
        this.chat.focus();
        break;
      case 'F3':
        e.preventDefault();
        this.hudPanel.toggle();
        break;
      case 'Escape':
        if (this.#buildMode.def !== undefined) this.#buildMode.leave();
        else if (this.#walk !== undefined) this.#cancelGoal();
        else if (this.view.table('action').find(this.connection.identity ?? '') !== undefined)
          void this.call('cancel_action', {});
        else {
          this.crafting.toggle(false);
          this.skills.toggle(false);
          this.build.toggle(false);
          this.loop.closeAll();
        }
        this.#playerMenu.hide();
        break;
      case 'Equal':
      case 'NumpadAdd':
        this.scene.camera.zoomBy(1.25);
        break;
      case 'Minus':
      case 'NumpadSubtract':
        this.scene.camera.zoomBy(1 / 1.25);
        break;
      default:
        break;
    }
  }

  #onPointerDown(e: PointerEvent): void {
    this.#playerMenu.hide();
    if (e.button === 2) {
      if (this.#buildMode.def !== undefined) this.#buildMode.leave();
      else this.#cancelGoal();
      return;
    }
    if (e.button !== 0) return;
    const cam = this.scene.camera;
    const wx = cam.screenToWorldX(e.offsetX);
    const wy = cam.screenToWorldY(e.offsetY);
    const placing = this.#buildMode.def;
    if (placing !== undefined) {
      void this.#placeBuilding(placing, this.#buildMode.ghost.tileX, this.#buildMode.ghost.tileY);
      return;
    }
    const player = this.entities.pickPlayer(wx, wy);
    if (player !== undefined) return this.#playerMenu.show(player, e.clientX, e.clientY);
    const node = this.entities.pickNode(wx, wy);
    if (node !== undefined) return this.gatherNode(node);
    const building = buildingAt(this.view, wx / TILE_PX, wy / TILE_PX);
    if (building !== undefined && this.loop.click(building)) return;
    if (building !== undefined && !building.complete) return this.#constructBuilding(building.id);
    this.#setGoal({ kind: 'point', x: wx / TILE_PX, y: wy / TILE_PX });
  }

  /** Whether an auto-walk (click to walk, gather or build) is under way. */
  get walking(): boolean {
    return this.#walk !== undefined;
  }

  /** Walks to a point (tiles) in a straight line, as a click on open ground does. */
  walkTo(x: number, y: number): void {
    this.#setGoal({ kind: 'point', x, y });
  }

  /** Walks to a resource node and starts gathering it once within reach. */
  gatherNode(node: ResourceNodeRow): void {
    const def = this.view.table('resource_def').find(node.resourceId);
    const s = this.view.table('settings').find(0);
    const reach = (s?.reachTiles ?? 1.5) + (def?.radius ?? 0.4) + (s?.playerRadiusTiles ?? 0.3) - 0.25;
    if (node.amount === 0)
      this.toast(`${def?.name ?? 'This resource'} is depleted; it grows back soon.`, TOAST_KIND.INFO);
    this.#setGoal({ kind: 'gather', nodeId: node.id, x: node.x, y: node.y, reach });
  }

  #constructBuilding(id: number): void {
    const b = this.view.table('building').find(id);
    if (b === undefined) return;
    const s = this.view.table('settings').find(0);
    const reach = (s?.reachTiles ?? 1.5) + Math.max(b.width, b.height) / 2 - 0.1;
    this.#setGoal({ kind: 'construct', buildingId: id, x: b.cx, y: b.cy, reach });
  }

  #setGoal(goal: WalkGoal): void {
    const radius = this.view.table('settings').find(0)?.playerRadiusTiles ?? 0.3;
    const reach = goal.kind === 'point' ? 0 : Math.max(0, goal.reach - 0.3);
    // Around trees, rocks, water and buildings; a straight line when no way is found (the server decides).
    const path = this.predictor.initialized
      ? (findPath(this.collision, { x: this.predictor.x, y: this.predictor.y }, goal, { radius, reach }) ?? [
          goal,
        ])
      : [goal];
    this.#walk = new WalkPlan(goal, path, this.#now(), this.#stuckAfterMs);
    this.#constructing = undefined;
  }

  #cancelGoal(): void {
    this.#walk = undefined;
    this.scene.ground.clear();
    const [dx, dy] = this.#keyboard.direction;
    this.#steer(dx, dy);
  }

  #autoWalk(nowMs: number): void {
    const walk = this.#walk;
    if (walk === undefined) return;
    const p = this.predictor;
    const decision = walk.next(nowMs, p.x, p.y, p.dirX, p.dirY, this.avatar());
    switch (decision.kind) {
      case 'keep':
        return;
      case 'steer':
        return this.#steer(decision.dx, decision.dy);
      case 'stuck':
        this.toast('Something is in the way.', TOAST_KIND.INFO);
        return this.#cancelGoal();
      case 'wait':
        return this.#steer(0, 0);
      case 'done': {
        this.#steer(0, 0);
        this.#walk = undefined;
        this.scene.ground.clear();
        const goal = walk.goal;
        if (goal.kind === 'gather') void this.call('gather', { nodeId: goal.nodeId });
        else if (goal.kind === 'construct') void this.#construct(goal.buildingId);
        else if (goal.kind === 'trade') void this.trade.open(goal.partner);
        return;
      }
    }
  }

  /**
   * One construction step; when it ends, the next one starts on its own until the building is
   * complete (each `construct` call is one step of `constructStepMs`). Moving stops it.
   */
  async #construct(buildingId: number): Promise<void> {
    this.#constructing = buildingId;
    if (!(await this.call('construct', { building: buildingId }))) this.#constructing = undefined;
  }

  #onActionEnded(): void {
    const id = this.#constructing;
    if (id === undefined) return;
    const b = this.view.table('building').find(id);
    if (b === undefined) {
      this.#constructing = undefined;
      return;
    }
    if (b.complete) {
      this.#constructing = undefined;
      this.toast(
        `${this.view.table('building_def').find(b.buildingId)?.name ?? 'Building'} complete!`,
        TOAST_KIND.SUCCESS,
      );
      return;
    }
    void this.#construct(id);
  }

  /** E / Space: gather the nearest resource in reach, or work on the nearest unfinished building. */
  #interactNearest(): void {
    if (this.me() === undefined || !this.predictor.initialized) return;
    const near = nearestInteraction(this.view, this.predictor.x, this.predictor.y);
    if (near?.kind === 'site') return this.#constructBuilding(near.building.id);
    if (near?.kind === 'node') return this.gatherNode(near.node);
    this.toast('Nothing to gather nearby. Click a tree, rock or bush.', TOAST_KIND.INFO);
  }

  /** T: trade with the nearest player in sight (walking up to them first when needed). */
  #tradeNearest(): void {
    const me = this.me();
    if (me === undefined) return;
    const far = 4 * (this.view.table('settings').find(0)?.tradeRadiusTiles ?? 5);
    const other = nearestPlayer(this.view, me.identity, this.predictor.x, this.predictor.y, far);
    if (other === undefined) return this.toast('Nobody nearby to trade with.', TOAST_KIND.INFO);
    this.requestTrade(other.identity);
  }

  /**
   * Opens a trade with a player: at once when they stand within trade range (with a tile to
   * spare, as they may step away), else after walking up to them.
   */
  requestTrade(partner: AvatarRow['identity']): void {
    const other = this.view.table('avatar').find(partner);
    if (other === undefined || !other.online)
      return this.toast(`${other?.name ?? 'That player'} is not online.`, TOAST_KIND.INFO);
    const reach = Math.max(1, (this.view.table('settings').find(0)?.tradeRadiusTiles ?? 5) - 1.5);
    if (Math.hypot(other.x - this.predictor.x, other.y - this.predictor.y) <= reach)
      return void this.trade.open(partner);
    this.#setGoal({ kind: 'trade', partner, name: other.name, x: other.x, y: other.y, reach });
  }

  // ---- build mode ----------------------------------------------------------------------------

  #enterBuildMode(def: BuildingDefRow): void {
    this.#buildMode.enter(def);
    this.build.toggle(false);
    this.toast(`Placing ${def.name}: click to place, right click or Esc to cancel.`, TOAST_KIND.INFO);
  }

  async #placeBuilding(def: BuildingDefRow, x: number, y: number): Promise<void> {
    if (!this.#buildMode.ghost.valid) {
      this.toast(this.#buildMode.refusal, TOAST_KIND.ERROR);
      return;
    }
    const ok = await this.call('place_building', { kind: def.id, x, y });
    if (!ok) return;
    this.#buildMode.leave();
    // Start working on the site at once: the common next step.
    const site = this.view
      .table('building')
      .iter()
      .find((b) => b.x === x && b.y === y && b.owner === this.connection.identity);
    if (site !== undefined && !site.complete) this.#constructBuilding(site.id);
  }

  #updatePointerFeedback(): void {
    const cam = this.scene.camera;
    if (!this.#mouse.inside) {
      this.entities.highlightNode(undefined);
      return;
    }
    const wx = cam.screenToWorldX(this.#mouse.x);
    const wy = cam.screenToWorldY(this.#mouse.y);
    if (this.#buildMode.def !== undefined) {
      const terrain = this.terrain;
      if (this.me() === undefined || terrain === undefined) return;
      this.#buildMode.point(wx, wy, (def, x, y) =>
        checkPlacement({
          view: this.view,
          def,
          x,
          y,
          playerX: this.predictor.x,
          playerY: this.predictor.y,
          tileAt: (tx, ty) => terrain.tileAt(tx, ty),
          counts: itemCounts(this),
        }),
      );
      return;
    }
    const node = this.entities.pickNode(wx, wy);
    this.entities.highlightNode(node?.id);
    this.scene.app.canvas.style.cursor =
      node !== undefined || this.entities.pickPlayer(wx, wy) !== undefined ? 'pointer' : 'default';
  }

  // ---- status and HUD ------------------------------------------------------------------------

  #updateHud(nowMs: number, selfPos: Point | undefined): void {
    this.#rates.sample(nowMs, () => this.connection.stats());
    if (!this.hudPanel.visible) return;
    const st = this.#hudStats;
    st.tick = this.connection.tick;
    st.pingMs = this.connection.stats().pingMs;
    st.fps = this.#fps;
    st.entitiesInView = this.entities.entityCount;
    st.players = this.entities.playerCount;
    st.chunks = this.terrain?.chunkCount ?? 0;
    st.bytesInPerSec = this.#rates.inPerSec;
    st.bytesOutPerSec = this.#rates.outPerSec;
    st.frameJsMs = this.timing.avgMs;
    st.x = selfPos?.x ?? 0;
    st.y = selfPos?.y ?? 0;
    st.corrections = this.predictor.corrections;
    this.hudPanel.update(st, nowMs);
  }
}
