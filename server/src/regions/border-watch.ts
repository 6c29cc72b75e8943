import { SERVER_IDENTITY, type Engine, type ReadonlyDb } from '../engine';
import { HANDOFF_REDUCERS } from './handoff-reducers';
import type { RegionGrid } from './region-grid';

/** An entity's position, as a module reports it to {@link watchBorders}. */
export interface EntityPosition {
  readonly entity: string;
  readonly x: number;
  readonly y: number;
}

/** Options for {@link watchBorders}. */
export interface BorderWatchOptions {
  readonly engine: Engine<any>;
  readonly grid: RegionGrid;
  /** This region's name in the grid. */
  readonly region: string;
  /** How far past the border an entity must be before it is handed over (no ping-pong along it). */
  readonly hysteresis: number;
  /**
   * The entities that may have crossed since the last tick (e.g. the ones walking), read after
   * each durable tick. Cheap to call: it runs once per tick.
   */
  positions(db: ReadonlyDb<any>): Iterable<EntityPosition>;
}

/**
 * The border rule: after each tick, every entity `positions` reports past a neighbour's border by
 * `hysteresis` is handed to that neighbour (`handoff_out`, a logged server call, so replay runs the
 * same handoffs). One request per entity at a time; a refused request (the entity left, or is
 * already in transit) is simply not retried until the entity is reported again.
 * @returns a function that stops watching.
 * @example
 * const stop = watchBorders({ engine, grid, region: 'r0_0', hysteresis: 4, positions: (db) => walkers(db) });
 */
export function watchBorders(options: BorderWatchOptions): () => void {
  const { engine, grid, region, hysteresis } = options;
  const asked = new Set<string>();
  return engine.onTick(() => {
    for (const p of options.positions(engine.db)) {
      if (asked.has(p.entity)) continue;
      const target = grid.crossing(region, p.x, p.y, hysteresis);
      if (target === undefined) continue;
      asked.add(p.entity);
      void engine
        .call(SERVER_IDENTITY, HANDOFF_REDUCERS.OUT, { entity: p.entity, to: target.name })
        .finally(() => asked.delete(p.entity));
    }
  });
}
