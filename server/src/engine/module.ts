import { TickspaceError } from '../protocol/errors';
import type { Identity } from './identity';
import type { RangeBounds } from './secondary-index';
import type { AnyColumn, ColumnValue, Columns, Insert, KeyOf, Row, RowOf, TableDef, Tables } from './schema';

/** Read access to one table: shared by reducers, time-travel views and the client cache. */
export interface ReadonlyTable<T extends TableDef> {
  /** The primary key of a row of this table (a tuple for composite keys). */
  keyOf(row: Row<T>): KeyOf<T>;
  /** The row with this primary key, or undefined. */
  find(key: KeyOf<T>): Row<T> | undefined;
  /** Whether a row with this primary key exists. */
  has(key: KeyOf<T>): boolean;
  /** Number of rows. */
  count(): number;
  /** All rows (a copy, safe to hold while writing). */
  iter(): Row<T>[];
  /** Rows whose index equals `value` (btree indexes also take a prefix tuple). */
  filter(index: string, value: unknown): Row<T>[];
  /** Rows within btree index bounds. */
  range(index: string, bounds: RangeBounds): Row<T>[];
  /** Rows inside an axis-aligned rectangle (inclusive); needs a spatial index. */
  withinRect(minX: number, minY: number, maxX: number, maxY: number): Row<T>[];
  /** Rows within `radius` of a point (inclusive); needs a spatial index. */
  withinRadius(x: number, y: number, radius: number): Row<T>[];
}

/** Read and write access to one table inside a reducer. */
export interface Table<T extends TableDef> extends ReadonlyTable<T> {
  /** Inserts a row and returns it as stored (auto-increment filled). */
  insert(row: Insert<T>): Row<T>;
  /** Replaces the row with the same primary key and returns it as stored. */
  update(row: Row<T>): Row<T>;
  /** Deletes the row with this key; returns whether it existed. */
  delete(key: KeyOf<T>): boolean;
}

/** Every table of a module, by name. */
export type Db<T extends Tables> = { readonly [K in keyof T]: Table<T[K]> };
/** Every table of a module, read-only. */
export type ReadonlyDb<T extends Tables> = { readonly [K in keyof T]: ReadonlyTable<T[K]> };

/** When a scheduled call runs. `everyMs` repeats it from its scheduled time, without drift. */
export type ScheduleWhen =
  | { readonly atTick: number; readonly everyMs?: number }
  | { readonly atMs: number; readonly everyMs?: number }
  | { readonly inMs: number; readonly everyMs?: number };

/** A pending schedule: the one that made a call (see {@link ReducerContext.scheduled}), or one of {@link ReducerContext.schedulesOf}. */
export interface ScheduledCall {
  /** Its schedule id, as `schedule` returned it (for `cancelSchedule`). */
  readonly id: number;
  /** Its period in ms; 0 for a one-shot. */
  readonly everyMs: number;
}

/** What a reducer sees: the tables, the caller, logical time, a seeded PRNG and scheduling. */
export interface ReducerContext<T extends Tables> {
  /** The module's tables. */
  readonly db: Db<T>;
  /** Who called: a client identity, or the server identity for scheduled and init calls. */
  readonly sender: Identity;
  /** The tick this call runs in. */
  readonly tick: number;
  /** Logical time of the tick in ms (`tick * tickMs`): never the wall clock. */
  readonly now: number;
  /** Seeded from the world seed, the tick and the call's position: replays draw the same numbers. */
  readonly rng: () => number;
  /** The running reducer's name. */
  readonly reducer: string;
  /** The engine's tick period in ms: `everyMs: ctx.tickMs` runs a schedule every tick. */
  readonly tickMs: number;
  /**
   * The schedule that made this call, read during the call only: its id and period (`everyMs`,
   * 0 for a one-shot). Undefined for a call that was not scheduled. A one-shot's row is used up
   * when the call starts, so a one-shot that fails (an error or a budget abort) rolls back what it
   * scheduled and does not run again; work that must outlive a failed call repeats with `everyMs`.
   */
  readonly scheduled: ScheduledCall | undefined;
  /**
   * Schedules a reducer call; returns its schedule id.
   * @throws TickspaceError UNKNOWN_REDUCER, INVALID_ARGUMENT
   */
  schedule(reducer: string, args: Record<string, unknown>, when: ScheduleWhen): number;
  /** Cancels a scheduled call; returns whether it existed. */
  cancelSchedule(id: number): boolean;
  /**
   * The pending schedules of `reducer`, in id order (new objects, safe to hold). For a start-up
   * hook that repairs the module's own schedules (Frontier's `serverStarted` keeps physics on one
   * repeating schedule): it scans the schedule table, so it is not for every call.
   * @example
   * for (const s of ctx.schedulesOf('tick_world')) if (s.everyMs !== ctx.tickMs) ctx.cancelSchedule(s.id);
   */
  schedulesOf(reducer: string): ScheduledCall[];
}

