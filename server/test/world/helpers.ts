import { expect } from 'vitest';
import {
  createEngine,
  toIdentity,
  type CallResult,
  type Engine,
  type Identity,
  type TickRecord,
} from '../../src/engine';
import { createFrontier, type Frontier, type FrontierOptions } from '../../src/world';
import { planInventory } from '../../src/world/inventory';

/** Test identities: `who(1)` is 000...01. */
export function who(n: number): Identity {
  return toIdentity(n.toString(16).padStart(32, '0'));
}

export type World = Awaited<ReturnType<typeof createWorld>>;
export type FrontierEngine = Engine<Frontier['module']>;

/** Options for small, fast test worlds (512 x 512 tiles; everything else at its default). */
export const SMALL: FrontierOptions = { seed: 'test-world', worldTiles: 512 };

let shared: Frontier | undefined;

/**
 * A Frontier module (shared between tests when the options are the defaults: modules are
 * stateless across engines) and a fresh engine with init run.
 */
export async function createWorld(options: FrontierOptions = SMALL, engineSeed = 'test') {
  const frontier =
    options === SMALL ? (shared ??= await createFrontier(SMALL)) : await createFrontier(options);
  const engine = createEngine({ module: frontier.module, seed: engineSeed, tickMs: 50 }) as FrontierEngine;
  engine.runTick();
  return makeWorld(frontier, engine);
}

