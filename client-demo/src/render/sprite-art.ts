import { Texture } from 'pixi.js';
import { css, hash01, mix, parseColor, shade } from './colors';
import { ellipse, OUTLINE, poly, shadow } from './canvas-shapes';
import { TILE_PX } from './tile-metrics';
import { drawTownBuilding } from './town-art';

/** Art pixels per tile: sprites are drawn at twice the world scale so zooming in stays crisp. */
const ART_PX_PER_TILE = TILE_PX * 2;
/** Scale that maps art pixels to world pixels. */
export const ART_SCALE = TILE_PX / ART_PX_PER_TILE;

/** A drawn texture and the anchor that puts its "feet" on the entity's position. */
export interface ArtPiece {
  readonly texture: Texture;
  readonly anchorX: number;
  readonly anchorY: number;
}

type Ctx = CanvasRenderingContext2D;

function canvas(w: number, h: number): { c: HTMLCanvasElement; g: Ctx } {
  const c = document.createElement('canvas');
  c.width = Math.ceil(w);
  c.height = Math.ceil(h);
  const g = c.getContext('2d')!;
  g.lineJoin = 'round';
  g.lineCap = 'round';
  return { c, g };
}

function piece(c: HTMLCanvasElement, anchorX: number, anchorY: number): ArtPiece {
  const texture = Texture.from(c);
  texture.source.scaleMode = 'linear';
  return { texture, anchorX, anchorY };
}

