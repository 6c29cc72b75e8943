import { ReducerError, type Db, type ReducerDef } from '../engine';
import type { GhostTables } from './ghost-tables';
import type { HandoffTables } from './handoff-tables';

/**
 * Wraps a module's own reducers so that a caller whose entity left this region (a tombstone in
 * `ts_moved`) is refused with NOT_HERE, naming the region it went to, before the reducer runs.
 * Without it a call that reaches the old region while the player is in transit would find no
 * player and could recreate one (`join`): two owners. A caller whose entity is a ghost here (its
 * row mirrored from the region that owns it) is refused the same way, naming the owner. A gateway
 * reroutes on NOT_HERE. Internal
 * reducers (schedules, the kit's own) are left as they are: their sender is the server.
 * @example
 * defineModule(schema, { reducers: [...refuseMovedCallers(mine), ...handoffReducers(schema, kit)] });
 */
export function refuseMovedCallers<R extends readonly ReducerDef<string, any, any>[]>(reducers: R): R {
  return reducers.map((def) => {
    if (def.options.internal === true) return def;
    const fn = def.fn;
    return {
      ...def,
      fn: (ctx, args) => {
        const moved = (ctx.db as unknown as Db<HandoffTables>).ts_moved.find(ctx.sender);
        if (moved !== undefined)
          throw new ReducerError(
            'NOT_HERE',
            `${ctx.sender} left for region ${moved.to} (epoch ${moved.epoch})`,
            {
              details: { region: moved.to, epoch: moved.epoch },
            },
          );
        // A caller who is a ghost here lives in another region (a stale route): sent on to the owner.
        const ghost = (ctx.db as unknown as Partial<Db<GhostTables>>).ts_ghost?.find(ctx.sender);
        if (ghost !== undefined)
          throw new ReducerError('NOT_HERE', `${ctx.sender} lives in region ${ghost.owner}`, {
            details: { region: ghost.owner, epoch: 0 },
          });
        fn(ctx, args);
      },
    } satisfies ReducerDef<string, any, any>;
  }) as unknown as R;
}