/** Reducer options. */
export interface ReducerOptions<R extends AnyColumn | undefined = AnyColumn | undefined> {
  /** Only the server may call it (scheduled or from other code): clients get UNKNOWN_REDUCER. @default false */
  readonly internal?: boolean;
  /**
   * What the reducer returns, as a column type (`t.u32()`, `t.optional(t.string())`...): the
   * value is checked like a column value (a misfit is a server fault, INVALID_RETURN, and the call
   * rolls back), logged with the call, compared by replay, and resolves the caller's
   * `await conn.reducers.name(args)`. Without it, whatever the reducer returns is ignored.
   * @default undefined
   * @example
   * schema.reducer('craft', { recipe: t.string() }, (ctx, a) => ctx.db.item.insert({ ... }).id, { returns: t.u32() });
   */
  readonly returns?: R;
}

/** What a reducer with `returns: R` returns: the column's value type, or nothing. */
export type ReturnOf<R> = R extends AnyColumn ? ColumnValue<R> : void;

/** A reducer declaration. */
export interface ReducerDef<
  N extends string = string,
  A extends Columns = any,
  T extends Tables = any,
  R extends AnyColumn | undefined = any,
> {
  readonly name: N;
  readonly args: A;
  readonly fn: (ctx: ReducerContext<T>, args: RowOf<A>) => ReturnOf<R>;
  readonly options: ReducerOptions<R>;
}

/** A lifecycle hook: init, client connected, client disconnected, server started. */
export type LifecycleFn<T extends Tables> = (ctx: ReducerContext<T>) => void;

/** What a module's warm hook reads: the tables as the last tick left them. */
export interface WarmContext<T extends Tables> {
  /** Read-only: a write throws READ_ONLY (nothing outside a reducer changes the tables). */
  readonly db: ReadonlyDb<T>;
  /** The last tick that ran: the version's first tick is `tick + 1`. */
  readonly tick: number;
  /**
   * Tables whose rows this version's migration rewrites at its boundary (here they still hold the
   * old shape): a cache must not be filled from them. Empty for a version that keeps the schema.
   */
  readonly reshaped: readonly string[];
}

/**
 * A module version's warm hook: fills the caches its reducers would otherwise fill in its first
 * tick (see {@link defineModule}'s `warm`).
 */
export type WarmFn<T extends Tables> = (w: WarmContext<T>) => void;

/**
 * Data a module's init writes that does not come from its code (content files, a map): a JSON
 * object, logged as the `__init` call's payload so that a replay from tick 1 writes the same data
 * whatever the files say by then. JSON values only (no bigint, no bytes).
 */
export type InitData = Readonly<Record<string, unknown>>;

/** The init hook: runs once, in the first tick of a new world, with the world's logged init data. */
export type InitFn<T extends Tables> = (ctx: ReducerContext<T>, data: InitData) => void;