/** Draws a resource node; `depleted` draws what is left (a stump, an empty bush, rubble). */
function drawNode(id: string, shape: string, colorText: string, depleted: boolean): ArtPiece {
  const base = parseColor(colorText, 0x6c8a3a);
  const T = ART_PX_PER_TILE;
  const seed = hash01(id.length, id.charCodeAt(0));
  switch (id) {
    case 'oak_tree':
    case 'pine_tree': {
      const { c, g } = canvas(T * 2, T * 2.6);
      const cx = T;
      const foot = T * 2.4;
      shadow(g, cx, foot, T * 0.7);
      g.fillStyle = '#6b4423';
      g.strokeStyle = OUTLINE;
      g.lineWidth = 2;
      if (depleted) {
        ellipse(g, cx, foot - 4, T * 0.32, T * 0.16, '#8b5a2b', OUTLINE);
        ellipse(g, cx, foot - 6, T * 0.26, T * 0.11, '#c49a6c');
        return piece(c, 0.5, foot / c.height);
      }
      g.fillRect(cx - 5, foot - T * 0.9, 10, T * 0.9);
      g.strokeRect(cx - 5, foot - T * 0.9, 10, T * 0.9);
      if (id === 'pine_tree') {
        for (let i = 0; i < 3; i++) {
          const y = foot - T * 0.55 - i * T * 0.5;
          const w = T * (0.85 - i * 0.2);
          poly(g, [cx - w, y, cx + w, y, cx, y - T * 0.8], css(shade(base, 1 + i * 0.12)), OUTLINE);
        }
      } else {
        const blobs: [number, number, number, number][] = [
          [-0.35, -1.35, 0.5, 0.9],
          [0.35, -1.35, 0.5, 0.95],
          [0, -1.75, 0.55, 1.05],
          [0, -1.25, 0.5, 1.12],
        ];
        for (const [dx, dy, r, f] of blobs)
          ellipse(g, cx + dx * T, foot + dy * T, r * T, r * T * 0.9, css(shade(base, f)), OUTLINE);
        for (let i = 0; i < 6; i++)
          ellipse(
            g,
            cx + (hash01(i, 3) - 0.5) * T,
            foot - T * (1.2 + hash01(i, 5) * 0.7),
            3,
            3,
            css(shade(base, 1.35)),
          );
      }
      return piece(c, 0.5, foot / c.height);
    }
    case 'berry_bush':
    case 'fiber_grass':
    case 'reed_patch': {
      const { c, g } = canvas(T * 1.4, T * 1.4);
      const cx = c.width / 2;
      const foot = c.height - 6;
      shadow(g, cx, foot, T * 0.45);
      if (id === 'berry_bush') {
        const leaf = css(depleted ? mix(base, 0x8a8a5a, 0.4) : base);
        ellipse(g, cx - 8, foot - 12, 12, 11, leaf, OUTLINE);
        ellipse(g, cx + 8, foot - 12, 12, 11, leaf, OUTLINE);
        ellipse(g, cx, foot - 20, 13, 12, css(shade(base, depleted ? 0.9 : 1.12)), OUTLINE);
        if (!depleted)
          for (let i = 0; i < 7; i++)
            ellipse(
              g,
              cx + (hash01(i, 1) - 0.5) * 26,
              foot - 8 - hash01(i, 2) * 20,
              2.8,
              2.8,
              '#d62839',
              '#5c0a12',
              1,
            );
      } else {
        const n = depleted ? 4 : id === 'reed_patch' ? 9 : 11;
        for (let i = 0; i < n; i++) {
          const x = cx + (hash01(i, 9) - 0.5) * 24;
          const h = (depleted ? 6 : id === 'reed_patch' ? 30 : 20) * (0.6 + hash01(i, 4) * 0.5);
          g.strokeStyle = css(shade(base, 0.8 + hash01(i, 6) * 0.4));
          g.lineWidth = id === 'reed_patch' ? 3 : 2.5;
          g.beginPath();
          g.moveTo(x, foot);
          g.quadraticCurveTo(
            x + (hash01(i, 8) - 0.5) * 10,
            foot - h * 0.6,
            x + (hash01(i, 7) - 0.5) * 12,
            foot - h,
          );
          g.stroke();
          if (id === 'reed_patch' && !depleted && i % 2 === 0)
            ellipse(g, x + (hash01(i, 7) - 0.5) * 12, foot - h, 2.5, 5, '#7b5a36');
        }
      }
      return piece(c, 0.5, foot / c.height);
    }
    case 'cactus': {
      const { c, g } = canvas(T * 1.2, T * 1.8);
      const cx = c.width / 2;
      const foot = c.height - 5;
      shadow(g, cx, foot, T * 0.35);
      const col = css(depleted ? mix(base, 0x9c8b5a, 0.5) : base);
      const h = depleted ? T * 0.5 : T * 1.4;
      g.fillStyle = col;
      g.strokeStyle = OUTLINE;
      g.lineWidth = 2;
      g.beginPath();
      g.roundRect(cx - 6, foot - h, 12, h, 6);
      g.fill();
      g.stroke();
      if (!depleted) {
        g.beginPath();
        g.roundRect(cx - 16, foot - h * 0.7, 8, h * 0.35, 4);
        g.roundRect(cx + 8, foot - h * 0.85, 8, h * 0.4, 4);
        g.fill();
        g.stroke();
      }
      return piece(c, 0.5, foot / c.height);
    }
    case 'mushroom_ring': {
      const { c, g } = canvas(T * 1.4, T * 1.2);
      const cx = c.width / 2;
      const foot = c.height - 8;
      const n = depleted ? 2 : 6;
      for (let i = 0; i < n; i++) {
        const a = (i / 6) * Math.PI * 2 + seed;
        const x = cx + Math.cos(a) * 12;
        const y = foot - 6 + Math.sin(a) * 6;
        g.fillStyle = '#efe6d2';
        g.fillRect(x - 1.5, y - 6, 3, 6);
        ellipse(g, x, y - 7, 5, 3.5, css(base), OUTLINE, 1.5);
        ellipse(g, x - 1.5, y - 8, 1.2, 1, '#fff8e8');
      }
      return piece(c, 0.5, foot / c.height);
    }
    case 'fallen_branch': {
      const { c, g } = canvas(T * 1.2, T * 0.8);
      const foot = c.height - 6;
      shadow(g, c.width / 2, foot, T * 0.4);
      g.strokeStyle = OUTLINE;
      g.lineWidth = 7;
      g.beginPath();
      g.moveTo(6, foot - 4);
      g.lineTo(c.width - 6, foot - 10);
      g.moveTo(c.width * 0.6, foot - 8);
      g.lineTo(c.width * 0.75, foot - 18);
      g.stroke();
      g.strokeStyle = depleted ? css(mix(base, 0x888888, 0.6)) : css(base);
      g.lineWidth = 4;
      g.stroke();
      return piece(c, 0.5, foot / c.height);
    }
    case 'loose_stones':
    case 'flint_nodule': {
      const { c, g } = canvas(T * 1.1, T * 0.9);
      const foot = c.height - 5;
      const n = depleted ? 1 : 3;
      for (let i = 0; i < n; i++) {
        const x = c.width / 2 + (i - 1) * 9;
        const y = foot - 5 - (i % 2) * 5;
        if (id === 'flint_nodule')
          poly(g, [x - 6, y, x, y - 9, x + 6, y, x, y + 4], css(shade(base, 0.9 + i * 0.15)), OUTLINE);
        else ellipse(g, x, y, 7 - i, 5 - i * 0.5, css(shade(base, 0.9 + i * 0.1)), OUTLINE);
      }
      return piece(c, 0.5, foot / c.height);
    }
    case 'clay_deposit':
    case 'sand_pile': {
      const { c, g } = canvas(T * 1.3, T * 0.9);
      const cx = c.width / 2;
      const foot = c.height - 4;
      const h = depleted ? 5 : 15;
      g.beginPath();
      g.moveTo(4, foot);
      g.quadraticCurveTo(cx, foot - h * 2, c.width - 4, foot);
      g.closePath();
      g.fillStyle = css(depleted ? mix(base, 0x8c7b61, 0.4) : base);
      g.fill();
      g.strokeStyle = OUTLINE;
      g.lineWidth = 2;
      g.stroke();
      if (!depleted)
        for (let i = 0; i < 5; i++)
          ellipse(
            g,
            cx + (hash01(i, 2) - 0.5) * 22,
            foot - 3 - hash01(i, 3) * 8,
            1.5,
            1.2,
            css(shade(base, 0.7)),
          );
      return piece(c, 0.5, foot / c.height);
    }
    default: {
      // Rocks and ore veins (and any new resource with a 'hex' or unknown shape): a boulder with flecks of the ore colour.
      const { c, g } = canvas(T * 1.4, T * 1.2);
      const cx = c.width / 2;
      const foot = c.height - 6;
      shadow(g, cx, foot, T * 0.5);
      const rock = id === 'boulder' ? base : 0x8a8d8f;
      const s = depleted ? 0.55 : 1;
      poly(
        g,
        [
          cx - 18 * s,
          foot - 2,
          cx - 20 * s,
          foot - 14 * s,
          cx - 8 * s,
          foot - 26 * s,
          cx + 10 * s,
          foot - 25 * s,
          cx + 20 * s,
          foot - 12 * s,
          cx + 17 * s,
          foot - 2,
        ],
        css(depleted ? shade(rock, 0.85) : rock),
        OUTLINE,
      );
      poly(
        g,
        [
          cx - 8 * s,
          foot - 26 * s,
          cx + 10 * s,
          foot - 25 * s,
          cx + 4 * s,
          foot - 17 * s,
          cx - 10 * s,
          foot - 18 * s,
        ],
        css(shade(rock, 1.25)),
      );
      if (id !== 'boulder' && !depleted)
        for (let i = 0; i < 6; i++)
          ellipse(
            g,
            cx + (hash01(i, 12) - 0.5) * 28,
            foot - 6 - hash01(i, 13) * 16,
            2.8,
            2.2,
            css(base),
            OUTLINE,
            1,
          );
      if (shape !== 'hex' && id !== 'boulder' && !depleted)
        ellipse(g, cx, foot - 14, 5, 5, css(base), OUTLINE);
      return piece(c, 0.5, foot / c.height);
    }
  }
}

