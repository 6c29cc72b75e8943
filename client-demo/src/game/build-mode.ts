import type { Container } from 'pixi.js';
import { BuildGhost } from '../render/build-ghost';
import type { SpriteArt } from '../render/sprite-art';
import { TILE_PX } from '../render/tile-metrics';
import type { BuildingDefRow } from '../world/rows';
import type { PlacementCheck } from './placement';

/**
 * Build mode: the building being placed and its ghost, which follows the pointer tile by tile and
 * shows whether the spot passes the placement rules (green) or why not (red). The game places
 * the building on click; the server decides anyway.
 */
export class BuildMode {
  readonly ghost: BuildGhost;
  #def: BuildingDefRow | undefined;
  #reason = '';

  constructor(art: SpriteArt, overlay: Container) {
    this.ghost = new BuildGhost(art);
    overlay.addChild(this.ghost.container);
  }

  /** The building being placed, or undefined outside build mode. */
  get def(): BuildingDefRow | undefined {
    return this.#def;
  }

  /** What the status line says about it, or undefined outside build mode. */
  get placing(): { readonly name: string; readonly valid: boolean; readonly reason: string } | undefined {
    return this.#def === undefined
      ? undefined
      : { name: this.#def.name, valid: this.ghost.valid, reason: this.#reason };
  }

  /** Why the ghost's spot is refused, as a sentence for a toast. */
  get refusal(): string {
    return this.#reason || 'Cannot build there.';
  }

  enter(def: BuildingDefRow): void {
    this.#def = def;
  }

  leave(): void {
    this.#def = undefined;
    this.ghost.hide();
  }

  /**
   * Centres the footprint on the pointer at world pixel (wx, wy) and shows the ghost with the
   * outcome of `check` for that top-left tile.
   */
  point(wx: number, wy: number, check: (def: BuildingDefRow, x: number, y: number) => PlacementCheck): void {
    const def = this.#def;
    if (def === undefined) return;
    const x = Math.floor(wx / TILE_PX - def.width / 2 + 0.5);
    const y = Math.floor(wy / TILE_PX - def.height / 2 + 0.5);
    const c = check(def, x, y);
    this.#reason = c.reason ?? '';
    this.ghost.show(def.id, def.iconColor, def.width, def.height, x, y, c.ok, c.reason);
  }
}
