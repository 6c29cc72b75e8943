import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type Identity } from '../../src/engine';
import { createFrontier } from '../../src/world';
import { WALK_STOP_SLACK_TILES } from '../../src/world/physics-step';
import { createWorld, makeWorld, SMALL, type FrontierEngine, type World } from './helpers';

/** A joined player standing at the west end of a free 14 x 3 strip; returns them and the strip's row. */
function onStrip(w: World, n: number): { id: Identity; x0: number; y0: number } {
  const id = w.join(n);
  const me = w.player(id);
  const site = w.freeSite(me.x, me.y, 14, 3);
  const x0 = site.x + 0.6;
  const y0 = site.y + 1.5;
  w.teleport(id, x0, y0);
  return { id, x0, y0 };
}

function distanceTo(w: World, id: Identity, x: number, y: number): number {
  const me = w.player(id);
  return Math.hypot(me.x - x, me.y - y);
}

describe('walk_to', () => {
  it('stops within the stop distance of the target and never past it, whatever the tick length (property)', async () => {
    const frontier = (await createWorld()).frontier;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 400 }),
        fc.double({ min: 1, max: 11, noNaN: true }),
        fc.double({ min: -0.8, max: 0.8, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        async (tickMs, far, side, stopTiles) => {
          fc.pre(far - stopTiles > 0.1);
          const engine = createEngine({ module: frontier.module, seed: 'walk', tickMs }) as FrontierEngine;
          engine.runTick();
          const w = makeWorld(frontier, engine);
          const { id, x0, y0 } = onStrip(w, 1);
          const tx = Math.fround(x0 + far);
          const ty = Math.fround(y0 + side);
          w.ok(id, 'walk_to', { x: tx, y: ty, stopTiles });
          const speed = w.db.settings.find(0)!.playerSpeedTilesPerSec;
          // Twice the ticks the walk needs at the slowest biome speed, and a few to spare.
          const budget = Math.ceil(((far / (speed * 0.5)) * 1000) / tickMs) + 5;
          for (let i = 0; i < budget && w.player(id).moving; i++) {
            engine.runTick();
            expect(distanceTo(w, id, tx, ty), 'never past the stop').toBeGreaterThanOrEqual(
              stopTiles - WALK_STOP_SLACK_TILES,
            );
          }
          expect(w.player(id).moving, 'stopped').toBe(false);
          expect(w.player(id).dirX).toBe(0);
          expect(distanceTo(w, id, tx, ty)).toBeLessThanOrEqual(stopTiles + 2 * WALK_STOP_SLACK_TILES);
          expect(w.db.walk_target.has(id), 'target forgotten').toBe(false);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a player already within the stop distance stops at once; a move ends the walk and the keys take over', async () => {
    const w = await createWorld();
    const { id, x0, y0 } = onStrip(w, 1);
    w.ok(id, 'move', { dx: 1, dy: 0 });
    w.ok(id, 'walk_to', { x: x0 + 0.5, y: y0, stopTiles: 5 });
    expect(w.player(id).moving).toBe(false);
    expect(w.db.walk_target.has(id)).toBe(false);
    w.ok(id, 'walk_to', { x: x0 + 10, y: y0, stopTiles: 0.5 });
    expect(w.db.walk_target.has(id)).toBe(true);
    expect(w.player(id).moving).toBe(true);
    w.ok(id, 'move', { dx: -1, dy: 0 });
    expect(w.db.walk_target.has(id)).toBe(false);
    const x = w.player(id).x;
    w.ticks(4);
    expect(w.player(id).x, 'walking west, as the keys say').toBeLessThan(x);
  });

  it('a walk cancels a gather; a disconnect forgets the walk', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const node = w.nearestNode('fiber_grass', w.player(id).x, w.player(id).y);
    w.standBy(id, node);
    w.ok(id, 'gather', { nodeId: node.id });
    expect(w.db.action.has(id)).toBe(true);
    const me = w.player(id);
    w.ok(id, 'walk_to', { x: me.x - 3, y: me.y, stopTiles: 0.3 });
    expect(w.db.action.has(id), 'gather cancelled').toBe(false);
    w.engine.disconnect(id);
    w.engine.runTick();
    expect(w.db.walk_target.has(id)).toBe(false);
    expect(w.player(id).moving).toBe(false);
  });

  it('a player packed for another region leaves no walk behind', async () => {
    const w = await createWorld();
    const { id, x0, y0 } = onStrip(w, 1);
    w.ok(id, 'walk_to', { x: x0 + 10, y: y0, stopTiles: 0.5 });
    w.system((ctx) => w.frontier.travel.pack(ctx, id));
    expect(w.db.walk_target.count()).toBe(0);
  });

  it('refuses a negative stop distance, one above maxWalkTiles and a target beyond it, writing nothing', async () => {
    const frontier = await createFrontier({ ...SMALL, maxWalkTiles: 10 });
    const engine = createEngine({ module: frontier.module, seed: 'walk', tickMs: 50 }) as FrontierEngine;
    engine.runTick();
    const w = makeWorld(frontier, engine);
    const { id, x0, y0 } = onStrip(w, 1);
    expect(w.rejects(id, 'walk_to', { x: x0 + 3, y: y0, stopTiles: -1 }, 'INVALID_WALK_TARGET')).toMatch(
      /stop distance is 0 to 10 tiles, got -1/,
    );
    w.rejects(id, 'walk_to', { x: x0 + 3, y: y0, stopTiles: 10.5 }, 'INVALID_WALK_TARGET');
    expect(w.rejects(id, 'walk_to', { x: x0 + 10.5, y: y0, stopTiles: 1 }, 'INVALID_WALK_TARGET')).toMatch(
      /at most 10 tiles, .* is 10\.5 tiles from player1/,
    );
    w.ok(id, 'walk_to', { x: x0 + 9.5, y: y0, stopTiles: 1 });
    expect(() => w.engine.enqueue(id, 'walk_to', { x: Number.NaN, y: y0, stopTiles: 1 })).toThrow(
      /argument 'x': expected f32 \(finite number\), got NaN/,
    );
    w.engine.runTick();
    expect(w.db.walk_target.find(id)?.x, 'the refused call lost nothing').toBe(Math.fround(x0 + 9.5));
  });
});
