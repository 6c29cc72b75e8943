/**
 * Clicking the world as a player does, in a page of the game: find a resource where the canvas
 * shows it (clear of the panels), walk toward one by clicking open ground, wait for the camera.
 */
import type { Page } from 'playwright-core';

/**
 * The nearest drawn node of one of `kinds` with something left, where the canvas shows it clear of
 * the panels (screen px) and of other players (a click there would open their menu), leaving out
 * the node ids in `skip`, or undefined.
 */
function nodeOnScreen(page: Page, kinds: readonly string[], skip: readonly number[]) {
  return page.evaluate(
    ({ ks, skip }) => {
      const g = window.frontier.game!;
      const cam = g.scene.camera;
      const p = g.predictor;
      const w = innerWidth;
      const hgt = innerHeight;
      return g.view
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
        .filter(
          (c) => g.entities.pickPlayer(cam.screenToWorldX(c.sx), cam.screenToWorldY(c.sy)) === undefined,
        )
        .sort((a, b) => a.d - b.d)[0];
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
