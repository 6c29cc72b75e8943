import type { BuildGhost } from '../render/build-ghost';
import { EntityLayer } from '../render/entity-layer';
import { ServerClock, type Point } from '../render/interpolation';
import { drawTargetMarker, type Scene } from '../render/scene';
import { SpriteArt } from '../render/sprite-art';
import type { TerrainLayer } from '../render/terrain-layer';
import { TILE_PX } from '../render/tile-metrics';
import { CONNECTION_STATE } from '../ui/connection-banner';
import { emptyHudStats, type HudStats } from '../ui/debug-hud';
import { TOAST_KIND, type GameContext, type ToastKind } from '../ui/game-context';
import { Minimap } from '../ui/minimap';
import type { ToastAction } from '../ui/toasts';
import { subjectOfCall } from '../ui/failure-words';
import type { AvatarRow, BuildingDefRow, FrontierArgs, FrontierReducer, PlayerRow } from '../world/rows';
import type { Unsubscribe } from '../world/world-view';
import type { CallFailure, GameConnection } from './connection';
import { BuildMode } from './build-mode';
import { ByteRates } from './byte-rates';
import type { CollisionWorld } from './collision-world';
import { FrameTimer, type FrameTiming } from './frame-timing';
import { InputControls } from './input-controls';
import { Intent } from './intent';
import { OutcomeFeedback } from './outcome-feedback';
import { LoopPanels } from '../loop/loop-panels';
import type { ScreenRect } from '../loop/site-label-place';
import { GamePanels } from './panels';
import { Predictor } from './prediction';
import { watchSelfAvatar } from './self-avatar';
import { describeActivity } from './status-line';
import { createWorldLayers } from './world-layers';

export type { FrameTiming } from './frame-timing';

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

/** How often the HUD panels' boxes are read again, ms (reading them costs a layout). */
const HUD_REREAD_MS = 500;
/** The HUD panels always on screen that a town site's label keeps off, and the toasts shown. */
const HUD_FIXED_PANELS = '[data-panel=minimap], .corner > *, .toasts > .toast';

/**
 * The game client: wires the connection's world view to the renderer (terrain, entities,
 * prediction, camera) and the panels ({@link GamePanels}); input ({@link InputControls}) turns
 * into the player's {@link Intent} (walks, gathering, construction, trades) and reducer calls.
 */
export class Game implements GameContext {
  readonly view;
  readonly connection: GameConnection;
  readonly scene: Scene;
  readonly art = new SpriteArt();
  readonly panels: GamePanels;
  readonly intent: Intent;
  /** Storage, demolition, the town project and food (`src/loop/`). */
  readonly loop: LoopPanels;
  readonly predictor: Predictor;
  readonly clock: ServerClock;
  minimap: Minimap | undefined;
  terrain: TerrainLayer | undefined;
  /** What blocks movement, for prediction and path finding. */
  collision!: CollisionWorld;
  entities!: EntityLayer;
  readonly #hudRoot: HTMLElement;
  readonly #buildMode: BuildMode;
  readonly #controls: InputControls;
  readonly #feedback: OutcomeFeedback;
  readonly #frames = new FrameTimer();
  readonly #offs: Unsubscribe[] = [];
  readonly #interpDelayMs: number;
  readonly #now: () => number;
  #lastLogicAt = 0;
  readonly #rates = new ByteRates();
  #destroyed = false;
  readonly #selfPos: Point = { x: 0, y: 0 };
  /**
   * The boxes of the HUD's fixed panels over the canvas (px): the minimap, the corner tracker,
   * food chip and key legend, and the toasts. Re-read now and then (they move on a resize or when
   * the legend hides), and whenever a toast comes or goes.
   */
  #hudRects: ScreenRect[] = [];
  #hudReadAt = -Infinity;
  /** The toasts' version (it goes up as they come and go) when the boxes were read. */
  #hudToasts = -1;
  readonly #hudStats: HudStats = emptyHudStats();