/** The tables of a module plus the reducer factory typed against them. */
export interface Schema<T extends Tables> {
  readonly tables: T;
  /**
   * Declares a reducer.
   * @example
   * const move = schema.reducer('move', { dx: t.f32(), dy: t.f32() }, (ctx, { dx, dy }) => { ... });
   */
  reducer<const N extends string, A extends Columns>(
    name: N,
    args: A,
    fn: (ctx: ReducerContext<T>, args: RowOf<A>) => void,
    options?: ReducerOptions<undefined>,
  ): ReducerDef<N, A, T, undefined>;
  /**
   * Declares a reducer that returns a value of `options.returns` to its caller.
   * @example
   * const craft = schema.reducer('craft', { kind: t.string() }, (ctx, { kind }) => ctx.db.item.insert({ kind }).id, { returns: t.u32() });
   */
  reducer<const N extends string, A extends Columns, R extends AnyColumn>(
    name: N,
    args: A,
    fn: (ctx: ReducerContext<T>, args: RowOf<A>) => ReturnOf<R>,
    options: ReducerOptions<R> & { readonly returns: R },
  ): ReducerDef<N, A, T, R>;
}

/** Declares a module's tables. */
export function createSchema<T extends Tables>(tables: T): Schema<T> {
  return {
    tables,
    reducer: (
      name: string,
      args: Columns,
      fn: (ctx: ReducerContext<T>, args: any) => unknown,
      options: ReducerOptions = {},
    ): ReducerDef => {
      if (isAsyncFunction(fn))
        throw new TickspaceError(
          'INVALID_SCHEMA',
          `reducer '${name}' is an async function: reducers are synchronous transactions (their writes commit when they return, and work after an await would run outside the tick and its CPU budget), so drop async/await and do the work in the call itself`,
          { details: { reducer: name } },
        );
      return { name, args, fn, options };
    },
  } as Schema<T>;
}

/** Async functions and async generators (their tag survives lockdown, unlike their constructors). */
function isAsyncFunction(fn: unknown): boolean {
  const tag = Object.prototype.toString.call(fn);
  return tag === '[object AsyncFunction]' || tag === '[object AsyncGeneratorFunction]';
}

/** A complete module: tables, reducers and lifecycle hooks. */
export interface ModuleDef<
  T extends Tables = any,
  R extends readonly ReducerDef<string, any, any>[] = readonly ReducerDef<string, any, any>[],
> {
  readonly tables: T;
  readonly reducers: R;
  readonly init: InitFn<T> | undefined;
  /** See {@link defineModule}'s `initData`. */
  readonly initData: (() => InitData) | undefined;
  readonly clientConnected: LifecycleFn<T> | undefined;
  readonly clientDisconnected: LifecycleFn<T> | undefined;
  /** See {@link defineModule}'s `serverStarted`. */
  readonly serverStarted: LifecycleFn<T> | undefined;
  /** See {@link defineModule}'s `version`. */
  readonly version?: number | undefined;
  /** See {@link defineModule}'s `migrations`. */
  readonly migrations?: Readonly<Record<number, MigrationFn<T>>> | undefined;
  /** See {@link defineModule}'s `warm`. */
  readonly warm?: WarmFn<T> | undefined;
}

/**
 * What a migration function declares for one schema version: how to convert the rows of a table
 * whose shape changed, and which tables to drop. Conversions run once, in the logged `__migrate`
 * tick; their output is logged, so they never run again (not in replay, not in `asOf`).
 */
export interface Migrator<T extends Tables> {
  /** The data directory's schema version before the migration. */
  readonly fromVersion: number;
  /** The version the migration creates (`fromVersion + 1`). */
  readonly toVersion: number;
  /**
   * Converts every stored row of `name`. `old` is the row as stored (the old shape, untyped);
   * `row` is the new-shape row the engine would write by itself (columns kept with the same name
   * and type copied, new ones set to their default). Return the row to store, or undefined to drop
   * it. Rows are checked against the new table (types, keys, unique constraints) before anything
   * is written.
   * @example
   * m.table('player', (old, row) => ({ ...row, hp: Number(old.health) }));
   */
  table<K extends keyof T & string>(
    name: K,
    convert: (old: Readonly<Record<string, unknown>>, row: Row<T[K]>) => Row<T[K]> | undefined,
  ): void;
  /** Accepts that a stored table the module no longer declares is dropped with its rows. */
  dropTable(name: string): void;
}

