import { hash01, mix, shade } from './colors';
import { TERRAIN_TEXELS_PER_TILE } from './tile-metrics';

/** How the painter sees one biome. */
export interface BiomeLook {
  readonly id: string;
  /** 'land' | 'water' | 'cliff' */
  readonly kind: string;
  /** Packed 0xRRGGBB. */
  readonly color: number;
}

/** Inputs of {@link paintChunk}. */
export interface ChunkPaintInput {
  /** Chunk coordinates (chunks, not tiles). */
  readonly cx: number;
  readonly cy: number;
  readonly chunkTiles: number;
  /** `tiles[y * chunkTiles + x]`: biome tile bytes. */
  readonly tiles: Uint8Array;
  /** Biome by tile byte; unknown bytes paint as cliff-grey. */
  readonly biomes: readonly (BiomeLook | undefined)[];
  /** Tile byte at world tile coordinates outside the chunk, or -1 when unknown (seams). */
  readonly tileOutside?: (worldX: number, worldY: number) => number;
  /** Texels per tile. @default TERRAIN_TEXELS_PER_TILE */
  readonly texelsPerTile?: number;
}

const UNKNOWN: BiomeLook = { id: '?', kind: 'cliff', color: 0x555555 };
const SAND = 0xd8c48a;
const FOAM = 0xcfe9f2;

/**
 * Paints one terrain chunk into RGBA texels: biome colour with per-texel grain, dithered borders
 * between biomes, beaches and foam along water, shaded cliff edges and small per-biome details.
 * Pure and deterministic (hashes of world texel coordinates), so adjacent chunks match at seams.
 *
 * @throws RangeError when `tiles` is not `chunkTiles * chunkTiles` long
 * @example
 * const rgba = paintChunk({ cx: 0, cy: 0, chunkTiles: 32, tiles, biomes });
 * rgba.length; // -> 32 * 8 * 32 * 8 * 4
 */
export function paintChunk(input: ChunkPaintInput): Uint8ClampedArray<ArrayBuffer> {
  const n = input.chunkTiles;
  if (input.tiles.length !== n * n)
    throw new RangeError(`chunk (${input.cx}, ${input.cy}): ${input.tiles.length} tiles, expected ${n * n}`);
  const tpt = input.texelsPerTile ?? TERRAIN_TEXELS_PER_TILE;
  const side = n * tpt;
  const out = new Uint8ClampedArray(side * side * 4);
  const baseX = input.cx * n;
  const baseY = input.cy * n;
  const tileAt = (tx: number, ty: number): number => {
    if (tx >= 0 && ty >= 0 && tx < n && ty < n) return input.tiles[ty * n + tx]!;
    return input.tileOutside?.(baseX + tx, baseY + ty) ?? -1;
  };
  const look = (tile: number): BiomeLook => (tile < 0 ? UNKNOWN : (input.biomes[tile] ?? UNKNOWN));
  const isWater = (tile: number) => tile >= 0 && look(tile).kind === 'water';

  for (let ty = 0; ty < n; ty++) {
    for (let tx = 0; tx < n; tx++) {
      const tile = input.tiles[ty * n + tx]!;
      const b = look(tile);
      // Neighbour tiles (4-connected), resolved once per tile rather than per texel.
      const up = tileAt(tx, ty - 1);
      const down = tileAt(tx, ty + 1);
      const left = tileAt(tx - 1, ty);
      const right = tileAt(tx + 1, ty);
      const water = b.kind === 'water';
      const cliff = b.kind === 'cliff';
      const nearWater = !water && (isWater(up) || isWater(down) || isWater(left) || isWater(right));
      const nearLand =
        water &&
        ((up >= 0 && !isWater(up)) ||
          (down >= 0 && !isWater(down)) ||
          (left >= 0 && !isWater(left)) ||
          (right >= 0 && !isWater(right)));
      for (let py = 0; py < tpt; py++) {
        for (let px = 0; px < tpt; px++) {
          const wx = (baseX + tx) * tpt + px;
          const wy = (baseY + ty) * tpt + py;
          const h = hash01(wx, wy);
          // Dithered border: texels near an edge sometimes take the neighbour's colour.
          let c = b.color;
          let kind = b.kind;
          let id = b.id;
          const edge = Math.min(px, py, tpt - 1 - px, tpt - 1 - py);
          if (edge < 2 && !water && !cliff) {
            const nb = px < 2 ? left : px >= tpt - 2 ? right : py < 2 ? up : down;
            if (nb >= 0 && nb !== tile && look(nb).kind === 'land' && h < (edge === 0 ? 0.45 : 0.2)) {
              c = look(nb).color;
              id = look(nb).id;
              kind = 'land';
            }
          }
          if (kind === 'water') {
            const wave = Math.sin(wx * 0.35 + Math.sin(wy * 0.21) * 2.2) + Math.sin(wy * 0.5 + wx * 0.07);
            c = shade(c, 0.94 + h * 0.06);
            if (wave > 1.72) c = mix(c, FOAM, 0.35);
            if (nearLand) {
              const d = distanceToLand(px, py, tpt, up, down, left, right, isWater);
              if (d <= 1) c = mix(c, FOAM, 0.55 - d * 0.15);
              else if (d <= 3) c = mix(c, 0x4fa3c7, 0.35);
            }
          } else if (kind === 'cliff') {
            c = shade(c, 0.85 + h * 0.3);
            if (up >= 0 && look(up).kind !== 'cliff' && py < 2) c = shade(c, 1.35);
            if (down >= 0 && look(down).kind !== 'cliff' && py >= tpt - 2) c = shade(c, 0.6);
            if (hash01(wx >> 2, wy >> 2, 7) < 0.12) c = shade(c, 0.75);
          } else {
            c = landDetail(id, c, wx, wy, h, tpt);
            if (nearWater) {
              const d = distanceToWater(px, py, tpt, up, down, left, right, isWater);
              if (d <= 2) c = mix(c, SAND, d === 0 ? 0.85 : d === 1 ? 0.6 : 0.3);
            }
          }
          const o = ((ty * tpt + py) * side + tx * tpt + px) * 4;
          out[o] = (c >> 16) & 255;
          out[o + 1] = (c >> 8) & 255;
          out[o + 2] = c & 255;
          out[o + 3] = 255;
        }
      }
    }
  }
  return out;
}

