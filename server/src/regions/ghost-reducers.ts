import {
  ReducerError,
  SERVER_IDENTITY,
  TickspaceError,
  t,
  type Db,
  type ReducerContext,
  type ReducerDef,
  type Schema,
  type TableDef,
  type Tables,
} from '../engine';
import { decodeGhostMessage } from './ghost-messages';
import type { GhostTables } from './ghost-tables';

/** The ghost kit's reducer names, as the ghost relay calls them. */
export const GHOST_REDUCERS = { APPLY: 'ghost_apply', EXPIRE: 'ghost_expire' } as const;

/** What a module tells the ghost kit. */
export interface GhostOptions {
  /** This region's name. */
  readonly region: string;
  /**
   * The mirrored table (a spatial one: Frontier's `avatar`). Its primary key is one string column
   * whose value is the entity id the handoff kit moves, so that a ghost and the row it becomes
   * after a handoff share one id.
   */
  readonly table: string;
  /**
   * How a neighbour's row is stored here as a ghost: the module's own writers must pass ghosts by
   * (a write to one is refused), so a module whose schedule rewrites every moving row stores its
   * ghosts as not moving, say. Pure; it must keep the key. @default the row as it is
   */
  readonly ghostRow?: (row: Record<string, unknown>) => Record<string, unknown>;
  /** A `ghost_apply` message larger than this is refused. @default 512 KiB */
  readonly maxGhostBytes?: number;
}

/** What the handoff kit asks of the ghost kit, inside its own transactions. */
export interface GhostHandoffHooks {
  /** Whether `entity`'s row is a ghost here (a handoff of a ghost is refused). */
  isGhost(ctx: ReducerContext<any>, entity: string): boolean;
  /** The mirrored row of `entity` before `pack` removes it, if any. */
  rowOf(ctx: ReducerContext<any>, entity: string): Record<string, unknown> | undefined;
  /** After `pack`: the entity's row stays here as a ghost of its new owner, under the same id. */
  keep(ctx: ReducerContext<any>, row: Record<string, unknown>, owner: string): void;
  /** Before an arrival (`unpack`) or a take-back (`restore`) inserts the entity's row: its ghost goes. */
  drop(ctx: ReducerContext<any>, entity: string): void;
}

/** The ghost kit of one region: the table guard, the reducers, and the hooks the handoff kit calls. */
export interface GhostKit {
  readonly options: GhostOptions;
  /**
   * The mirrored table's declaration with a write guard: a reducer's update or delete of a ghost
   * is refused with GHOST_READ_ONLY (details: the owner region). Only the kit writes ghosts.
   */
  guard<D extends TableDef>(def: D): D;
  /** `ghost_apply(message)` and `ghost_expire(staleTicks)`: server-only, called by the ghost relay. */
  reducers<T extends Tables>(schema: Schema<T>): readonly ReducerDef<string, any, T>[];
  readonly hooks: GhostHandoffHooks;
}

type AnyTable = Db<Record<string, TableDef>>[string];

/**
 * Builds the ghost kit for a module whose schema has {@link ghostTables} and the mirrored table
 * (declared through {@link GhostKit.guard}). Ghost rows are written by logged `ghost_apply`
 * calls, so they are in the region's log like every row: `asOf` shows the ghosts the region held
 * then, replay writes them again, and `ts_ghost` says which rows were ghosts and whose.
 * @throws TickspaceError INVALID_ARGUMENT for an empty table name.
 * @example
 * const ghosts = ghostKit({ region: 'r0_0', table: 'avatar' });
 * const tables = { ...mine, avatar: ghosts.guard(mine.avatar), ...handoffTables(), ...ghostTables() };
 */
