import { describe, expect, it } from 'vitest';
import { createEngine, type ReadonlyDb } from '../../src/engine';
import { createMemoryFabric } from '../../src/fabric';
import { createFrontierRegion } from '../../src/cli/frontier-region';
import { GhostRelay, regionGrid, type GhostTables } from '../../src/regions';
import { makeWorld, SMALL, who, type FrontierEngine } from '../world/helpers';

const quiet = { error: () => {}, warn: () => {} };

describe('Frontier regions with ghosts', () => {
  it('a walker near the border is a stopped ghost next door, and the physics step there runs on (it never writes a ghost)', async () => {
    const grid = regionGrid('2x1', 512, 512); // border at x = 256
    const fabric = createMemoryFabric({ manual: true });
    const made = [];
    for (const name of ['r0_0', 'r1_0']) {
      const region = await createFrontierRegion({ ...SMALL, region: name, grid });
      const engine = createEngine({ module: region.module, seed: 'regions', tickMs: 50, logger: quiet });
      const frontierEngine = engine as unknown as FrontierEngine;
      const relay = new GhostRelay({ ...region.ghosts, engine, fabric, region: name, logger: quiet });
      await relay.start();
      engine.runTick();
      made.push({ engine: frontierEngine, relay, world: makeWorld(region.frontier, frontierEngine) });
    }
    const [west, east] = made as [(typeof made)[0], (typeof made)[0]];
    const [ann, bob] = [who(1), who(2)];
    west.engine.connect(ann);
    west.world.ok(ann, 'join', { name: 'Ann' });
    west.world.teleport(ann, 250, 256);
    east.engine.connect(bob);
    east.world.ok(bob, 'join', { name: 'Bob' });
    east.world.teleport(bob, 262, 256);
    // Ann walks west, still inside the east's band: a moving avatar in the west.
    west.world.ok(ann, 'move', { dx: -1, dy: 0 });
    east.world.ok(bob, 'move', { dx: 1, dy: 0 });
    const bobX = east.engine.db.avatar.find(bob)!.x;
    for (let i = 0; i < 10; i++) {
      west.engine.runTick();
      east.engine.runTick();
      while (fabric.step());
    }
    east.engine.runTick();
    const ghost = east.engine.db.avatar.find(ann);
    expect(ghost).toMatchObject({ name: 'Ann', moving: false });
    expect(ghost!.x).toBe(west.engine.db.avatar.find(ann)!.x);
    expect(ghost!.x).toBeLessThan(250);
    expect(west.engine.db.avatar.find(ann)!.moving).toBe(true);
    expect((east.engine.db as unknown as ReadonlyDb<GhostTables>).ts_ghost.find(ann)).toMatchObject({
      owner: 'r0_0',
    });
    // The east's physics step ran every tick with the ghost in its table: Bob walked.
    expect(east.engine.db.avatar.find(bob)!.x).toBeGreaterThan(bobX + 1);
    // The ghost is not the east's player: a call as Ann there is sent on to her region.
    const refused = east.world.call(ann, 'move', { dx: 1, dy: 0 }).result;
    expect(refused).toMatchObject({ ok: false, code: 'NOT_HERE' });
    await Promise.all(made.map((m) => m.relay.stop()));
  }, 60_000);
});
