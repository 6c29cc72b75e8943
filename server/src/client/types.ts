import type { KeyOf, ModuleDef, ReducerDef, ReturnOf, Row, RowOf } from '../engine';
import type { CircleArea, FollowStep, LodSpec, RectArea } from '../protocol';
import type { ClientTable } from './client-table';

/** Table names of a module. */
export type TableNames<M extends ModuleDef> = keyof M['tables'] & string;

/**
 * `conn.db`: one typed cache per table of the module. Private tables exist in the type but stay
 * empty: their rows never leave the server.
 */
export type ClientDb<M extends ModuleDef> = {
  readonly [K in TableNames<M>]: ClientTable<Row<M['tables'][K]>, KeyOf<M['tables'][K]>>;
};

type ArgsOf<R> = R extends ReducerDef<string, infer A> ? RowOf<A> : never;
type ReturnsOf<R> = R extends { readonly options: { readonly returns?: infer C } }
  ? [Exclude<C, undefined>] extends [never]
    ? void
    : ReturnOf<Exclude<C, undefined>>
  : void;

/**
 * `conn.reducers`: one typed function per reducer, resolving when the call succeeds, with the
 * value the reducer returned when it declares `returns`.
 */
export type ClientReducers<M extends ModuleDef> = {
  readonly [R in M['reducers'][number] as R['name']]: (args: ArgsOf<R>) => Promise<ReturnsOf<R>>;
};

/** Names of the reducers a client may call. */
export type ReducerName<M extends ModuleDef> = keyof ClientReducers<M> & string;

/** The argument object of one reducer, as `conn.reducers[name]` takes it. */
export type ReducerCallArgs<M extends ModuleDef, N extends ReducerName<M>> = ArgsOf<
  Extract<M['reducers'][number], { name: N }>
>;

/**
 * One reducer call as data: the name and its typed arguments. Code that decides a call in one place
 * and makes it in another (a bot's planner, a UI button) passes this instead of a string and a record.
 */
export type ReducerCall<M extends ModuleDef> = {
  readonly [N in ReducerName<M>]: { readonly reducer: N; readonly args: ReducerCallArgs<M, N> };
}[ReducerName<M>];

type FollowTarget<M extends ModuleDef> = {
  readonly [F in TableNames<M>]: { readonly table: F; readonly key: KeyOf<M['tables'][F]> };
}[TableNames<M>];

/**
 * A subscription query on one of the module's tables. The table is any table name (so a value
 * typed as a union of names works); the followed row's key is typed by the followed table.
 */
export type ClientQuery<M extends ModuleDef> =
  | { readonly table: TableNames<M> }
  | { readonly table: TableNames<M>; readonly where: { readonly index: string; readonly value: unknown } }
  | { readonly table: TableNames<M>; readonly rect: RectArea }
  | {
      readonly table: TableNames<M>;
      readonly near: CircleArea & { readonly x: number; readonly y: number };
      /**
       * Level of detail: rows within `lod.radius` of the centre update every tick, the circle's
       * other rows every `lod.every` ticks (their latest state; entering and leaving rows at once).
       * The query must be the only one of the connection on its table. @default undefined
       */
      readonly lod?: LodSpec;
    }
  | {
      readonly table: TableNames<M>;
      /** The circle, its followed row and its step (see {@link FollowStep}). */
      readonly follow: CircleArea & FollowStep & FollowTarget<M>;
      /** Level of detail, as for `near` (see {@link LodSpec}). @default undefined */
      readonly lod?: LodSpec;
    }
  | {
      readonly table: TableNames<M>;
      readonly range: { readonly index: string; readonly gte?: unknown; readonly lt?: unknown };
    };