/** A module's migration to one schema version. Must be deterministic (it runs once, logged). */
export type MigrationFn<T extends Tables = any> = (m: Migrator<T>) => void;

/**
 * Assembles a module.
 * @example
 * export const game = defineModule(schema, { reducers: [move, chat] as const, init: (ctx) => { ... } });
 */
export function defineModule<T extends Tables, const R extends readonly ReducerDef<string, any, T>[]>(
  schema: Schema<T>,
  options: {
    reducers: R;
    /** Runs once, in the first tick of a new world; `data` is what `initData` returned then. */
    init?: InitFn<T>;
    /**
     * Asked once, when a new world runs its first tick: the data `init` receives. Its value is
     * logged as the `__init` call's payload, and a replay passes the logged value to `init` instead
     * of asking again, so init may depend on files that change later. Must return a JSON object
     * (no bigint, no bytes); a throw fails the first tick before anything is committed.
     * @default no data (`init` receives `{}`)
     * @example
     * initData: () => ({ items: JSON.parse(readFileSync('items.json', 'utf8')) }),
     * init: (ctx, data) => { for (const item of data.items as Item[]) ctx.db.item.insert(item); },
     */
    initData?: () => InitData;
    clientConnected?: LifecycleFn<T>;
    clientDisconnected?: LifecycleFn<T>;
    /**
     * Runs once per server start, in the first tick after recovery, when no client is connected:
     * undo here what only a connected client keeps alive (an `online` flag, a walking avatar),
     * because a crash or a forced stop ran no `clientDisconnected`. Sender is the server identity.
     * Logged like every lifecycle call, so replay reproduces it.
     * @example
     * serverStarted: (ctx) => { for (const p of ctx.db.player.filter('online', true)) ctx.db.player.update({ ...p, online: false }); }
     */
    serverStarted?: LifecycleFn<T>;
    /**
     * The data directory's schema version this module expects. Optional: without it any version
     * whose schema this module can migrate from is accepted. With it, opening a directory at a
     * different version (other than `version - 1` with a migration) is refused.
     */
    version?: number;
    /**
     * Migrations by the schema version they create. A data directory at version `n` whose schema
     * differs from this module's by a breaking change (a type change, a removed or renamed column,
     * a new key or unique constraint, a column without a default) migrates with `migrations[n + 1]`;
     * additive changes need none.
     * @example
     * migrations: { 2: (m) => m.table('player', (old, row) => ({ ...row, hp: Number(old.health) })) }
     */
    migrations?: Readonly<Record<number, MigrationFn<T>>>;
    /**
     * Runs when this version is published into a running engine, outside every tick, before its
     * boundary: fill here, from read-only tables, the caches the reducers would otherwise build in
     * the version's first tick (a fresh module instance starts with empty ones, which made that
     * tick several times a normal one). Not logged and not run by replay, so it may only fill
     * caches whose contents the tables decide: no tick may depend on whether it ran. Skipped when
     * another publish waits for the same boundary (the tables it would read are not the ones this
     * version starts from). A throw, or a run past the engine's `warmBudgetMs`, refuses the
     * publish: the running version goes on.
     * @default none
     * @example
     * warm: ({ db, tick }) => { for (const a of db.avatar.filter('moving', true)) cache.prepare(db, a.x, a.y, tick); },
     */
    warm?: WarmFn<T>;
  },
): ModuleDef<T, R> {
  return {
    tables: schema.tables,
    reducers: options.reducers,
    init: options.init,
    initData: options.initData,
    clientConnected: options.clientConnected,
    clientDisconnected: options.clientDisconnected,
    serverStarted: options.serverStarted,
    version: options.version,
    migrations: options.migrations,
    warm: options.warm,
  };
}

/** The argument type of a module's reducer, by name. */
export type ReducerArgs<M extends ModuleDef, N extends string> =
  Extract<M['reducers'][number], { name: N }> extends ReducerDef<N, infer A> ? RowOf<A> : never;
