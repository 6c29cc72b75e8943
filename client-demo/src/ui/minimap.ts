import { css, shade } from '../render/colors';
import { playerColor } from '../render/sprite-art';
import type { BiomeLook } from '../render/terrain-art';
import type { WorldView } from '../world/world-view';
import { drawProjectSites } from '../loop/project-site-marks';
import { h } from './dom';

/** Options of {@link Minimap}. */
export interface MinimapOptions {
  readonly view: WorldView;
  /** Biome looks by tile byte. */
  readonly biomes: readonly (BiomeLook | undefined)[];
  /** Side of the canvas, CSS px. @default 168 */
  readonly sizePx?: number;
  /** Tiles across the map. @default 160 */
  readonly spanTiles?: number;
  /** Redraws per second. @default 4 */
  readonly redrawHz?: number;
}

/**
 * A small map in the corner: the terrain chunks in view (one texel per tile, cached per chunk),
 * buildings, and players as coloured dots, centred on the local player.
 */
export class Minimap {
  readonly element: HTMLElement;
  readonly #canvas: HTMLCanvasElement;
  readonly #g: CanvasRenderingContext2D;
  readonly #view: WorldView;
  readonly #biomes: readonly (BiomeLook | undefined)[];
  readonly #size: number;
  readonly #span: number;
  readonly #periodMs: number;
  readonly #chunkImages = new Map<number, { canvas: HTMLCanvasElement; tiles: Uint8Array }>();
  #lastMs = -Infinity;
  readonly #offs: (() => void)[];
  #composite: { canvas: HTMLCanvasElement; originX: number; originY: number; version: number } | undefined;
  /** Bumped when a chunk's tiles change (same count, different content). */
  #chunkVersion = 0;

  constructor(options: MinimapOptions) {
    this.#view = options.view;
    this.#biomes = options.biomes;
    this.#size = options.sizePx ?? 168;
    this.#span = options.spanTiles ?? 160;
    this.#periodMs = 1000 / (options.redrawHz ?? 4);
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    this.#canvas = h('canvas', {
      width: this.#size * dpr,
      height: this.#size * dpr,
      style: `width:${this.#size}px;height:${this.#size}px`,
    });
    this.#g = this.#canvas.getContext('2d')!;
    this.#g.scale(dpr, dpr);
    this.#g.imageSmoothingEnabled = false;
    this.element = h('section', { class: 'minimap', 'data-panel': 'minimap' }, this.#canvas);
    const chunks = options.view.table('terrain_chunk');
    const bump = () => void this.#chunkVersion++;
    this.#offs = [chunks.onInsert(bump), chunks.onUpdate(bump), chunks.onDelete(bump)];
  }

  /** Redraws around (x, y) in tiles, at most `redrawHz` times a second. */
  update(centerX: number, centerY: number, nowMs: number, self?: string): void {
    if (nowMs - this.#lastMs < this.#periodMs) return;
    this.#lastMs = nowMs;
    const g = this.#g;
    const s = this.#size;
    const scale = s / this.#span;
    const ox = centerX - this.#span / 2;
    const oy = centerY - this.#span / 2;
    g.fillStyle = '#10202b';
    g.fillRect(0, 0, s, s);
    const terrain = this.#terrainImage(centerX, centerY);
    g.drawImage(
      terrain.canvas,
      (terrain.originX - ox) * scale,
      (terrain.originY - oy) * scale,
      terrain.canvas.width * scale,
      terrain.canvas.height * scale,
    );
    g.fillStyle = '#5a3a1a';
    for (const b of this.#view.table('building').iter())
      g.fillRect(
        (b.x - ox) * scale,
        (b.y - oy) * scale,
        Math.max(2, b.width * scale),
        Math.max(2, b.height * scale),
      );
    drawProjectSites(g, this.#view, ox, oy, scale);
    // Other players as small squares (cheap), the local player as an outlined dot in the centre.
    for (const p of this.#view.table('avatar').iter()) {
      if (p.identity === self || !p.online) continue;
      g.fillStyle = css(playerColor(p.identity));
      g.fillRect((p.x - ox) * scale - 2, (p.y - oy) * scale - 2, 4, 4);
    }
    g.beginPath();
    g.arc(s / 2, s / 2, 3.5, 0, Math.PI * 2);
    g.fillStyle = '#ffffff';
    g.fill();
    g.lineWidth = 1.5;
    g.strokeStyle = '#000';
    g.stroke();
    g.strokeStyle = 'rgba(255,255,255,0.25)';
    g.strokeRect(0.5, 0.5, s - 1, s - 1);
  }

  /**
   * The terrain around the centre at one texel per tile, composed from the per-chunk images and
   * rebuilt only when the chunk set changes or the centre leaves the middle of the composite: the
   * per-redraw cost is then one drawImage instead of one per chunk.
   */
  #terrainImage(cx: number, cy: number): { canvas: HTMLCanvasElement; originX: number; originY: number } {
    const info = this.#view.table('world_info').find(0);
    const n = info?.chunkTiles ?? 32;
    const chunks = this.#view.table('terrain_chunk');
    const side = Math.ceil((this.#span * 2) / n) * n;
    const c = this.#composite;
    if (
      c !== undefined &&
      c.version === this.#chunkVersion &&
      Math.abs(cx - (c.originX + side / 2)) < side / 4 &&
      Math.abs(cy - (c.originY + side / 2)) < side / 4
    )
      return c;
    const originX = Math.floor((cx - side / 2) / n) * n;
    const originY = Math.floor((cy - side / 2) / n) * n;
    const canvas = c?.canvas ?? document.createElement('canvas');
    canvas.width = canvas.height = side + n;
    const g = canvas.getContext('2d')!;
    g.clearRect(0, 0, canvas.width, canvas.height);
    const seen = new Set<number>();
    for (const chunk of chunks.iter()) {
      seen.add(chunk.id);
      const x = chunk.cx * n - originX;
      const y = chunk.cy * n - originY;
      if (x < -n || y < -n || x > canvas.width || y > canvas.height) continue;
      g.drawImage(this.#chunkImage(chunk.id, chunk.tiles, n), x, y);
    }
    for (const id of this.#chunkImages.keys()) if (!seen.has(id)) this.#chunkImages.delete(id);
    this.#composite = { canvas, originX, originY, version: this.#chunkVersion };
    return this.#composite;
  }

  /** Removes the listeners. */
  destroy(): void {
    for (const o of this.#offs) o();
    this.element.remove();
  }

  #chunkImage(id: number, tiles: Uint8Array, n: number): HTMLCanvasElement {
    const hit = this.#chunkImages.get(id);
    if (hit !== undefined && hit.tiles === tiles) return hit.canvas;
    const c = document.createElement('canvas');
    c.width = c.height = n;
    const g = c.getContext('2d')!;
    const img = g.createImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      const b = this.#biomes[tiles[i]!];
      const col = b === undefined ? 0x333333 : b.kind === 'land' ? b.color : shade(b.color, 0.9);
      img.data[i * 4] = (col >> 16) & 255;
      img.data[i * 4 + 1] = (col >> 8) & 255;
      img.data[i * 4 + 2] = col & 255;
      img.data[i * 4 + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    this.#chunkImages.set(id, { canvas: c, tiles });
    return c;
  }
}
