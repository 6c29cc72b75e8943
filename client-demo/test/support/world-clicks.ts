/**
 * Clicking the world as a player does, in a page of the game: find a resource where the canvas
 * shows it (clear of the panels), walk toward one by clicking open ground, wait for the camera.
 */
import type { Page } from 'playwright-core';

/**
 * The nearest drawn node of one of `kinds` with something left, where the canvas shows it clear of
 * the panels and a click on it picks it (screen px), leaving out the node ids in `skip`, or undefined.
 */
function nodeOnScreen(page: Page, kinds: readonly string[], skip: readonly number[]) {
  return page.evaluate(
    ({ ks, skip }) => {
      const g = window.frontier.game!;
      const cam = g.scene.camera;
      const p = g.predictor;
      const w = innerWidth;
      const hgt = innerHeight;
      return (
        g.view
          .table('resource_node')
          .iter()
          .filter((n) => n.amount > 0 && ks.includes(n.resourceId) && !skip.includes(n.id))
          .map((n) => ({
            id: n.id,
            amount: n.amount,
            sx: cam.worldToScreenX(n.x * 16),
            sy: cam.worldToScreenY((n.y - 0.3) * 16),
            d: Math.hypot(n.x - p.x, n.y - p.y),
          }))
          .filter((c) => c.sx > 300 && c.sx < w - 330 && c.sy > 90 && c.sy < hgt - 170)
          // A click there must pick this node: not a player standing over it, not a tree or rock nearer the point.
          .filter((c) => {
            const wx = cam.screenToWorldX(c.sx);
            const wy = cam.screenToWorldY(c.sy);
            return g.entities.pickPlayer(wx, wy) === undefined && g.entities.pickNode(wx, wy)?.id === c.id;
          })
          .sort((a, b) => a.d - b.d)[0]
      );
    },
    { ks: kinds, skip },
  );
}

/**
 * Walks (clicking open ground, as a player would) until a node of one of `kinds` shows clear of
 * the panels; returns it. Nodes in `skip` (say, ones a walk could not reach) are not chosen.
 */
export async function bringIntoView(page: Page, kinds: readonly string[], skip: readonly number[] = []) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const shown = await nodeOnScreen(page, kinds, skip);
    if (shown !== undefined) return shown;
    const step = await page.evaluate((ks) => {
      const g = window.frontier.game!;
      const cam = g.scene.camera;
      const p = g.predictor;
      const target = g.view
        .table('resource_node')
        .iter()
        .filter((n) => n.amount > 0 && ks.includes(n.resourceId))
        .sort((a, b) => Math.hypot(a.x - p.x, a.y - p.y) - Math.hypot(b.x - p.x, b.y - p.y))[0];
      if (target === undefined) return undefined;
      const d = Math.hypot(target.x - p.x, target.y - p.y);
      // A point on the way, at most 6 tiles ahead, on open ground (a click there walks).
      for (const k of [6, 5, 4, 3, 7, 2]) {
        const f = Math.min(1, k / d);
        for (const side of [0, 1, -1, 2, -2]) {
          const x = p.x + (target.x - p.x) * f - ((target.y - p.y) / d) * side;
          const y = p.y + (target.y - p.y) * f + ((target.x - p.x) / d) * side;
          if (g.collision.blocked(x, y, 0.6)) continue;
          if (g.entities.pickNode(x * 16, y * 16) !== undefined) continue;
          if (g.entities.pickPlayer(x * 16, y * 16) !== undefined) continue;
          return { sx: cam.worldToScreenX(x * 16), sy: cam.worldToScreenY(y * 16) };
        }
      }
      return undefined;
    }, kinds);
    if (step === undefined) break;
    await page.mouse.click(step.sx, step.sy);
    await page.waitForFunction(() => window.frontier.game!.walking);
    await cameraSettled(page);
  }
  return nodeOnScreen(page, kinds, skip);
}

/** Waits until the camera has caught up with the player (clicks land where they are aimed). */
export async function cameraSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const g = window.frontier.game!;
    const cam = g.scene.camera;
    const dx = cam.worldToScreenX(g.predictor.x * 16) - innerWidth / 2;
    const dy = cam.worldToScreenY(g.predictor.y * 16) - innerHeight / 2;
    return Math.hypot(dx, dy) < 2 && !g.walking;
  });
}

/** Spots `r` tiles from a point, eight directions each, for each radius in order (tile offsets). */
export function spotsAround(radii: readonly number[]): [number, number][] {
  return radii.flatMap((r) =>
    [0, 1, 2, 3, 4, 5, 6, 7].map((k): [number, number] => [
      Math.round(r * Math.cos((k * Math.PI) / 4)),
      Math.round(r * Math.sin((k * Math.PI) / 4)),
    ]),
  );
}

/**
 * Whether a click on the centre of tile (x, y) would pick what stands there (a chest, say): no tree
 * or rock whose sprite takes the click (within 0.7 tiles across, up to 1.6 above its foot) and no
 * player near it (about a tile round their head), with room to spare. Server-side rows.
 */
export function clickClearAt(
  x: number,
  y: number,
  nodes: readonly { x: number; y: number }[],
  avatars: readonly { x: number; y: number }[],
): boolean {
  const cx = x + 0.5;
  const cy = y + 0.5;
  if (nodes.some((n) => Math.abs(n.x - cx) < 1 && n.y - cy > -1 && n.y - cy < 2)) return false;
  return !avatars.some((a) => Math.hypot(a.x - cx, a.y - 0.6 - cy) < 1.6);
}