/** World helpers over an engine that is already running (a data directory opened with openDatabase, say). */
export function makeWorld(frontier: Frontier, engine: FrontierEngine) {
  const db = engine.db;
  const world = {
    frontier,
    engine,
    db,
    /** Runs one tick with one call; returns the call's result and the tick record. */
    call(
      sender: Identity,
      reducer: string,
      args: Record<string, unknown>,
    ): { result: CallResult; record: TickRecord; callIndex: number } {
      let result: CallResult | undefined;
      engine.enqueue(sender, reducer, args, (r) => (result = r));
      const record = engine.runTick();
      const callIndex = record.calls.findIndex((c) => c.reducer === reducer && c.sender === sender);
      expect(result, `result of ${reducer}`).toBeDefined();
      return { result: result!, record, callIndex };
    },
    /** Calls and expects success. */
    ok(sender: Identity, reducer: string, args: Record<string, unknown> = {}): TickRecord {
      const { result, record } = world.call(sender, reducer, args);
      expect(result, `${reducer} ${JSON.stringify(args)}`).toEqual({ ok: true });
      return record;
    },
    /** Calls, expects rejection with `code`, and checks the call wrote nothing. */
    rejects(sender: Identity, reducer: string, args: Record<string, unknown>, code: string): string {
      const { result, record, callIndex } = world.call(sender, reducer, args);
      expect(result.ok, `${reducer} should fail with ${code}`).toBe(false);
      if (!result.ok) expect(result.code, result.message).toBe(code);
      expect(record.changes.filter((c) => c.callIndex === callIndex)).toEqual([]);
      return result.ok ? '' : result.message;
    },
    /** Runs `n` ticks. */
    ticks(n: number): void {
      for (let i = 0; i < n; i++) engine.runTick();
    },
    /** Runs ticks until `ms` of logical time passed. */
    wait(ms: number): void {
      world.ticks(Math.ceil(ms / engine.tickMs));
    },
    /** Connects and joins a player; returns their identity. */
    join(n: number, name = `player${n}`): Identity {
      const id = who(n);
      engine.connect(id);
      world.ok(id, 'join', { name });
      return id;
    },
    /** A player's profile merged with their avatar (position, intent). */
    player(id: Identity) {
      const p = db.player.find(id);
      const a = db.avatar.find(id);
      expect(p, `player ${id}`).toBeDefined();
      expect(a, `avatar ${id}`).toBeDefined();
      return { ...p!, x: a!.x, y: a!.y, dirX: a!.dirX, dirY: a!.dirY, moving: a!.moving };
    },
    /** Test setup as a server transaction: gives items to a player. */
    give(id: Identity, itemId: string, quantity: number): void {
      world.system((ctx) => {
        const plan = planInventory(ctx.db, ctx.db.player.find(id)!.containerId);
        if (!plan.add(ctx.db, itemId, quantity)) throw new Error(`cannot give ${quantity} ${itemId}`);
        plan.commit(ctx.db);
      });
    },
    /** Like `give`, but returns false (changing nothing) when the items do not fit. */
    tryGive(id: Identity, itemId: string, quantity: number): boolean {
      let fits = false;
      world.system((ctx) => {
        const plan = planInventory(ctx.db, ctx.db.player.find(id)!.containerId);
        fits = plan.add(ctx.db, itemId, quantity);
        if (fits) plan.commit(ctx.db);
      });
      return fits;
    },
    /** Test setup as a server transaction: moves a player (within generated terrain). */
    teleport(id: Identity, x: number, y: number): void {
      world.system((ctx) => {
        const a = ctx.db.avatar.find(id)!;
        ctx.db.avatar.update({ ...a, x, y });
      });
    },
    /** Runs `fn` as a server transaction in the next tick. */
    system(fn: (ctx: any) => void): void {
      let result: CallResult | undefined;
      engine.enqueueSystem('test_setup', fn, (r) => (result = r));
      engine.runTick();
      expect(result).toEqual({ ok: true });
    },
    /** How many of an item a player holds. */
    count(id: Identity, itemId: string): number {
      return db.inventory
        .filter('by_container', world.player(id).containerId)
        .filter((r) => r.itemId === itemId)
        .reduce((n, r) => n + r.quantity, 0);
    },
    /** A player's inventory as sorted "item:qty" totals. */
    bag(id: Identity): Record<string, number> {
      const out: Record<string, number> = {};
      for (const r of db.inventory.filter('by_container', world.player(id).containerId))
        out[r.itemId] = (out[r.itemId] ?? 0) + r.quantity;
      return out;
    },
    /** The resource node of a kind nearest to (x, y) with amount > 0. */
    nearestNode(resourceId: string, x: number, y: number) {
      const nodes = db.resource_node.iter().filter((n) => n.resourceId === resourceId && n.amount > 0);
      nodes.sort((a, b) => Math.hypot(a.x - x, a.y - y) - Math.hypot(b.x - x, b.y - y) || a.id - b.id);
      expect(nodes.length, `a ${resourceId} node`).toBeGreaterThan(0);
      return nodes[0]!;
    },
    /** Puts a player next to a node (on its left, just within reach). */
    standBy(id: Identity, node: { x: number; y: number }): void {
      world.teleport(id, node.x - 1.2, node.y);
    },
    /** Whether tile (x, y) is land (generated terrain only). */
    isLand(x: number, y: number): boolean {
      const n = frontier.options.chunkTiles;
      const per = frontier.options.worldTiles / n;
      const chunk = db.terrain_chunk.find(Math.floor(y / n) * per + Math.floor(x / n));
      if (chunk === undefined) return false;
      const tile = chunk.tiles[(y % n) * n + (x % n)]!;
      return db.biome_def.iter().some((b) => b.tile === tile && b.kind === 'land');
    },
    /** A free land rectangle of w x h tiles near (x, y): no building, node or player on it. */
    freeSite(x: number, y: number, w: number, h: number): { x: number; y: number } {
      for (let r = 2; r < 30; r++)
        for (let dy = -r; dy <= r; dy++)
          for (let dx = -r; dx <= r; dx++) {
            const sx = Math.floor(x) + dx;
            const sy = Math.floor(y) + dy;
            let free = true;
            for (let ty = sy; ty < sy + h && free; ty++)
              for (let tx = sx; tx < sx + w && free; tx++) free = world.isLand(tx, ty);
            if (!free) continue;
            if (db.resource_node.withinRect(sx - 1, sy - 1, sx + w + 1, sy + h + 1).length > 0) continue;
            if (
              db.building
                .withinRect(sx - 9, sy - 9, sx + w + 9, sy + h + 9)
                .some((b) => b.x < sx + w && b.x + b.width > sx && b.y < sy + h && b.y + b.height > sy)
            )
              continue;
            if (db.avatar.withinRect(sx - 1, sy - 1, sx + w + 1, sy + h + 1).length > 0) continue;
            const info = db.world_info.find(0)!;
            const onProject = db.project_def.iter().some((p) => {
              const px = Math.floor(info.spawnX) + p.siteDx;
              const py = Math.floor(info.spawnY) + p.siteDy;
              return px < sx + w && px + p.width > sx && py < sy + h && py + p.height > sy;
            });
            if (onProject) continue;
            return { x: sx, y: sy };
          }
      throw new Error('no free site');
    },
  };
  return world;
}
