/** Canvas drawing helpers shared by the procedural sprites (sprite-art, town-art). */

type Ctx = CanvasRenderingContext2D;

/** Fills (and optionally strokes) an ellipse. */
export function ellipse(
  g: Ctx,
  x: number,
  y: number,
  rx: number,
  ry: number,
  fill: string,
  stroke?: string,
  lw = 2,
): void {
  g.beginPath();
  g.ellipse(x, y, rx, ry, 0, 0, Math.PI * 2);
  g.fillStyle = fill;
  g.fill();
  if (stroke !== undefined) {
    g.lineWidth = lw;
    g.strokeStyle = stroke;
    g.stroke();
  }
}

/** A soft ground shadow under something standing at (x, y). */
export function shadow(g: Ctx, x: number, y: number, rx: number): void {
  ellipse(g, x, y, rx, rx * 0.35, 'rgba(0,0,0,0.28)');
}

/** Fills (and optionally strokes) a closed polygon given as x, y pairs. */
export function poly(g: Ctx, pts: readonly number[], fill: string, stroke?: string, lw = 2): void {
  g.beginPath();
  g.moveTo(pts[0]!, pts[1]!);
  for (let i = 2; i < pts.length; i += 2) g.lineTo(pts[i]!, pts[i + 1]!);
  g.closePath();
  g.fillStyle = fill;
  g.fill();
  if (stroke !== undefined) {
    g.lineWidth = lw;
    g.strokeStyle = stroke;
    g.stroke();
  }
}

/** The dark outline every sprite is drawn with. */
export const OUTLINE = 'rgba(20,20,16,0.75)';
