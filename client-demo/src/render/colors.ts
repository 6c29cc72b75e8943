/** Colour helpers for procedural art: packed 0xRRGGBB numbers. */

/**
 * Parses `#rgb` or `#rrggbb`; anything else gives the fallback.
 * @default fallback 0xff00ff (a colour nobody picks on purpose, so bad content shows)
 * @example
 * parseColor('#7cae4a'); // -> 0x7cae4a
 */
export function parseColor(text: string, fallback = 0xff00ff): number {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (m === null) return fallback;
  const h = m[1]!;
  if (h.length === 3) return parseInt(h[0]! + h[0]! + h[1]! + h[1]! + h[2]! + h[2]!, 16);
  return parseInt(h, 16);
}

/** Multiplies each channel by `factor` (clamped): > 1 lightens, < 1 darkens. */
export function shade(color: number, factor: number): number {
  const r = Math.min(255, Math.max(0, Math.round(((color >> 16) & 255) * factor)));
  const g = Math.min(255, Math.max(0, Math.round(((color >> 8) & 255) * factor)));
  const b = Math.min(255, Math.max(0, Math.round((color & 255) * factor)));
  return (r << 16) | (g << 8) | b;
}

/** Linear blend from `a` (t = 0) to `b` (t = 1). */
export function mix(a: number, b: number, t: number): number {
  const r = ((a >> 16) & 255) + (((b >> 16) & 255) - ((a >> 16) & 255)) * t;
  const g = ((a >> 8) & 255) + (((b >> 8) & 255) - ((a >> 8) & 255)) * t;
  const bl = (a & 255) + ((b & 255) - (a & 255)) * t;
  return (Math.round(r) << 16) | (Math.round(g) << 8) | Math.round(bl);
}

/** CSS text of a packed colour. */
export function css(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}

/**
 * A 32-bit integer hash of two integers: stable procedural detail (the same pixel of the world
 * always gets the same speckle, whichever chunk draws it).
 */
export function hash2(x: number, y: number, salt = 0): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ Math.imul(salt | 0, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** {@link hash2} scaled to [0, 1). */
export function hash01(x: number, y: number, salt = 0): number {
  return hash2(x, y, salt) / 4294967296;
}
