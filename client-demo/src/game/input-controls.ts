import type { EntityLayer } from '../render/entity-layer';
import type { Scene } from '../render/scene';
import type { TerrainLayer } from '../render/terrain-layer';
import { TILE_PX } from '../render/tile-metrics';
import { itemCounts, type GameContext } from '../ui/game-context';
import type { BuildMode } from './build-mode';
import type { Intent } from './intent';
import { Keyboard } from './keyboard';
import { buildingAt } from './nearby';
import type { LoopPanels } from '../loop/loop-panels';
import type { GamePanels } from './panels';
import { checkPlacement } from './placement';
import type { Predictor } from './prediction';
import { checkTool } from './tools';

/** What {@link InputControls} drives. */
export interface InputControlsOptions {
  readonly ctx: GameContext;
  readonly scene: Scene;
  readonly panels: GamePanels;
  /** The game-loop panels: they take a building click or a key first when it is theirs. */
  readonly loop: LoopPanels;
  readonly intent: Intent;
  readonly buildMode: BuildMode;
  readonly predictor: Predictor;
  readonly entities: () => EntityLayer;
  readonly terrain: () => TerrainLayer | undefined;
  /** Places the building being placed at its ghost's tile (a click in build mode). */
  readonly place: () => void;
}

/**
 * Keys and pointer: held keys steer, shortcuts toggle panels and act, a click picks what is
 * under the pointer (a player's menu, a node to gather, a site to construct, ground to walk to,
 * a spot in build mode), and the hover highlights what a click would pick.
 */
export class InputControls {
  readonly keyboard: Keyboard;
  readonly #o: InputControlsOptions;
  readonly #mouse = { x: -1, y: -1, inside: false };
  readonly #offs: (() => void)[] = [];
  /**
   * Whether the hover tip waits for the pointer to move: a click, or a walk starting, has said
   * what the player means, and a tip left by the still pointer would sit over the walking player
   * (or over whatever the moving camera slides under it).
   */
  #tipHeld = false;
  #wasWalking = false;

  constructor(options: InputControlsOptions) {
    this.#o = options;
    this.keyboard = new Keyboard({
      onDirection: (dx, dy) => {
        this.#o.panels.playerMenu.hide();
        this.#o.intent.keyDirection(dx, dy);
      },
      onShortcut: (code, e) => this.#onShortcut(code, e),
    });
    this.#setupPointer();
  }

  /** The pointer's position over the canvas (CSS px), or undefined when it is outside. */
  get pointer(): { readonly x: number; readonly y: number } | undefined {
    return this.#mouse.inside ? this.#mouse : undefined;
  }

