/** A rectangle on screen, px (left < right, top < bottom). */
export interface ScreenRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Where a site label goes: its box on screen, px. */
export type SiteLabelPlace = ScreenRect;

/** Options of {@link placeSiteLabel}. */
export interface SiteLabelPlaceOptions {
  /** Space kept between the label and the site's edge, px. @default 2 */
  readonly edgeGapPx?: number;
  /** Space kept between the label and anything it avoids, px. @default 2 */
  readonly clearPx?: number;
}

/** Whether two rectangles overlap once `gap` px is kept around the first. */
export function rectsOverlap(a: ScreenRect, b: ScreenRect, gap = 0): boolean {
  return a.left - gap < b.right && a.right + gap > b.left && a.top - gap < b.bottom && a.bottom + gap > b.top;
}

/**
 * Where a town site's label goes on screen, or undefined when no place is clear: the first that
 * lies inside the viewport and overlaps nothing in `avoid` (the minimap and the corner panels, name
 * labels) of: centred above the site (where players look for it), below it, inside it along its
 * top and its bottom edge; then the same places slid sideways just clear of what is in the way. Hidden is
 * better than drawn over the minimap or a player's name: the site's outline still shows.
 *
 * @example
 * placeSiteLabel({ left: 100, top: 100, right: 164, bottom: 164 }, 80, 12, [], 800, 600);
 * // -> { left: 92, top: 86, right: 172, bottom: 98 } (above the site, centred)
 */
export function placeSiteLabel(
  site: ScreenRect,
  width: number,
  height: number,
  avoid: readonly ScreenRect[],
  viewportWidth: number,
  viewportHeight: number,
  options: SiteLabelPlaceOptions = {},
): SiteLabelPlace | undefined {
  const edge = options.edgeGapPx ?? 2;
  const clear = options.clearPx ?? 2;
  const cx = (site.left + site.right) / 2;
  const bottoms = [
    site.top - edge,
    site.bottom + edge + height,
    site.top + edge + height,
    site.bottom - edge,
  ];
  const fits = (r: ScreenRect) =>
    r.left >= 0 &&
    r.top >= 0 &&
    r.right <= viewportWidth &&
    r.bottom <= viewportHeight &&
    !avoid.some((o) => rectsOverlap(r, o, clear));
  // Centred in each place first (above, below, inside), and only then slid aside: a label beside
  // its site reads as its own less clearly than one over or under it.
  for (const bottom of bottoms) {
    const r = { left: cx - width / 2, top: bottom - height, right: cx + width / 2, bottom };
    if (fits(r)) return r;
  }
  for (const bottom of bottoms) {
    const top = bottom - height;
    // Just left or right of each thing in the way at this height, nearest to centred first.
    const lefts: number[] = [];
    for (const o of avoid)
      if (o.top - clear < bottom && o.bottom + clear > top)
        lefts.push(o.left - clear - width, o.right + clear);
    lefts.sort((a, b) => Math.abs(a + width / 2 - cx) - Math.abs(b + width / 2 - cx));
    for (const left of lefts) {
      // Never further from the site than half its own width: it must still read as the site's.
      if (left + width < site.left - width / 2 || left > site.right + width / 2) continue;
      const r = { left, top, right: left + width, bottom };
      if (fits(r)) return r;
    }
  }
  return undefined;
}