/** Draws a building on its footprint (`width` x `height` tiles); `complete` false draws it in scaffolding. */
function drawBuilding(
  id: string,
  colorText: string,
  width: number,
  height: number,
  complete: boolean,
): ArtPiece {
  const base = parseColor(colorText, 0x8b5a2b);
  const T = ART_PX_PER_TILE;
  const extra = T * 1.2; // room above the footprint for roofs and flames
  const { c, g } = canvas(width * T, height * T + extra);
  const top = extra;
  const w = width * T;
  const h = height * T;
  g.globalAlpha = complete ? 1 : 0.55;
  if (drawTownBuilding(g, id, w, h, top)) return piece(c, 0, top / c.height);
  switch (id) {
    case 'campfire': {
      for (let i = 0; i < 8; i++) {
        const a = (i / 8) * Math.PI * 2;
        ellipse(g, w / 2 + Math.cos(a) * 10, top + h / 2 + Math.sin(a) * 7, 4, 3, '#8f8f8f', OUTLINE, 1.5);
      }
      g.strokeStyle = '#6b4423';
      g.lineWidth = 4;
      g.beginPath();
      g.moveTo(w / 2 - 8, top + h / 2 + 3);
      g.lineTo(w / 2 + 8, top + h / 2 - 3);
      g.moveTo(w / 2 - 8, top + h / 2 - 3);
      g.lineTo(w / 2 + 8, top + h / 2 + 3);
      g.stroke();
      if (complete) {
        poly(g, [w / 2 - 7, top + h / 2, w / 2, top + h / 2 - 22, w / 2 + 7, top + h / 2], '#f39c12');
        poly(g, [w / 2 - 4, top + h / 2, w / 2, top + h / 2 - 13, w / 2 + 4, top + h / 2], '#fde68a');
      }
      break;
    }
    case 'wooden_wall':
    case 'stone_wall': {
      g.fillStyle = css(base);
      g.strokeStyle = OUTLINE;
      g.lineWidth = 2;
      g.fillRect(1, top - T * 0.5, w - 2, h + T * 0.5 - 1);
      g.strokeRect(1, top - T * 0.5, w - 2, h + T * 0.5 - 1);
      g.strokeStyle = css(shade(base, 0.7));
      for (let y = top - T * 0.5 + 8; y < top + h; y += 8) {
        g.beginPath();
        g.moveTo(2, y);
        g.lineTo(w - 2, y);
        g.stroke();
      }
      g.fillStyle = css(shade(base, 1.25));
      g.fillRect(1, top - T * 0.5, w - 2, 5);
      break;
    }
    case 'cabin':
    case 'large_storage': {
      const wall = id === 'cabin' ? 0xc8a27a : shade(base, 1.2);
      g.fillStyle = css(wall);
      g.strokeStyle = OUTLINE;
      g.lineWidth = 2;
      g.fillRect(4, top + h * 0.25, w - 8, h * 0.75 - 2);
      g.strokeRect(4, top + h * 0.25, w - 8, h * 0.75 - 2);
      poly(
        g,
        [-2, top + h * 0.3, w / 2, top - extra * 0.6, w + 2, top + h * 0.3],
        css(id === 'cabin' ? 0x9b3b2b : shade(base, 0.7)),
        OUTLINE,
      );
      g.fillStyle = '#4a3020';
      g.fillRect(w / 2 - 8, top + h - 26, 16, 24);
      if (id === 'cabin') {
        g.fillStyle = complete ? '#fdf2b3' : '#777';
        g.fillRect(14, top + h * 0.45, 14, 12);
        g.fillRect(w - 28, top + h * 0.45, 14, 12);
      }
      break;
    }
    case 'storage_chest': {
      g.fillStyle = css(base);
      g.strokeStyle = OUTLINE;
      g.lineWidth = 2;
      g.beginPath();
      g.roundRect(4, top + 6, w - 8, h - 10, 4);
      g.fill();
      g.stroke();
      g.fillStyle = css(shade(base, 1.25));
      g.fillRect(4, top + 6, w - 8, 8);
      g.fillStyle = '#f1c40f';
      g.fillRect(w / 2 - 3, top + 12, 6, 7);
      break;
    }
    case 'flower_bed': {
      g.fillStyle = '#5b3a1e';
      g.fillRect(3, top + 8, w - 6, h - 12);
      for (let i = 0; i < 6; i++) {
        const x = 8 + (i % 3) * ((w - 16) / 2);
        const y = top + 14 + Math.floor(i / 3) * 10;
        ellipse(g, x, y, 3.5, 3.5, css(i % 2 ? base : 0xf4d03f), OUTLINE, 1);
      }
      break;
    }
    default: {
      // Stations (workbench, furnace, anvil, loom) and any new building: a block in its colour with a lit top.
      g.fillStyle = css(base);
      g.strokeStyle = OUTLINE;
      g.lineWidth = 2;
      g.beginPath();
      g.roundRect(3, top + 2 - T * 0.3, w - 6, h - 4 + T * 0.3, 5);
      g.fill();
      g.stroke();
      g.fillStyle = css(shade(base, 1.3));
      g.fillRect(5, top + 4 - T * 0.3, w - 10, 9);
      if (id === 'furnace' && complete)
        ellipse(g, w / 2, top + h * 0.6, w * 0.18, h * 0.14, '#ff8c1a', '#7a2e00');
      if (id === 'anvil')
        poly(
          g,
          [
            w * 0.2,
            top + h * 0.35,
            w * 0.85,
            top + h * 0.35,
            w * 0.7,
            top + h * 0.55,
            w * 0.3,
            top + h * 0.55,
          ],
          '#2c3e50',
          OUTLINE,
        );
      if (id === 'workbench' || id === 'loom') {
        g.strokeStyle = css(shade(base, 0.6));
        g.lineWidth = 3;
        for (let x = 14; x < w - 8; x += 16) {
          g.beginPath();
          g.moveTo(x, top + 10 - T * 0.3);
          g.lineTo(x, top + h - 6);
          g.stroke();
        }
      }
    }
  }
  if (!complete) {
    // Scaffolding: a wooden frame over the half-built structure.
    g.globalAlpha = 1;
    g.strokeStyle = '#c8a165';
    g.lineWidth = 3;
    g.strokeRect(3, top - 4, w - 6, h + 2);
    g.beginPath();
    g.moveTo(3, top - 4);
    g.lineTo(w - 3, top + h - 2);
    g.moveTo(w - 3, top - 4);
    g.lineTo(3, top + h - 2);
    g.stroke();
  }
  return piece(c, 0, top / c.height);
}