  /** Highlights what a click would pick, or moves the build ghost. Run every frame. */
  updateHover(): void {
    const { scene, buildMode, ctx } = this.#o;
    const entities = this.#o.entities();
    const cam = scene.camera;
    const walking = this.#o.intent.walking;
    if (walking && !this.#wasWalking) this.#tipHeld = true;
    this.#wasWalking = walking;
    if (!this.#mouse.inside) {
      entities.highlightNode(undefined);
      this.#o.panels.hoverTip.hide();
      return;
    }
    const wx = cam.screenToWorldX(this.#mouse.x);
    const wy = cam.screenToWorldY(this.#mouse.y);
    if (buildMode.def !== undefined) {
      this.#o.panels.hoverTip.hide();
      const terrain = this.#o.terrain();
      const p = this.#o.predictor;
      if (ctx.me() === undefined || terrain === undefined) return;
      buildMode.point(wx, wy, (def, x, y) =>
        checkPlacement({
          view: ctx.view,
          def,
          x,
          y,
          playerX: p.x,
          playerY: p.y,
          tileAt: (tx, ty) => terrain.tileAt(tx, ty),
          counts: itemCounts(ctx),
        }),
      );
      return;
    }
    const node = entities.pickNode(wx, wy);
    entities.highlightNode(node?.id);
    if (node === undefined || this.#tipHeld) this.#o.panels.hoverTip.hide();
    else {
      const tool = checkTool(ctx.view, itemCounts(ctx), node.resourceId);
      this.#o.panels.hoverTip.showNode(ctx.view, node, tool, this.#mouse.x, this.#mouse.y);
    }
    scene.app.canvas.style.cursor =
      node !== undefined || entities.pickPlayer(wx, wy) !== undefined ? 'pointer' : 'default';
  }

  /** Removes the listeners. */
  destroy(): void {
    this.keyboard.destroy();
    for (const off of this.#offs) off();
  }

  #setupPointer(): void {
    const canvas = this.#o.scene.app.canvas;
    const listen = <K extends keyof HTMLElementEventMap>(
      type: K,
      fn: (e: HTMLElementEventMap[K]) => void,
      opts?: AddEventListenerOptions,
    ) => {
      canvas.addEventListener(type, fn, opts);
      this.#offs.push(() => canvas.removeEventListener(type, fn));
    };
    listen('pointermove', (e) => {
      // Chromium also sends a move, at the same spot, when what lies under a still pointer changes.
      if (e.offsetX !== this.#mouse.x || e.offsetY !== this.#mouse.y) this.#tipHeld = false;
      this.#mouse.x = e.offsetX;
      this.#mouse.y = e.offsetY;
      this.#mouse.inside = true;
    });
    listen('pointerleave', () => (this.#mouse.inside = false));
    listen('contextmenu', (e) => e.preventDefault());
    listen('pointerdown', (e) => this.#onPointerDown(e));
    listen(
      'wheel',
      (e) => {
        e.preventDefault();
        this.#o.scene.camera.zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15);
      },
      { passive: false },
    );
  }

  #onShortcut(code: string, e: KeyboardEvent): void {
    const { panels, loop, intent, buildMode, scene, ctx } = this.#o;
    if (loop.key(code)) return;
    switch (code) {
      case 'KeyI':
        panels.inventory.toggle();
        break;
      case 'KeyK':
        panels.crafting.toggle(false);
        panels.skills.toggle();
        break;
      case 'KeyC':
        panels.build.toggle(false);
        panels.skills.toggle(false);
        panels.crafting.toggle();
        break;
      case 'KeyB':
        panels.crafting.toggle(false);
        if (!panels.build.toggle()) buildMode.leave();
        break;
      case 'KeyE':
      case 'Space':
        e.preventDefault();
        intent.interactNearest();
        break;
      case 'KeyT':
        intent.tradeNearest();
        break;
      case 'Enter':
        e.preventDefault();
        panels.chat.focus();
        break;
      case 'F3':
        e.preventDefault();
        panels.hud.toggle();
        break;
      case 'Escape':
        if (buildMode.def !== undefined) buildMode.leave();
        else if (intent.walking) intent.cancelWalk();
        else if (ctx.view.table('action').find(ctx.identity() ?? '') !== undefined) {
          intent.stopRepeating();
          void ctx.call('cancel_action', {});
        } else {
          panels.closeSide();
          loop.closeAll();
        }
        panels.playerMenu.hide();
        break;
      case 'Equal':
      case 'NumpadAdd':
        scene.camera.zoomBy(1.25);
        break;
      case 'Minus':
      case 'NumpadSubtract':
        scene.camera.zoomBy(1 / 1.25);
        break;
      default:
        break;
    }
  }

  #onPointerDown(e: PointerEvent): void {
    const { panels, intent, buildMode, scene, ctx } = this.#o;
    panels.playerMenu.hide();
    this.#tipHeld = true;
    panels.hoverTip.hide();
    if (e.button === 2) {
      if (buildMode.def !== undefined) buildMode.leave();
      else intent.cancelWalk();
      return;
    }
    if (e.button !== 0) return;
    const cam = scene.camera;
    const wx = cam.screenToWorldX(e.offsetX);
    const wy = cam.screenToWorldY(e.offsetY);
    if (buildMode.def !== undefined) return this.#o.place();
    const entities = this.#o.entities();
    const player = entities.pickPlayer(wx, wy);
    if (player !== undefined) return panels.playerMenu.show(player, e.clientX, e.clientY);
    const node = entities.pickNode(wx, wy);
    if (node !== undefined) return intent.gatherNode(node);
    const building = buildingAt(ctx.view, wx / TILE_PX, wy / TILE_PX);
    if (building !== undefined && this.#o.loop.click(building)) return;
    if (building !== undefined && !building.complete) return intent.constructBuilding(building.id);
    intent.walkTo(wx / TILE_PX, wy / TILE_PX);
  }
}
