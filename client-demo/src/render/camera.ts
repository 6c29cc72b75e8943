/** Options of {@link Camera}. */
export interface CameraOptions {
  /** Furthest zoom out, in screen px per world px. @default 0.5 */
  readonly minZoom?: number;
  /** Furthest zoom in. @default 3 */
  readonly maxZoom?: number;
  /** Starting zoom. @default 2 */
  readonly zoom?: number;
  /**
   * How quickly the camera catches up with its target: the fraction of the distance left after
   * one second is `exp(-followRate)`. Higher is stiffer.
   * @default 10
   */
  readonly followRate?: number;
}

/**
 * A 2D camera in world pixels: follows a target smoothly, zooms around the screen centre or a
 * point, and converts between screen and world coordinates. Pure state, no rendering: the scene
 * applies `zoom`, `offsetX`, `offsetY` to its world container.
 *
 * @example
 * const cam = new Camera({ zoom: 2 });
 * cam.resize(800, 600);
 * cam.jumpTo(100, 100);
 * cam.worldToScreenX(100); // -> 400
 */
export class Camera {
  /** Centre of the view, world px. */
  x = 0;
  y = 0;
  #zoom: number;
  readonly minZoom: number;
  readonly maxZoom: number;
  readonly #followRate: number;
  #width = 1;
  #height = 1;

  constructor(options: CameraOptions = {}) {
    this.minZoom = options.minZoom ?? 0.5;
    this.maxZoom = options.maxZoom ?? 3;
    if (!(this.minZoom > 0 && this.maxZoom >= this.minZoom))
      throw new RangeError(`bad zoom range [${this.minZoom}, ${this.maxZoom}]`);
    this.#zoom = clamp(options.zoom ?? 2, this.minZoom, this.maxZoom);
    this.#followRate = options.followRate ?? 10;
  }

  /** Screen pixels per world pixel. */
  get zoom(): number {
    return this.#zoom;
  }

  /** Screen size in CSS pixels. */
  get width(): number {
    return this.#width;
  }
  get height(): number {
    return this.#height;
  }

  /** Sets the screen size. */
  resize(width: number, height: number): void {
    this.#width = Math.max(1, width);
    this.#height = Math.max(1, height);
  }

  /** Centres on a point at once. */
  jumpTo(x: number, y: number): void {
    this.x = x;
    this.y = y;
  }

  /** Moves toward a target, frame-rate independent. */
  follow(targetX: number, targetY: number, dtMs: number): void {
    const keep = Math.exp((-this.#followRate * Math.max(0, dtMs)) / 1000);
    this.x = targetX + (this.x - targetX) * keep;
    this.y = targetY + (this.y - targetY) * keep;
  }

  /**
   * Multiplies the zoom by `factor` (clamped), keeping the world point under screen point
   * (`screenX`, `screenY`) fixed; by default the screen centre.
   */
  zoomBy(factor: number, screenX = this.#width / 2, screenY = this.#height / 2): void {
    const wx = this.screenToWorldX(screenX);
    const wy = this.screenToWorldY(screenY);
    this.#zoom = clamp(this.#zoom * factor, this.minZoom, this.maxZoom);
    this.x += wx - this.screenToWorldX(screenX);
    this.y += wy - this.screenToWorldY(screenY);
  }

  /** Sets the zoom (clamped). */
  setZoom(zoom: number): void {
    this.#zoom = clamp(zoom, this.minZoom, this.maxZoom);
  }

  /** Translation to apply to the world container (screen px). */
  get offsetX(): number {
    return this.#width / 2 - this.x * this.#zoom;
  }
  get offsetY(): number {
    return this.#height / 2 - this.y * this.#zoom;
  }

  screenToWorldX(sx: number): number {
    return (sx - this.#width / 2) / this.#zoom + this.x;
  }
  screenToWorldY(sy: number): number {
    return (sy - this.#height / 2) / this.#zoom + this.y;
  }
  worldToScreenX(wx: number): number {
    return (wx - this.x) * this.#zoom + this.#width / 2;
  }
  worldToScreenY(wy: number): number {
    return (wy - this.y) * this.#zoom + this.#height / 2;
  }

  /** The visible world rectangle, with a margin in world px. */
  visibleRect(marginPx = 0): { minX: number; minY: number; maxX: number; maxY: number } {
    const hw = this.#width / 2 / this.#zoom + marginPx;
    const hh = this.#height / 2 / this.#zoom + marginPx;
    return { minX: this.x - hw, minY: this.y - hh, maxX: this.x + hw, maxY: this.y + hh };
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