/** A player figure in one of a few palettes; drawn facing right (mirror it to face left). */
function drawPlayer(color: number): ArtPiece {
  const T = ART_PX_PER_TILE;
  const { c, g } = canvas(T, T * 1.5);
  const cx = c.width / 2;
  const foot = c.height - 5;
  shadow(g, cx, foot, T * 0.32);
  // Legs, body, head, eye.
  g.fillStyle = '#3b3b4f';
  g.fillRect(cx - 6, foot - 10, 5, 10);
  g.fillRect(cx + 1, foot - 10, 5, 10);
  g.beginPath();
  g.roundRect(cx - 9, foot - 28, 18, 20, 6);
  g.fillStyle = css(color);
  g.fill();
  g.strokeStyle = OUTLINE;
  g.lineWidth = 2;
  g.stroke();
  ellipse(g, cx, foot - 36, 9, 9, '#f1c9a5', OUTLINE);
  g.beginPath();
  g.arc(cx, foot - 38, 9.5, Math.PI, 0);
  g.fillStyle = css(shade(color, 0.6));
  g.fill();
  ellipse(g, cx + 4, foot - 35, 1.8, 2.2, '#222');
  return piece(c, 0.5, foot / c.height);
}

/** Shirt colours for players, picked by identity. */
const PLAYER_COLORS = [
  0xe74c3c, 0x3498db, 0x9b59b6, 0xf39c12, 0x1abc9c, 0xe84393, 0x2ecc71, 0xd35400,
] as const;