const FLOWER_COLORS = [0xf4d03f, 0xffffff, 0xe84393, 0x9b59b6] as const;

/** Smooth value noise in [0, 1) over texel coordinates, one lattice point every `cell` texels. */
function smoothNoise(wx: number, wy: number, cell: number, salt: number): number {
  const gx = Math.floor(wx / cell);
  const gy = Math.floor(wy / cell);
  const fx = wx / cell - gx;
  const fy = wy / cell - gy;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const a = hash01(gx, gy, salt);
  const b = hash01(gx + 1, gy, salt);
  const c = hash01(gx, gy + 1, salt);
  const d = hash01(gx + 1, gy + 1, salt);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

function landDetail(id: string, c: number, wx: number, wy: number, h: number, tpt: number): number {
  // Broad patches of lighter and darker ground (a few tiles across), so open land is not a flat sheet.
  const patch = smoothNoise(wx, wy, 48, 31) * 0.7 + smoothNoise(wx, wy, 17, 37) * 0.3;
  c = shade(c, 0.9 + patch * 0.18);
  let col = shade(c, 0.95 + h * 0.08);
  switch (id) {
    case 'grassland': {
      // Blades: short dark strokes, two texels tall, and a few light tips.
      if (hash01(wx, wy >> 1, 17) < 0.06) col = shade(c, 0.8);
      else if (h > 0.975) col = shade(c, 1.2);
      // A small flower on a few tiles: a plus of petals around a yellow heart.
      const tx = Math.floor(wx / tpt);
      const ty = Math.floor(wy / tpt);
      if (hash01(tx, ty, 21) < 0.035) {
        const fx = 2 + Math.floor(hash01(tx, ty, 22) * (tpt - 4));
        const fy = 2 + Math.floor(hash01(tx, ty, 23) * (tpt - 4));
        const dx = Math.abs(wx - tx * tpt - fx);
        const dy = Math.abs(wy - ty * tpt - fy);
        if (dx + dy === 0) col = 0xf9e79f;
        else if (dx + dy === 1) col = FLOWER_COLORS[Math.floor(hash01(tx, ty, 24) * FLOWER_COLORS.length)]!;
      }
      break;
    }
    case 'forest': {
      // Dappled shade under the canopy, and leaf litter.
      const shadow = smoothNoise(wx, wy, 11, 41);
      col = shade(col, 0.84 + shadow * 0.22);
      if (hash01(wx, wy >> 1, 17) < 0.05) col = shade(c, 0.7);
      else if (hash01(wx, wy, 19) < 0.012) col = 0x8a6a2f;
      break;
    }
    case 'desert': {
      const ripple = Math.sin(wx * 0.25 + Math.sin(wy * 0.08) * 3);
      if (ripple > 0.85) col = shade(col, 0.92);
      break;
    }
    case 'snow':
      if (h > 0.985) col = 0xffffff;
      else if (h < 0.04) col = 0xd6e4ef;
      break;
    case 'swamp': {
      // Murky puddles with soft rims, reeds of darker green between them.
      const wet = smoothNoise(wx, wy, 13, 43);
      if (wet > 0.68) col = mix(col, 0x2c4a4f, Math.min(1, (wet - 0.68) * 6) * 0.7);
      else if (hash01(wx, wy >> 1, 17) < 0.07) col = shade(c, 0.75);
      break;
    }
    default:
      break;
  }
  return col;
}

/** Texel distance (in texels) to the nearest water neighbour edge of this tile. */
function distanceToWater(
  px: number,
  py: number,
  tpt: number,
  up: number,
  down: number,
  left: number,
  right: number,
  isWater: (t: number) => boolean,
): number {
  let d = tpt;
  if (isWater(up)) d = Math.min(d, py);
  if (isWater(down)) d = Math.min(d, tpt - 1 - py);
  if (isWater(left)) d = Math.min(d, px);
  if (isWater(right)) d = Math.min(d, tpt - 1 - px);
  return d;
}

/** Texel distance to the nearest land neighbour edge of this (water) tile. */
function distanceToLand(
  px: number,
  py: number,
  tpt: number,
  up: number,
  down: number,
  left: number,
  right: number,
  isWater: (t: number) => boolean,
): number {
  let d = tpt;
  if (up >= 0 && !isWater(up)) d = Math.min(d, py);
  if (down >= 0 && !isWater(down)) d = Math.min(d, tpt - 1 - py);
  if (left >= 0 && !isWater(left)) d = Math.min(d, px);
  if (right >= 0 && !isWater(right)) d = Math.min(d, tpt - 1 - px);
  return d;
}
