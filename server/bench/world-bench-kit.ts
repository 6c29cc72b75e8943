/**
 * Shared setup for the Frontier benchmarks: a world with N players spread over land around the
 * spawn point, and simple bots that walk and gather.
 */
import seedrandom from 'seedrandom';
import { createEngine, toIdentity, type Engine, type Identity } from '../src/engine';
import { createFrontier, terrainParams, type Frontier, type FrontierOptions } from '../src/world';
import { materializeChunk } from '../src/world/chunks';
import type { Ctx } from '../src/world/runtime';

export type FrontierEngine = Engine<Frontier['module']>;

/** Bench identities. */
export function botId(i: number): Identity {
  return toIdentity((0xb0700000 + i).toString(16).padStart(32, '0'));
}

/**
 * Creates a Frontier engine with `players` joined players spread uniformly over land within a
 * square of side `spreadTiles` around the spawn point (terrain generated around each), all walking
 * in random directions. Setup runs as server transactions, outside any measurement.
 */
export async function spreadWorld(
  players: number,
  spreadTiles: number,
  options: FrontierOptions = {},
  seed = 'bench',
  makeEngine: (module: Frontier['module']) => Promise<FrontierEngine> | FrontierEngine = (module) =>
    createEngine({ module, seed, tickMs: 50 }) as FrontierEngine,
) {
  const frontier = await createFrontier({ seed, ...options });
  const engine = await makeEngine(frontier.module);
  engine.runTick();
  const ids = Array.from({ length: players }, (_, i) => botId(i));
  for (let i = 0; i < players; i += 1000) {
    for (const [k, id] of ids.slice(i, i + 1000).entries()) {
      engine.connect(id);
      engine.enqueue(id, 'join', { name: `bot${i + k}` });
    }
    engine.runTick();
  }
  const rng = seedrandom.alea(`${seed}/spread`);
  const o = frontier.options;
  engine.enqueueSystem('bench_spread', (ctx: Ctx) => {
    const p = terrainParams(ctx.db, {
      seed: o.seed,
      worldTiles: o.worldTiles,
      chunkTiles: o.chunkTiles,
      maxNodesPerChunk: o.maxNodesPerChunk,
    });
    const blocked = new Set(
      ctx.db.biome_def
        .iter()
        .filter((b) => b.kind !== 'land')
        .map((b) => b.tile),
    );
    const per = o.worldTiles / o.chunkTiles;
    for (const id of ids) {
      for (let attempt = 0; attempt < 100; attempt++) {
        const x = Math.floor(p.spawnX + (rng() - 0.5) * spreadTiles);
        const y = Math.floor(p.spawnY + (rng() - 0.5) * spreadTiles);
        const cx = Math.floor(x / o.chunkTiles);
        const cy = Math.floor(y / o.chunkTiles);
        for (let dy = -o.aoiChunks; dy <= o.aoiChunks; dy++)
          for (let dx = -o.aoiChunks; dx <= o.aoiChunks; dx++) materializeChunk(ctx.db, p, cx + dx, cy + dy);
        const chunk = ctx.db.terrain_chunk.find(cy * per + cx)!;
        if (blocked.has(chunk.tiles[(y % o.chunkTiles) * o.chunkTiles + (x % o.chunkTiles)]!)) continue;
        if (ctx.db.resource_node.withinRadius(x + 0.5, y + 0.5, 1.1).length > 0) continue;
        const a = rng() * Math.PI * 2;
        const row = ctx.db.avatar.find(id)!;
        ctx.db.avatar.update({
          ...row,
          x: x + 0.5,
          y: y + 0.5,
          dirX: Math.fround(Math.cos(a) * 0.99),
          dirY: Math.fround(Math.sin(a) * 0.99),
          moving: true,
        });
        break;
      }
    }
  });
  engine.runTick();
  return { frontier, engine, ids };
}

/**
 * Creates a Frontier engine with `players` players joined through the `join` reducer, so they
 * spawn where real players do: over the start area, which grows with the population (see
 * `start-area.ts`). Joins run 1,000 per tick, outside any measurement; the players start standing
 * and the bots of {@link botTick} set them walking or gathering.
 */
export async function joinedWorld(
  players: number,
  options: FrontierOptions = {},
  seed = 'bench',
  makeEngine: (module: Frontier['module']) => Promise<FrontierEngine> | FrontierEngine = (module) =>
    createEngine({ module, seed, tickMs: 50 }) as FrontierEngine,
) {
  const frontier = await createFrontier({ seed, ...options });
  const engine = await makeEngine(frontier.module);
  engine.runTick();
  const ids = Array.from({ length: players }, (_, i) => botId(i));
  for (let i = 0; i < players; i += 1000) {
    for (const [k, id] of ids.slice(i, i + 1000).entries()) {
      engine.connect(id);
      engine.enqueue(id, 'join', { name: `bot${i + k}` });
    }
    engine.runTick();
  }
  const joined = engine.db.avatar.count();
  if (joined !== players) throw new Error(`${players - joined} of ${players} bench players could not join`);
  return { frontier, engine, ids };
}

/**
 * Simple bots: a walking bot turns now and then and sometimes stops; a stopped bot gathers the
 * nearest node within reach, or walks off. Returns the calls it queued this tick.
 */
export function botTick(
  engine: FrontierEngine,
  ids: readonly Identity[],
  rng: () => number,
  turnChance = 1 / 40,
  stopChance = 1 / 80,
): number {
  let calls = 0;
  const db = engine.db;
  for (const id of ids) {
    const p = db.avatar.find(id);
    if (p === undefined) continue;
    if (p.moving) {
      const r = rng();
      if (r < stopChance) {
        engine.enqueue(id, 'move', { dx: 0, dy: 0 });
        calls++;
      } else if (r < stopChance + turnChance) {
        const a = rng() * Math.PI * 2;
        engine.enqueue(id, 'move', {
          dx: Math.fround(Math.cos(a) * 0.99),
          dy: Math.fround(Math.sin(a) * 0.99),
        });
        calls++;
      }
      continue;
    }
    if (db.action.has(id)) continue;
    const node = db.resource_node.withinRadius(p.x, p.y, 2).find((n) => n.amount > 0);
    if (node !== undefined && rng() < 0.8) engine.enqueue(id, 'gather', { nodeId: node.id });
    else {
      const a = rng() * Math.PI * 2;
      engine.enqueue(id, 'move', {
        dx: Math.fround(Math.cos(a) * 0.99),
        dy: Math.fround(Math.sin(a) * 0.99),
      });
    }
    calls++;
  }
  return calls;
}
