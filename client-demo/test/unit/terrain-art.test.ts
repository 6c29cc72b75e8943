import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hash2, mix, parseColor, shade } from '../../src/render/colors';
import { paintChunk, type BiomeLook } from '../../src/render/terrain-art';

const biomes: BiomeLook[] = [
  { id: 'ocean', kind: 'water', color: 0x1f5f8b },
  { id: 'cliff', kind: 'cliff', color: 0x4d4d4d },
  { id: 'snow', kind: 'land', color: 0xeef3f7 },
  { id: 'desert', kind: 'land', color: 0xe3c77a },
  { id: 'swamp', kind: 'land', color: 0x4b6043 },
  { id: 'forest', kind: 'land', color: 0x2f6b2f },
  { id: 'grassland', kind: 'land', color: 0x7cae4a },
];

describe('terrain art', () => {
  test('colour helpers', () => {
    expect(parseColor('#7cae4a')).toBe(0x7cae4a);
    expect(parseColor('#abc')).toBe(0xaabbcc);
    expect(parseColor('green', 0x123456)).toBe(0x123456);
    expect(shade(0x808080, 2)).toBe(0xffffff);
    expect(mix(0x000000, 0xffffff, 0.5)).toBe(0x808080);
  });

  test('refuses a tile array of the wrong size', () => {
    expect(() => paintChunk({ cx: 0, cy: 0, chunkTiles: 8, tiles: new Uint8Array(10), biomes })).toThrow(
      RangeError,
    );
  });

  test('property: deterministic, opaque, and every texel near its biome colour (non-square chunk coordinates)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 3 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (cx, cy, raw) => {
          const tiles = raw.map((b) => b % biomes.length);
          const input = { cx, cy, chunkTiles: 8, tiles, biomes, texelsPerTile: 8 };
          const a = paintChunk(input);
          const b = paintChunk(input);
          expect(a).toEqual(b);
          expect(a.length).toBe(8 * 8 * 8 * 8 * 4);
          for (let i = 3; i < a.length; i += 4) expect(a[i]).toBe(255);
          // A texel in the middle of a tile (clear of shore and border effects) is its biome's colour
          // with detail, within a broad band.
          for (let ty = 0; ty < 8; ty++)
            for (let tx = 0; tx < 8; tx++) {
              const o = ((ty * 8 + 4) * 64 + tx * 8 + 4) * 4;
              const want = biomes[tiles[ty * 8 + tx]!]!.color;
              const lum = (c: number) => ((c >> 16) & 255) * 0.3 + ((c >> 8) & 255) * 0.59 + (c & 255) * 0.11;
              const got = (a[o]! << 16) | (a[o + 1]! << 8) | a[o + 2]!;
              if (biomes[tiles[ty * 8 + tx]!]!.id === 'grassland') continue; // flowers are allowed to stand out
              expect(Math.abs(lum(got) - lum(want))).toBeLessThan(90);
            }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('the same world texel gets the same grain whichever chunk paints it (seams match)', () => {
    expect(hash2(100, 7)).toBe(hash2(100, 7));
    const tiles = new Uint8Array(64).fill(6);
    const left = paintChunk({
      cx: 0,
      cy: 0,
      chunkTiles: 8,
      tiles,
      biomes,
      texelsPerTile: 4,
      tileOutside: () => 6,
    });
    const right = paintChunk({
      cx: 1,
      cy: 0,
      chunkTiles: 8,
      tiles,
      biomes,
      texelsPerTile: 4,
      tileOutside: () => 6,
    });
    // Not identical chunks: the grain follows world coordinates.
    expect(left).not.toEqual(right);
  });
});
