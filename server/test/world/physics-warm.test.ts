import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { createFrontier } from '../../src/world';
import { drive, type FrontierEngine } from './drive';
import { SMALL } from './helpers';

describe("Frontier's warm hook", () => {
  it("builds a new version's chunk collision worlds at publish, and no tick comes out different", async () => {
    const v1 = await createFrontier(SMALL);
    const warmed = createEngine({ module: v1.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const cold = createEngine({ module: v1.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const before = drive(warmed, 12, 60);
    expect(drive(cold, 12, 60)).toEqual(before);
    expect(warmed.db.avatar.filter('moving', true).length).toBeGreaterThan(0);

    // A new version is a new module instance: its physics cache starts empty.
    const v2 = await createFrontier(SMALL);
    const v2cold = await createFrontier(SMALL);
    warmed.publish({ module: v2.module, payload: {} });
    cold.publish({ module: { ...v2cold.module, warm: undefined }, payload: {} });
    const built = v2.physicsStats(warmed).chunkBuilds;
    expect(built).toBeGreaterThan(0);
    expect(v2.physicsStats(warmed).worldBuilds).toBeGreaterThan(0);
    expect(v2cold.physicsStats(cold).chunkBuilds).toBe(0);

    // The boundary tick: the warmed version builds nothing, the cold one builds what warm did.
    const a = drive(warmed, 12, 1, 'after');
    const b = drive(cold, 12, 1, 'after');
    expect(a).toEqual(b);
    expect(v2.physicsStats(warmed).chunkBuilds).toBe(built);
    expect(v2cold.physicsStats(cold).chunkBuilds).toBeGreaterThan(0);
    expect(v2.physicsStats(warmed).rapierMoves + v2.physicsStats(warmed).freeMoves).toBeGreaterThan(0);
    // And on: the same moves, the same state hash every tick.
    expect(drive(warmed, 12, 60, 'after')).toEqual(drive(cold, 12, 60, 'after'));
  });
});
