import { ellipse, OUTLINE, poly } from './canvas-shapes';
import { css, hash01, shade } from './colors';

type Ctx = CanvasRenderingContext2D;

/**
 * The town project's buildings, one per stage, each the last one plus more (a stage replaces the
 * previous building on the same site): a paved plaza with benches and a flag, then a stone well in
 * its middle, then a timber hall at the back of the square. `w` x `h` is the footprint in art
 * pixels, starting `top` px down the canvas (the room above is for the flag and the roofs).
 */
export function drawTownBuilding(g: Ctx, id: string, w: number, h: number, top: number): boolean {
  switch (id) {
    case 'town_plaza':
      paving(g, w, h, top);
      plazaFurniture(g, w, h, top);
      return true;
    case 'town_well':
      paving(g, w, h, top);
      plazaFurniture(g, w, h, top);
      well(g, w / 2, top + h * 0.56, Math.min(w, h) * 0.2);
      return true;
    case 'town_hall':
      paving(g, w, h, top);
      hall(g, w, h, top);
      well(g, w * 0.8, top + h * 0.84, Math.min(w, h) * 0.1);
      return true;
    default:
      return false;
  }
}

/** Flagstones within a curb, and a round medallion in the middle. */
function paving(g: Ctx, w: number, h: number, top: number): void {
  g.fillStyle = '#8d826c';
  g.strokeStyle = OUTLINE;
  g.lineWidth = 2;
  g.beginPath();
  g.roundRect(2, top + 2, w - 4, h - 4, 8);
  g.fill();
  g.stroke();
  g.save();
  g.beginPath();
  g.rect(6, top + 6, w - 12, h - 12);
  g.clip();
  const cells = 6;
  const cw = (w - 12) / cells;
  const ch = (h - 12) / cells;
  for (let j = 0; j < cells; j++)
    // Every other row shifted by half a stone, as paving is laid; the clip trims the ends.
    for (let i = -1; i < cells; i++) {
      const x = 6 + i * cw + (j % 2 === 0 ? 0 : cw / 2);
      g.fillStyle = css(shade(0xc9bea4, 0.9 + hash01(i + 1, j, 7) * 0.2));
      g.beginPath();
      g.roundRect(x + 1, top + 6 + j * ch + 1, cw - 2, ch - 2, 3);
      g.fill();
    }
  g.restore();
  ellipse(g, w / 2, top + h / 2, w * 0.16, h * 0.13, '#b3a78c', 'rgba(60,50,40,0.55)', 1.5);
  ellipse(g, w / 2, top + h / 2, w * 0.07, h * 0.055, '#d8cfb8', 'rgba(60,50,40,0.45)', 1);
}

/** Two benches, planters in the front corners and a banner on a pole at the back left. */
function plazaFurniture(g: Ctx, w: number, h: number, top: number): void {
  for (const x of [w * 0.1, w * 0.9 - 8]) {
    g.fillStyle = '#8b5a2b';
    g.strokeStyle = OUTLINE;
    g.lineWidth = 1.5;
    g.fillRect(x, top + h * 0.4, 8, h * 0.28);
    g.strokeRect(x, top + h * 0.4, 8, h * 0.28);
    g.fillStyle = '#a8743f';
    g.fillRect(x + 1, top + h * 0.4 + 1, 6, 3);
  }
  for (const x of [w * 0.12, w * 0.88]) {
    ellipse(g, x, top + h * 0.88, 7, 5, '#7a5a3a', OUTLINE, 1.5);
    ellipse(g, x, top + h * 0.86, 6, 4, '#3f8f3a');
    ellipse(g, x - 2, top + h * 0.84, 1.8, 1.8, '#f4d03f');
    ellipse(g, x + 2.5, top + h * 0.85, 1.8, 1.8, '#e84393');
  }
  // A banner on a short pole at the back left, below the site's label (drawn over the top edge).
  const px = w * 0.16;
  const foot = top + h * 0.3;
  const flagTop = top - 2;
  g.strokeStyle = '#4a3020';
  g.lineWidth = 3;
  g.beginPath();
  g.moveTo(px, foot);
  g.lineTo(px, flagTop - 3);
  g.stroke();
  poly(g, [px + 1, flagTop, px + 22, flagTop + 5, px + 1, flagTop + 11], '#c0392b', OUTLINE, 1.5);
  poly(g, [px + 4, flagTop + 4, px + 12, flagTop + 5.5, px + 4, flagTop + 7], '#f4d03f');
}

