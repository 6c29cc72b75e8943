import { describe, expect, it } from 'vitest';
import { placeSiteLabel, rectsOverlap } from '../../src/loop/site-label-place';

// A 4x4-tile site at zoom 2 (128 px square) and a 100x14 px label, on an 800x600 screen.
const site = { left: 300, top: 200, right: 428, bottom: 328 };
const W = 100;
const H = 14;

describe('placeSiteLabel', () => {
  it('puts the label above the site, centred, when nothing is in the way', () => {
    expect(placeSiteLabel(site, W, H, [], 800, 600)).toEqual({
      left: 314,
      top: 184,
      right: 414,
      bottom: 198,
    });
  });

  it('goes below the site, centred, when a name label takes the place above', () => {
    const name = { left: 340, top: 186, right: 380, bottom: 198 };
    expect(placeSiteLabel(site, W, H, [name], 800, 600)).toEqual({
      left: 314,
      top: 330,
      right: 414,
      bottom: 344,
    });
  });

  it('slides it sideways, nearest to centred, when every centred place is taken', () => {
    const column = { left: 340, top: 0, right: 380, bottom: 600 };
    const r = placeSiteLabel(site, W, H, [column], 800, 600)!;
    expect(r).toEqual({ left: 382, top: 184, right: 482, bottom: 198 });
    expect(rectsOverlap(r, column, 2)).toBe(false);
  });

  it('goes below the site when the minimap covers the place above and beside it', () => {
    const minimap = { left: 200, top: 0, right: 560, bottom: 199 };
    const r = placeSiteLabel(site, W, H, [minimap], 800, 600)!;
    expect(rectsOverlap(r, minimap, 2)).toBe(false);
    expect(r.top).toBe(site.bottom + 2);
  });

  it('keeps inside the screen: a site at the top edge gets its label below', () => {
    const top = { left: 300, top: 4, right: 428, bottom: 132 };
    expect(placeSiteLabel(top, W, H, [], 800, 600)!.top).toBe(134);
  });

  it('hides the label when no place near the site is clear', () => {
    const wall = { left: 0, top: 0, right: 800, bottom: 600 };
    expect(placeSiteLabel(site, W, H, [wall], 800, 600)).toBeUndefined();
  });
});