export function ghostKit(options: GhostOptions): GhostKit {
  if (options.table === '')
    throw new TickspaceError('INVALID_ARGUMENT', 'ghostKit: the mirrored table needs a name');
  const shape = options.ghostRow ?? ((row) => row);
  // The kit's own writes pass the guard; it is set only while a kit reducer runs (synchronously),
  // so a module reducer never sees it set, live or in replay.
  let writing = 0;
  const ghosts = (ctx: ReducerContext<any>) => (ctx.db as unknown as Db<GhostTables>).ts_ghost;
  const mirrored = (ctx: ReducerContext<any>) => (ctx.db as Record<string, AnyTable>)[options.table]!;
  const asKit = <R>(fn: () => R): R => {
    writing++;
    try {
      return fn();
    } finally {
      writing--;
    }
  };
  const deleteGhost = (ctx: ReducerContext<any>, entity: string) =>
    asKit(() => {
      mirrored(ctx).delete(entity as never);
      ghosts(ctx).delete(entity);
    });

  const hooks: GhostHandoffHooks = {
    isGhost: (ctx, entity) => ghosts(ctx).has(entity),
    rowOf: (ctx, entity) => mirrored(ctx).find(entity as never) as Record<string, unknown> | undefined,
    keep: (ctx, row, owner) => {
      const entity = mirrored(ctx).keyOf(row as never) as string;
      if (mirrored(ctx).has(entity as never)) return; // `pack` kept it: nothing to mirror
      asKit(() => {
        mirrored(ctx).insert(shape(row) as never);
        ghosts(ctx).insert({ entity, owner, seenTick: ctx.tick, pending: true });
      });
    },
    drop: (ctx, entity) => {
      if (ghosts(ctx).has(entity)) deleteGhost(ctx, entity);
    },
  };

  const guard = <D extends TableDef>(def: D): D => ({
    ...def,
    options: {
      ...def.options,
      writeGuard: (key: unknown, db: Readonly<Record<string, { find(key: unknown): unknown }>>) => {
        if (writing > 0) return;
        const ghost = db.ts_ghost?.find(key) as { owner: string } | undefined;
        if (ghost !== undefined)
          throw new ReducerError(
            'GHOST_READ_ONLY',
            `${options.table} ${String(key)} is a ghost of region ${ghost.owner} in ${options.region}: read-only here, its owner writes it`,
            { details: { table: options.table, key: String(key), region: ghost.owner } },
          );
      },
    },
  });

  const reducers = <T extends Tables>(schema: Schema<T>) => {
    const apply = schema.reducer(GHOST_REDUCERS.APPLY, { message: t.string() }, (ctx, { message }) => {
      serverOnly(ctx);
      let m;
      try {
        m = decodeGhostMessage(message, { maxGhostBytes: options.maxGhostBytes });
      } catch (error) {
        throw new ReducerError('INVALID_GHOST', (error as Error).message, { cause: error });
      }
      if (m.to !== options.region)
        throw new ReducerError('INVALID_GHOST', `ghost message for ${m.to} reached ${options.region}`);
      const table = mirrored(ctx);
      const g = ghosts(ctx);
      asKit(() => {
        const listed = new Set<string>();
        for (const row of m.rows) {
          let key: unknown;
          try {
            key = table.keyOf(row as never);
          } catch {
            continue;
          }
          if (typeof key !== 'string') continue;
          const ghost = g.find(key);
          // A row this region owns wins over any copy of it.
          if (ghost === undefined && table.has(key as never)) continue;
          listed.add(key);
          const shaped = shape(row);
          try {
            if (ghost === undefined) table.insert(shaped as never);
            else if (!sameRow(table.find(key as never) as Record<string, unknown>, shaped))
              table.update(shaped as never);
          } catch (error) {
            // A row that is not a row of this table (the neighbour runs another version): skipped
            // whole, before anything of it was written.
            if (error instanceof TickspaceError) continue;
            throw error;
          }
          const next = { entity: key, owner: m.from, seenTick: ctx.tick, pending: false };
          if (ghost === undefined) g.insert(next);
          else g.update(next);
        }
        for (const entity of m.gone) if (g.find(entity)?.owner === m.from) deleteGhost(ctx, entity);
        for (const [entity, owner] of m.moved) {
          const ghost = g.find(entity);
          if (ghost?.owner === m.from) g.update({ entity, owner, seenTick: ctx.tick, pending: true });
        }
        if (m.keyframe)
          for (const ghost of g.filter('by_owner', m.from))
            if (!ghost.pending && !listed.has(ghost.entity)) deleteGhost(ctx, ghost.entity);
      });
    });
    const expire = schema.reducer(GHOST_REDUCERS.EXPIRE, { staleTicks: t.u32() }, (ctx, { staleTicks }) => {
      serverOnly(ctx);
      for (const ghost of ghosts(ctx).iter())
        if (ctx.tick - ghost.seenTick > staleTicks) deleteGhost(ctx, ghost.entity);
    });
    return [apply, expire] as unknown as readonly ReducerDef<string, any, T>[];
  };

  return { options, guard, reducers, hooks };
}

function serverOnly(ctx: ReducerContext<any>): void {
  if (ctx.sender !== SERVER_IDENTITY)
    throw new ReducerError('FORBIDDEN', `${ctx.reducer} is called by the ghost relay, not by clients`);
}

function sameRow(a: Record<string, unknown> | undefined, b: Record<string, unknown>): boolean {
  if (a === undefined) return false;
  for (const k of Object.keys(a)) if (a[k] !== b[k]) return false;
  return true;
}