/** A round stone well with water, two posts, a small roof and a bucket on its rope. */
function well(g: Ctx, cx: number, cy: number, r: number): void {
  ellipse(g, cx, cy + r * 0.25, r * 1.1, r * 0.5, 'rgba(0,0,0,0.25)');
  g.fillStyle = '#8f8f8f';
  g.strokeStyle = OUTLINE;
  g.lineWidth = 2;
  g.fillRect(cx - r, cy - r * 0.35, r * 2, r * 0.55);
  g.strokeRect(cx - r, cy - r * 0.35, r * 2, r * 0.55);
  ellipse(g, cx, cy - r * 0.35, r, r * 0.45, '#a5a5a5', OUTLINE);
  ellipse(g, cx, cy - r * 0.35, r * 0.72, r * 0.3, '#2e5f8a');
  ellipse(g, cx - r * 0.2, cy - r * 0.42, r * 0.25, r * 0.08, '#7fb3d5');
  for (let i = 0; i < 5; i++) {
    g.strokeStyle = 'rgba(60,60,60,0.6)';
    g.lineWidth = 1;
    g.beginPath();
    const x = cx - r + ((i + 0.5) * 2 * r) / 5;
    g.moveTo(x, cy - r * 0.05);
    g.lineTo(x, cy + r * 0.18);
    g.stroke();
  }
  g.strokeStyle = '#5b3a1e';
  g.lineWidth = Math.max(2, r * 0.14);
  for (const x of [cx - r * 0.9, cx + r * 0.9]) {
    g.beginPath();
    g.moveTo(x, cy - r * 0.2);
    g.lineTo(x, cy - r * 1.6);
    g.stroke();
  }
  g.beginPath();
  g.moveTo(cx - r * 0.9, cy - r * 1.3);
  g.lineTo(cx + r * 0.9, cy - r * 1.3);
  g.stroke();
  poly(
    g,
    [cx - r * 1.2, cy - r * 1.5, cx, cy - r * 2.2, cx + r * 1.2, cy - r * 1.5],
    '#9b3b2b',
    OUTLINE,
    1.5,
  );
  g.strokeStyle = '#d9c8a0';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(cx + r * 0.15, cy - r * 1.3);
  g.lineTo(cx + r * 0.15, cy - r * 0.75);
  g.stroke();
  g.fillStyle = '#8b5a2b';
  g.fillRect(cx + r * 0.02, cy - r * 0.78, r * 0.28, r * 0.24);
}

/** A timber hall across the back of the square: walls, a shingled roof, a double door, lit windows. */
function hall(g: Ctx, w: number, h: number, top: number): void {
  const x0 = w * 0.08;
  const x1 = w * 0.92;
  const wallTop = top + h * 0.12;
  const wallBottom = top + h * 0.62;
  g.fillStyle = '#c8a27a';
  g.strokeStyle = OUTLINE;
  g.lineWidth = 2;
  g.fillRect(x0, wallTop, x1 - x0, wallBottom - wallTop);
  g.strokeRect(x0, wallTop, x1 - x0, wallBottom - wallTop);
  g.strokeStyle = '#6b4423';
  g.lineWidth = 3;
  for (const x of [x0 + 2, w * 0.3, w * 0.7, x1 - 2]) {
    g.beginPath();
    g.moveTo(x, wallTop);
    g.lineTo(x, wallBottom);
    g.stroke();
  }
  const eave = wallTop + h * 0.06;
  const ridge = top - top * 0.85;
  poly(g, [x0 - 6, eave, w * 0.22, ridge, w * 0.78, ridge, x1 + 6, eave], '#7b3f2a', OUTLINE);
  g.strokeStyle = css(shade(0x7b3f2a, 0.7));
  g.lineWidth = 1;
  for (let i = 1; i < 5; i++) {
    const y = ridge + ((eave - ridge) * i) / 5;
    const t = (y - ridge) / (eave - ridge);
    g.beginPath();
    g.moveTo(w * 0.22 - (w * 0.22 - x0 + 6) * t, y);
    g.lineTo(w * 0.78 + (x1 + 6 - w * 0.78) * t, y);
    g.stroke();
  }
  g.fillStyle = '#4a3020';
  g.fillRect(w / 2 - 11, wallBottom - 24, 22, 24);
  g.strokeStyle = '#2a1a10';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(w / 2, wallBottom - 24);
  g.lineTo(w / 2, wallBottom);
  g.stroke();
  g.fillStyle = '#fdf2b3';
  for (const x of [w * 0.17, w * 0.37, w * 0.57 + 4, w * 0.77 - 4]) {
    g.fillRect(x, wallTop + h * 0.12, 10, 9);
    g.strokeStyle = '#6b4423';
    g.strokeRect(x, wallTop + h * 0.12, 10, 9);
  }
  // A sign over the door names the town's hall.
  g.fillStyle = '#e0b04a';
  g.fillRect(w / 2 - 14, wallTop + 2, 28, 8);
  g.strokeStyle = OUTLINE;
  g.strokeRect(w / 2 - 14, wallTop + 2, 28, 8);
  // Steps down to the square.
  g.fillStyle = '#a59a82';
  g.fillRect(w / 2 - 16, wallBottom, 32, 5);
  g.fillStyle = '#948a73';
  g.fillRect(w / 2 - 19, wallBottom + 5, 38, 5);
}
