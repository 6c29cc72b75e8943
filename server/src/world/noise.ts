/**
 * Deterministic value noise: integer hashing and smoothstep interpolation only (no Math.sin, no
 * Math.random), so every platform and every replay generates the same world from the same seed.
 */

/** A 32-bit hash of a string (FNV-1a), used to turn the world seed into noise seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A hash of two lattice coordinates and a seed, mapped to [0, 1). */
export function hash2(ix: number, iy: number, seed: number): number {
  let h = seed ^ Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

const smooth = (t: number) => t * t * (3 - 2 * t);

/** Value noise at (x, y) in lattice units, in [0, 1). */
export function valueNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = smooth(x - ix);
  const fy = smooth(y - iy);
  const a = hash2(ix, iy, seed);
  const b = hash2(ix + 1, iy, seed);
  const c = hash2(ix, iy + 1, seed);
  const d = hash2(ix + 1, iy + 1, seed);
  const top = a + (b - a) * fx;
  const bottom = c + (d - c) * fx;
  return top + (bottom - top) * fy;
}

/**
 * Fractal noise: `octaves` layers of value noise, each at twice the frequency and half the weight,
 * normalised to [0, 1). `scale` is the size of the largest features, in tiles.
 */
export function fractalNoise(x: number, y: number, scale: number, octaves: number, seed: number): number {
  let sum = 0;
  let weight = 1;
  let total = 0;
  let freq = 1 / scale;
  for (let o = 0; o < octaves; o++) {
    sum += valueNoise(x * freq, y * freq, (seed + Math.imul(o, 0x9e3779b9)) >>> 0) * weight;
    total += weight;
    weight *= 0.5;
    freq *= 2;
  }
  return sum / total;
}
