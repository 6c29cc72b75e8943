import type { Scene } from '../render/scene';
import type { BuildingRow } from '../world/rows';
import { BuildingPanel } from './building-panel';
import { FoodStatus } from './food-status';
import type { LoopHost } from './loop-host';
import { ProjectPanel } from './project-panel';
import { ProjectSiteLayer } from './project-site-layer';

/** Options of {@link LoopPanels}. */
export interface LoopPanelsOptions {
  readonly host: LoopHost;
  /**
   * Where the panels go: the right column, at its top (above the backpack, which a chest's Put
   * and a project's Give draw from), so they never cover the player in the middle.
   */
  readonly side: HTMLElement;
  /** Where the food chip goes (the corner, under the quest tracker). */
  readonly corner: HTMLElement | undefined;
  readonly scene: Scene;
  /** The server's logical time now, ms (for the well-fed countdown). */
  readonly serverNow: () => number;
}

/**
 * The panels of the game loop past the first ten minutes: storage and demolition (a click on a
 * finished building), the town project (P, or a click on its building; its site marked on the
 * ground) and food (the chip under the quest tracker). The game wires them with a few calls:
 * {@link click}, {@link key}, {@link closeAll}, {@link destroy}.
 */
export class LoopPanels {
  readonly building: BuildingPanel;
  readonly project: ProjectPanel;
  readonly food: FoodStatus;
  readonly sites: ProjectSiteLayer;
  readonly #host: LoopHost;

  constructor(options: LoopPanelsOptions) {
    this.#host = options.host;
    this.building = new BuildingPanel(options.host);
    this.project = new ProjectPanel(options.host);
    this.food = new FoodStatus(options.host, options.serverNow);
    this.sites = new ProjectSiteLayer(options.host, options.scene.world, options.scene.overlay);
    // Under the entities: the outline is ground, players walk over it.
    options.scene.world.setChildIndex(
      this.sites.container,
      options.scene.world.getChildIndex(options.scene.entities),
    );
    options.side.prepend(this.building.element, this.project.element);
    (options.corner ?? options.side).append(this.food.element);
  }

  /** A click on a building: a project's opens the project, a finished one its panel. Returns whether handled. */
  click(b: BuildingRow): boolean {
    const stage = this.#host.view
      .table('project_stage')
      .iter()
      .find((s) => s.buildingId === b.buildingId);
    if (stage !== undefined) {
      // One loop panel at a time: they share the top of the right column.
      this.building.close();
      this.project.open(stage.projectId);
      return true;
    }
    if (!b.complete) return false;
    this.project.toggle(false);
    this.building.open(b.id);
    return true;
  }

  /** A game key: P toggles the project panel. Returns whether handled. */
  key(code: string): boolean {
    if (code !== 'KeyP') return false;
    if (this.project.toggle()) this.building.close();
    return true;
  }

  closeAll(): void {
    this.building.close();
    this.project.toggle(false);
  }

  destroy(): void {
    this.building.destroy();
    this.project.destroy();
    this.food.destroy();
    this.sites.destroy();
  }
}
