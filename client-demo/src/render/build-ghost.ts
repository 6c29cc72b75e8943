import { Container, Graphics, Sprite, Text } from 'pixi.js';
import { ART_SCALE, type SpriteArt } from './sprite-art';
import { TILE_PX } from './tile-metrics';

/**
 * The placement ghost of build mode: the building's art, translucent, over its footprint outlined
 * in green where it can stand or red (with the reason) where it cannot.
 */
export class BuildGhost {
  readonly container = new Container({ label: 'build-ghost', visible: false });
  readonly #outline = new Graphics();
  readonly #sprite = new Sprite();
  readonly #reason = new Text({
    text: '',
    style: {
      fontFamily: 'system-ui, sans-serif',
      fontSize: 10,
      fill: 0xffffff,
      stroke: { color: 0x000000, width: 3 },
    },
    resolution: 2,
  });
  readonly #art: SpriteArt;
  #key = '';
  /** Last shown state, for tests and the status line. */
  valid = false;
  tileX = 0;
  tileY = 0;

  constructor(art: SpriteArt) {
    this.#art = art;
    this.#sprite.alpha = 0.6;
    this.#sprite.scale.set(ART_SCALE);
    this.#reason.anchor.set(0.5, 0);
    this.container.addChild(this.#outline, this.#sprite, this.#reason);
    this.container.zIndex = 2e7;
  }

  /** Shows the ghost of `buildingId` with its top-left at tile (x, y). */
  show(
    buildingId: string,
    color: string,
    width: number,
    height: number,
    x: number,
    y: number,
    valid: boolean,
    reason = '',
  ): void {
    const key = `${buildingId}/${width}/${height}/${valid}`;
    this.valid = valid;
    this.tileX = x;
    this.tileY = y;
    this.container.visible = true;
    this.container.position.set(x * TILE_PX, y * TILE_PX);
    if (key !== this.#key) {
      this.#key = key;
      const art = this.#art.building(buildingId, color, width, height, true);
      this.#sprite.texture = art.texture;
      this.#sprite.anchor.set(art.anchorX, art.anchorY);
      this.#sprite.tint = valid ? 0xffffff : 0xff8080;
      const c = valid ? 0x4ade80 : 0xf87171;
      this.#outline.clear();
      this.#outline
        .rect(0, 0, width * TILE_PX, height * TILE_PX)
        .fill({ color: c, alpha: 0.25 })
        .stroke({ color: c, width: 1.5, alpha: 0.9 });
      for (let i = 1; i < width; i++)
        this.#outline
          .moveTo(i * TILE_PX, 0)
          .lineTo(i * TILE_PX, height * TILE_PX)
          .stroke({ color: c, width: 0.5, alpha: 0.5 });
      for (let j = 1; j < height; j++)
        this.#outline
          .moveTo(0, j * TILE_PX)
          .lineTo(width * TILE_PX, j * TILE_PX)
          .stroke({ color: c, width: 0.5, alpha: 0.5 });
      this.#reason.position.set((width * TILE_PX) / 2, height * TILE_PX + 2);
    }
    this.#reason.text = valid ? '' : reason;
  }

  hide(): void {
    this.container.visible = false;
  }
}