  constructor(options: GameOptions) {
    this.connection = options.connection;
    this.view = options.connection.view;
    this.scene = options.scene;
    this.#hudRoot = options.hud;
    this.#interpDelayMs = options.interpolationDelayMs ?? 2 * options.connection.tickMs;
    this.#now = options.now ?? (() => performance.now());
    this.clock = new ServerClock(() => this.connection.tickMs);
    const settings = this.view.table('settings').find(0);
    this.predictor = new Predictor({
      speedTilesPerSec: settings?.playerSpeedTilesPerSec ?? 5,
      radiusTiles: settings?.playerRadiusTiles ?? 0.3,
    });
    this.#buildMode = new BuildMode(this.art, this.scene.overlay);
    this.panels = new GamePanels({
      ctx: this,
      root: this.#hudRoot,
      canvas: this.scene.app.canvas,
      onBuild: (def) => this.#enterBuildMode(def),
      onChatOpen: () => this.#controls.keyboard.releaseAll(),
      onTradeRequest: (identity) => this.intent.requestTrade(identity),
    });
    this.loop = new LoopPanels({
      host: this,
      side: this.panels.side,
      corner: this.panels.quests.element.parentElement ?? undefined,
      scene: this.scene,
      serverNow: () => this.clock.now(this.#now()),
    });
    this.intent = new Intent({
      host: this,
      ground: this.scene.ground,
      heldDirection: () => this.#controls.keyboard.direction,
      now: this.#now,
      stuckAfterMs: options.stuckAfterMs ?? 1500,
    });
    this.#setupWorld();
    this.#feedback = new OutcomeFeedback({
      ctx: this,
      floaters: this.panels.floaters,
      toast: (text, kind, code) => this.toast(text, kind, code),
      anchor: () => this.#overHead(),
    });
    this.#controls = new InputControls({
      ctx: this,
      scene: this.scene,
      panels: this.panels,
      loop: this.loop,
      intent: this.intent,
      buildMode: this.#buildMode,
      predictor: this.predictor,
      entities: () => this.entities,
      terrain: () => this.terrain,
      place: () => void this.#placeBuilding(),
    });
    this.#offs.push(
      this.connection.onTick((tick) => {
        const now = this.#now();
        this.clock.observe(tick, now);
        this.#logic(now);
      }),
      this.connection.onState((state, detail) => {
        this.panels.banner.set(state, detail);
        if (state === CONNECTION_STATE.RECONNECTING) this.#controls.keyboard.releaseAll();
      }),
      this.view.table('action').onDelete((a) => {
        // After the action's own row changes are in: the building's progress arrives in the same tick.
        if (a.owner === this.connection.identity) queueMicrotask(() => this.intent.actionEnded(a));
      }),
    );
    this.panels.banner.set(CONNECTION_STATE.CONNECTED);
    this.scene.app.ticker.add(() => this.frame());
  }

  /** Per-frame timing of our code (the HUD and the benchmark read it). */
  get timing(): Readonly<FrameTiming> {
    return this.#frames.timing;
  }

  /** The build-mode placement ghost (visible, valid, tile) for the status line and tests. */
  get buildGhost(): Readonly<Pick<BuildGhost, 'valid' | 'tileX' | 'tileY'>> & { readonly visible: boolean } {
    const g = this.#buildMode.ghost;
    return { valid: g.valid, tileX: g.tileX, tileY: g.tileY, visible: g.container.visible };
  }

  /** Whether an auto-walk (click to walk, gather or build) is under way. */
  get walking(): boolean {
    return this.intent.walking;
  }

  /** Whether the player holds movement keys (steering by hand, which ends any auto-walk). */
  get steering(): boolean {
    const [dx, dy] = this.#controls.keyboard.direction;
    return dx !== 0 || dy !== 0;
  }

  /** Walks to a point (tiles) in a straight line, as a click on open ground does. */
  walkTo(x: number, y: number): void {
    this.intent.walkTo(x, y);
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
    // Crafting is a deliberate new action: it ends a repeated gather (or construction) the player
    // left running, as walking off would, instead of being refused as BUSY. The cancel goes first
    // on the same socket, so the server sees it first.
    if (reducer === 'craft') this.intent.yieldTo('craft');
    try {
      await this.connection.call(reducer, args);
      return true;
    } catch (e) {
      const f = e as Partial<CallFailure>;
      const text = this.#feedback.failure(
        f.code,
        f.message ?? String(e),
        subjectOfCall(this.view, reducer, args),
      );
      this.toast(text, TOAST_KIND.ERROR, f.code);
      return false;
    }
  }

  toast(text: string, kind: ToastKind = TOAST_KIND.INFO, code?: string, action?: ToastAction): void {
    this.panels.toasts.show(text, kind, code, action);
  }

  /** Opens the crafting panel at a recipe (the one that makes a missing tool). */
  showRecipe(recipeId: string): void {
    this.panels.build.toggle(false);
    this.panels.skills.toggle(false);
    this.panels.crafting.showRecipe(recipeId);
  }

  /** Opens the trade window with a player in range (the intent calls it once there). */
  openTrade(partner: AvatarRow['identity']): void {
    void this.panels.trade.open(partner);
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
    const dtMs = this.#frames.begin(t0);
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
    this.#layoutSiteLabels(t0);
    this.#controls.updateHover();
    const goal = this.intent.goal;
    if (goal !== undefined) drawTargetMarker(this.scene.ground, goal.x, goal.y, this.#frames.phase);
    if (selfPos !== undefined) this.minimap?.update(selfPos.x, selfPos.y, t0, this.connection.identity);
    this.panels.status.show(
      describeActivity(this.view, this.connection.identity, serverNow, {
        placing: this.#buildMode.placing,
        goal,
      }),
    );
    const t1 = this.#now();
    this.#frames.end(performance.now() - started);
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
    this.intent.step(nowMs);
    this.predictor.step(dtMs, this.collision);
  }

  /**
   * Keeps the town sites' labels off the minimap, the corner panels and the players' name labels
   * (placed by the entity layer just before), in screen px.
   */
  #layoutSiteLabels(nowMs: number): void {
    const cam = this.scene.camera;
    // At once when a toast comes or goes: a label must not sit under a new one even for a moment.
    const toasts = this.panels.toasts.version;
    if (nowMs - this.#hudReadAt > HUD_REREAD_MS || toasts !== this.#hudToasts) {
      this.#hudReadAt = nowMs;
      this.#hudToasts = toasts;
      const c = this.scene.app.canvas.getBoundingClientRect();
      this.#hudRects = [];
      for (const el of this.#hudRoot.querySelectorAll(HUD_FIXED_PANELS)) {
        const m = el.getBoundingClientRect();
        if (m.width > 0 && m.height > 0)
          this.#hudRects.push({
            left: m.left - c.left,
            top: m.top - c.top,
            right: m.right - c.left,
            bottom: m.bottom - c.top,
          });
      }
    }
    const avoid: ScreenRect[] = [...this.#hudRects];
    for (const b of this.entities.labelBounds())
      avoid.push({
        left: cam.worldToScreenX(b.left),
        top: cam.worldToScreenY(b.top),
        right: cam.worldToScreenX(b.right),
        bottom: cam.worldToScreenY(b.bottom),
      });
    this.loop.sites.layout(cam, avoid);
  }

  /** Removes listeners, panels and textures (the scene stays with its owner). */
  destroy(): void {
    this.#destroyed = true;
    for (const o of this.#offs) o();
    this.#controls.destroy();
    this.#feedback.destroy();
    this.intent.destroy();
    this.panels.destroy();
    this.loop.destroy();
    this.minimap?.destroy();
    this.entities.destroy();
    this.collision.destroy();
    this.terrain?.destroy();
    this.art.destroy();
    this.#hudRoot.replaceChildren();
  }

  /** Above the own avatar's name label, CSS px over the canvas (floaters start there). */
  #overHead(): { x: number; y: number } | undefined {
    if (!this.predictor.initialized) return undefined;
    const cam = this.scene.camera;
    return {
      x: cam.worldToScreenX(this.predictor.x * TILE_PX),
      y: cam.worldToScreenY((this.predictor.y - 2.3) * TILE_PX),
    };
  }

  // ---- setup ---------------------------------------------------------------------------------

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
    this.#offs.push(watchSelfAvatar(this.connection, this.predictor, this.scene.camera));
  }

  // ---- build mode ----------------------------------------------------------------------------

  #enterBuildMode(def: BuildingDefRow): void {
    this.#buildMode.enter(def);
    this.panels.build.toggle(false);
    this.toast(`Placing ${def.name}: click to place, right click or Esc to cancel.`, TOAST_KIND.INFO);
  }

  async #placeBuilding(): Promise<void> {
    const def = this.#buildMode.def;
    if (def === undefined) return;
    const { tileX: x, tileY: y, valid } = this.#buildMode.ghost;
    if (!valid) {
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
    if (site !== undefined && !site.complete) this.intent.constructBuilding(site.id);
  }

  // ---- HUD -----------------------------------------------------------------------------------

  #updateHud(nowMs: number, selfPos: Point | undefined): void {
    this.#rates.sample(nowMs, () => this.connection.stats());
    const hud = this.panels.hud;
    if (!hud.visible) return;
    const st = this.#hudStats;
    st.tick = this.connection.tick;
    st.pingMs = this.connection.stats().pingMs;
    st.fps = this.#frames.fps;
    st.entitiesInView = this.entities.entityCount;
    st.players = this.entities.playerCount;
    st.chunks = this.terrain?.chunkCount ?? 0;
    st.bytesInPerSec = this.#rates.inPerSec;
    st.bytesOutPerSec = this.#rates.outPerSec;
    st.frameJsMs = this.timing.avgMs;
    st.x = selfPos?.x ?? 0;
    st.y = selfPos?.y ?? 0;
    st.corrections = this.predictor.corrections;
    hud.update(st, nowMs);
  }
}