/** The shirt colour of an identity (stable across sessions). */
export function playerColor(identity: string): number {
  let h = 0;
  for (let i = 0; i < identity.length; i++) h = (Math.imul(h, 31) + identity.charCodeAt(i)) | 0;
  return PLAYER_COLORS[(h >>> 0) % PLAYER_COLORS.length]!;
}

/**
 * Procedural textures, drawn on first use and cached: resource nodes (normal and depleted),
 * buildings (complete and under construction) and players.
 */
export class SpriteArt {
  readonly #cache = new Map<string, ArtPiece>();

  /** A resource node's texture. `shape` and `color` come from its `resource_def` row. */
  node(resourceId: string, shape: string, color: string, depleted: boolean): ArtPiece {
    return this.#get(`n/${resourceId}/${depleted ? 1 : 0}`, () =>
      drawNode(resourceId, shape, color, depleted),
    );
  }

  /** A building's texture; anchor (0, y) puts the footprint's top-left at the building's x/y. */
  building(buildingId: string, color: string, width: number, height: number, complete: boolean): ArtPiece {
    return this.#get(`b/${buildingId}/${width}x${height}/${complete ? 1 : 0}`, () =>
      drawBuilding(buildingId, color, width, height, complete),
    );
  }

  /** A player figure. */
  player(color: number): ArtPiece {
    return this.#get(`p/${color}`, () => drawPlayer(color));
  }

  /** Frees every texture. */
  destroy(): void {
    for (const p of this.#cache.values()) p.texture.destroy(true);
    this.#cache.clear();
  }

  #get(key: string, draw: () => ArtPiece): ArtPiece {
    let p = this.#cache.get(key);
    if (p === undefined) {
      p = draw();
      this.#cache.set(key, p);
    }
    return p;
  }
}
