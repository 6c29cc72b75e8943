import { createSchema, defineModule, ReducerError, t, table } from '../../src/engine';
import { ghostKit, ghostTables, handoffReducers, handoffTables, regionGrid } from '../../src/regions';

/** Two regions side by side: r0_0 holds x < 100, r1_0 holds x >= 100 (y from 0 to 100). */
export const GHOST_GRID = regionGrid('2x1', 200, 100);

/**
 * A tiny module with movers in a spatial table, the handoff kit and the ghost kit on `mover`:
 * nothing of Frontier. A ghost is stored as not moving (as Frontier's are).
 */
export function ghostModule(region: string, options: { capacity?: number } = {}) {
  const ghosts = ghostKit({ region, table: 'mover', ghostRow: (row) => ({ ...row, moving: false }) });
  const tables = {
    mover: ghosts.guard(
      table(
        {
          public: true,
          spatial: { x: 'x', y: 'y', cellSize: 8 },
          indexes: [{ name: 'moving', columns: ['moving'], kind: 'hash' }],
        },
        { id: t.string().primaryKey(), x: t.f32(), y: t.f32(), moving: t.bool() },
      ),
    ),
    ...handoffTables(),
    ...ghostTables(),
  };
  const schema = createSchema(tables);
  const spawn = schema.reducer('spawn', { id: t.string(), x: t.f32(), y: t.f32() }, (ctx, { id, x, y }) => {
    ctx.db.mover.insert({ id, x, y, moving: true });
  });
  const place = schema.reducer('place', { id: t.string(), x: t.f32(), y: t.f32() }, (ctx, { id, x, y }) => {
    const m = ctx.db.mover.find(id);
    if (m === undefined) throw new ReducerError('NOT_FOUND', `no mover ${id}`);
    ctx.db.mover.update({ ...m, x, y });
  });
  /** Moves every mover here, ghosts included: what a careless module schedule would do. */
  const shiftAll = schema.reducer('shift_all', { dx: t.f32() }, (ctx, { dx }) => {
    for (const m of ctx.db.mover.iter()) ctx.db.mover.update({ ...m, x: m.x + dx });
  });
  const remove = schema.reducer('remove', { id: t.string() }, (ctx, { id }) => {
    ctx.db.mover.delete(id);
  });
  const handoff = handoffReducers(schema, {
    region,
    pack: (ctx, entity) => {
      const mover = ctx.db.mover.find(entity);
      if (mover === undefined) throw new ReducerError('NOT_HERE', `no mover ${entity} in ${region}`);
      ctx.db.mover.delete(entity);
      return { mover };
    },
    unpack: (ctx, _entity, payload) => {
      const owned = ctx.db.mover.count() - ctx.db.ts_ghost.count();
      if (options.capacity !== undefined && owned >= options.capacity)
        throw new ReducerError('REGION_FULL', `${region} holds ${options.capacity} movers`);
      ctx.db.mover.insert(payload.mover as never);
    },
    restore: (ctx, _entity, payload) => void ctx.db.mover.insert(payload.mover as never),
    ghosts: ghosts.hooks,
  });
  return defineModule(schema, {
    reducers: [spawn, place, shiftAll, remove, ...handoff, ...ghosts.reducers(schema)],
  });
}
