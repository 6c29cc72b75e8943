import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, type Connection } from '../../src/client';
import { SERVER_IDENTITY, type Engine } from '../../src/engine';
import { createServer, type TickspaceServer } from '../../src/net';
import { startRegion, type RunningRegion } from '../../src/regions';
import { onCleanup, startBroker, tempDir } from '../fabric/broker';
import { GHOST_GRID, ghostModule } from './ghost-fixture';

type Module = ReturnType<typeof ghostModule>;
const quiet = { error: () => {}, warn: () => {} };
const WEST = GHOST_GRID.regions[0]!.name; // x < 100
const EAST = GHOST_GRID.regions[1]!.name; // x >= 100

interface MoverRow {
  id: string;
  x: number;
  y: number;
  moving: boolean;
}

/** Runs ticks of `engine` until `done` holds; fails after `maxTicks`. */
async function until(
  engine: Engine<any>,
  what: string,
  done: () => boolean,
  maxTicks = 1_000,
): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i >= maxTicks) throw new Error(`${what}: not after ${maxTicks} ticks`);
    await engine.nextTick();
  }
}

describe('ghosts between two region processes over a real nats-server', () => {
  it('a client near the border sees the other side, and a mover crossing either way stays in its cache (no delete, no second insert)', async () => {
    const broker = await startBroker();
    const root = tempDir('tickspace-ghosts-');
    const regions = {} as Record<string, { running: RunningRegion<Module>; server: TickspaceServer }>;
    for (const name of [WEST, EAST]) {
      const running = await startRegion({
        module: ghostModule(name),
        region: name,
        dir: path.join(root, name),
        natsUrl: broker.url,
        tickMs: 20,
        republishMs: 200,
        ackWaitMs: 1_000,
        ghosts: { grid: GHOST_GRID, table: 'mover', bandTiles: 10, keyframeTicks: 10, staleTicks: 40 },
        logger: quiet,
      });
      const server = await createServer({
        engine: running.db.engine,
        port: 0,
        tokenSecret: 'ghosts-integration-secret-32-byte',
        logger: quiet,
      });
      regions[name] = { running, server };
      onCleanup(async () => {
        await server.close();
        await running.stop();
      });
    }
    const west = regions[WEST]!.running.db.engine;
    const east = regions[EAST]!.running.db.engine;
    const call = async (engine: Engine<any>, reducer: string, args: Record<string, unknown>) => {
      const result = await engine.call(SERVER_IDENTITY, reducer, args);
      expect(result, `${reducer} ${JSON.stringify(args)}`).toMatchObject({ ok: true });
    };

    // The watcher: a client of the west standing at the border, with a radius that reaches across.
    const conn = (await connect({
      url: regions[WEST]!.server.url,
      WebSocket: WebSocket as never,
    })) as Connection<any>;
    onCleanup(async () => conn.close());
    const movers = (conn.db as unknown as { mover: any }).mover;
    const events: string[] = [];
    movers.onInsert((r: MoverRow) => events.push(`insert ${r.id}`));
    movers.onDelete((r: MoverRow) => events.push(`delete ${r.id}`));
    movers.onUpdate((_: MoverRow, r: MoverRow) => events.push(`update ${r.id} ${r.x}`));
    await conn.subscribe({ table: 'mover', near: { x: 98, y: 50, radius: 12 } }).applied;
    const cached = (id: string) => movers.find(id) as MoverRow | undefined;
    const seen = (id: string, kind: string) => events.filter((e) => e.startsWith(`${kind} ${id}`)).length;

    // An east mover 6 tiles past the border: the west holds its ghost, the watcher sees it.
    await call(east, 'spawn', { id: 'e', x: 104, y: 50 });
    await call(west, 'spawn', { id: 'w', x: 96, y: 50 });
    await until(west, 'the east mover reaches the watcher', () => cached('e') !== undefined);
    expect(cached('e')).toMatchObject({ x: 104, moving: false });
    const ghostTick = west.tick;
    expect((west.db as any).ts_ghost.find('e')).toMatchObject({ owner: EAST });

    // The east moves it: the watcher sees it move, through the ghost.
    await call(east, 'place', { id: 'e', x: 103, y: 50 });
    await until(west, 'the ghost follows its owner', () => cached('e')?.x === 103);

    // The west mover crosses east: handed over, it stays a ghost in the west under the same id.
    await call(west, 'place', { id: 'w', x: 102, y: 50 });
    await call(west, 'handoff_out', { entity: 'w', to: EAST });
    await until(
      east,
      'the east takes the mover in',
      () => east.db.mover.has('w') && !(east.db as any).ts_ghost.has('w'),
    );
    await call(east, 'place', { id: 'w', x: 105, y: 51 });
    await until(west, 'the new owner moves the ghost', () => cached('w')?.x === 105);
    expect((west.db as any).ts_ghost.find('w')).toMatchObject({ owner: EAST, pending: false });

    // The east mover crosses west: its ghost becomes the real row in the arrival's transaction.
    await call(east, 'place', { id: 'e', x: 97, y: 50 });
    await call(east, 'handoff_out', { entity: 'e', to: WEST });
    await until(west, 'the west takes the mover in', () => west.db.mover.find('e')?.moving === true);
    await until(west, 'the watcher sees the real row', () => cached('e')?.moving === true);
    await until(east, 'the east outbox empties', () => east.db.ts_outbox.count() === 0);
    await until(west, 'the west outbox empties', () => west.db.ts_outbox.count() === 0);

    // Through both crossings each mover was inserted once in the watcher's cache and never deleted.
    expect(seen('e', 'insert'), events.join('\n')).toBe(1);
    expect(seen('w', 'insert'), events.join('\n')).toBe(1);
    expect(seen('e', 'delete'), events.join('\n')).toBe(0);
    expect(seen('w', 'delete'), events.join('\n')).toBe(0);
    expect(seen('w', 'update')).toBeGreaterThan(0);
    expect(regions[WEST]!.running.ghosts!.counts.received).toBeGreaterThan(0);
    expect(regions[EAST]!.running.ghosts!.counts.keyframes).toBeGreaterThan(0);

    // Time travel per region stays honest: the west's log holds the ghosts it held, as ghosts.
    const then = await regions[WEST]!.running.db.asOf(ghostTick);
    expect((then.db as any).mover.find('e')).toMatchObject({ x: 104, moving: false });
    expect((then.db as any).ts_ghost.find('e')).toMatchObject({ owner: EAST });
    // And each region's log replays to the states it logged, ghost_apply calls included.
    for (const name of [WEST, EAST]) {
      const { running } = regions[name]!;
      await running.ghosts!.stop();
      await running.relay.stop();
      await running.db.engine.stop();
      const report = await running.db.replay();
      expect(report.ok, `${name} replay: ${JSON.stringify(report.divergence)}`).toBe(true);
      expect(report.verifiedTicks).toBeGreaterThan(0);
    }
  }, 60_000);
});
