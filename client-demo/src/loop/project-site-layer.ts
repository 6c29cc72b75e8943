import { Container, Graphics, Text } from 'pixi.js';
import type { Camera } from '../render/camera';
import { TILE_PX } from '../render/tile-metrics';
import { watchTables } from '../ui/dom';
import type { GameContext } from '../ui/game-context';
import { projectSite } from './project-site-marks';
import { placeSiteLabel, type ScreenRect } from './site-label-place';

/** A site's label and where the site is (tiles). */
interface SiteLabel {
  readonly projectId: string;
  readonly label: Text;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Where the label was last drawn on screen (px), undefined while hidden. */
  drawn: ScreenRect | undefined;
}

const LABEL_STYLE = {
  fontFamily: 'system-ui, sans-serif',
  fontSize: 10,
  fontWeight: '600',
  fill: 0xfff3c4,
  stroke: { color: 0x000000, width: 3, join: 'round' },
} as const;

/**
 * Marks each town project's site: an outline on the ground (under the entities) and a label with
 * the project's name and stage above everything (over trees and rocks), so players find where the
 * town grows before its first building stands. {@link layout} moves each label, every frame, off
 * the minimap and the players' name labels (`site-label-place.ts`).
 */
export class ProjectSiteLayer {
  readonly container = new Container({ label: 'project-sites' });
  readonly labels = new Container({ label: 'project-site-labels' });
  readonly #ctx: GameContext;
  readonly #off: () => void;
  #sites: SiteLabel[] = [];

  constructor(ctx: GameContext, ground: Container, overlay: Container) {
    this.#ctx = ctx;
    ground.addChild(this.container);
    overlay.addChild(this.labels);
    this.#off = watchTables(ctx.view, ['project_def', 'project_stage', 'project_state', 'world_info'], () =>
      this.render(),
    );
    this.render();
  }

  render(): void {
    for (const c of this.container.removeChildren()) c.destroy();
    for (const c of this.labels.removeChildren()) c.destroy();
    this.#sites = [];
    const view = this.#ctx.view;
    for (const def of view.table('project_def').iter()) {
      const site = projectSite(view, def.id);
      if (site === undefined) continue;
      const stages = view
        .table('project_stage')
        .iter()
        .filter((s) => s.projectId === def.id).length;
      const at = view.table('project_state').find(def.id)?.stage ?? 0;
      const g = new Graphics();
      g.rect(site.x * TILE_PX, site.y * TILE_PX, site.width * TILE_PX, site.height * TILE_PX).stroke({
        color: 0xfff3c4,
        width: 1,
        alpha: 0.7,
      });
      const label = new Text({
        text: at >= stages ? def.name : `${def.name} · stage ${at + 1}/${stages} (P)`,
        style: LABEL_STYLE,
        resolution: 2,
      });
      label.anchor.set(0.5, 1);
      label.position.set((site.x + site.width / 2) * TILE_PX, site.y * TILE_PX - 2);
      this.container.addChild(g);
      this.labels.addChild(label);
      this.#sites.push({ projectId: def.id, label, ...site, drawn: undefined });
    }
  }

  /**
   * Places each label for this frame: above its site unless that covers something in `avoid`
   * (screen px: the minimap, name labels), else the next clear place, else hidden.
   */
  layout(camera: Camera, avoid: readonly ScreenRect[]): void {
    const zoom = camera.zoom;
    for (const s of this.#sites) {
      const left = camera.worldToScreenX(s.x * TILE_PX);
      const top = camera.worldToScreenY(s.y * TILE_PX);
      const site = {
        left,
        top,
        right: left + s.width * TILE_PX * zoom,
        bottom: top + s.height * TILE_PX * zoom,
      };
      const w = s.label.width * zoom;
      const h = s.label.height * zoom;
      const onScreen =
        site.right > -w && site.left < camera.width + w && site.bottom > -h && site.top < camera.height + h;
      const place = onScreen ? placeSiteLabel(site, w, h, avoid, camera.width, camera.height) : undefined;
      s.drawn = place;
      s.label.visible = place !== undefined;
      if (place !== undefined)
        s.label.position.set(
          camera.screenToWorldX((place.left + place.right) / 2),
          camera.screenToWorldY(place.bottom),
        );
    }
  }

  /** Where each site's label is drawn on screen (px; undefined while hidden), for the tests. */
  labelRects(): { projectId: string; rect: ScreenRect | undefined }[] {
    return this.#sites.map((s) => ({ projectId: s.projectId, rect: s.drawn }));
  }

  destroy(): void {
    this.#off();
    this.container.destroy({ children: true });
    this.labels.destroy({ children: true });
  }
}
