import type { Identity } from './identity';
import { TickspaceError } from '../protocol/errors';
import { checkValue, normalizeValue } from '../protocol/value-rules';

import { SCALAR_KINDS, type ColumnKind, type KindValue, type ScalarKindName } from '../protocol/column-kinds';

export type { ColumnKind };

/** Index kinds: `hash` answers equality, `btree` also ranges and prefixes. */
export type IndexKind = 'hash' | 'btree';

/** Options a column carries besides its type. */
export interface ColumnFlags {
  readonly primaryKey: boolean;
  readonly autoInc: boolean;
  readonly unique: boolean;
  readonly index: IndexKind | undefined;
  /**
   * The value a migration writes into this column for rows that existed before it was added
   * (`{ value }`, checked against the column's kind when declared); undefined when none is declared.
   * An optional column without one defaults to none (`undefined`).
   */
  readonly default?: { readonly value: unknown } | undefined;
}

const NO_FLAGS: ColumnFlags = { primaryKey: false, autoInc: false, unique: false, index: undefined };

/**
 * A column declaration. `T` is the TypeScript value type; `A` marks auto-increment columns,
 * which an insert may omit.
 */
export class Column<T, A extends boolean = false, P extends boolean = false> {
  declare readonly _type: T;
  declare readonly _autoInc: A;
  declare readonly _primaryKey: P;
  /** The column's type. */
  readonly kind: ColumnKind;
  /** Flags set by the builder methods. */
  readonly flags: ColumnFlags;
  /** For `optional`: the wrapped column. */
  readonly inner: Column<unknown, boolean, boolean> | undefined;

  constructor(kind: ColumnKind, flags: ColumnFlags = NO_FLAGS, inner?: Column<unknown, boolean, boolean>) {
    this.kind = kind;
    this.flags = flags;
    this.inner = inner;
  }

  /** Makes this column the table's primary key. */
  primaryKey(): Column<T, A, true> {
    return new Column<T, A, true>(this.kind, { ...this.flags, primaryKey: true }, this.inner);
  }

  /** Fills the column from a per-table counter when an insert leaves it out or passes 0. Integers only. */
  autoInc(): Column<T, true, P> {
    return new Column<T, true, P>(this.kind, { ...this.flags, autoInc: true }, this.inner);
  }

  /** No two rows may hold the same value. */
  unique(): Column<T, A, P> {
    return new Column<T, A, P>(this.kind, { ...this.flags, unique: true }, this.inner);
  }

  /** Adds a single-column index named after the column. @default 'btree' */
  index(kind: IndexKind = 'btree'): Column<T, A, P> {
    return new Column<T, A, P>(this.kind, { ...this.flags, index: kind }, this.inner);
  }

  /**
   * Declares the column's default: the value a schema migration gives this column in rows that
   * existed before the column did, which makes appending the column an additive change. Checked
   * against the column's kind now (`t.u8().default(300)` throws); stored in its normalised form.
   * @throws TickspaceError INVALID_SCHEMA when the value does not fit the column.
   * @example
   * const player = table({ public: true }, { id: t.u32().primaryKey(), hp: t.u32().default(100) });
   */
  default(value: T): Column<T, A, P> {
    const problem = checkValue(this, value);
    if (problem !== undefined)
      throw new TickspaceError('INVALID_SCHEMA', `a default must fit its ${this.kind} column: ${problem}`, {
        details: { kind: this.kind },
      });
    return new Column<T, A, P>(
      this.kind,
      { ...this.flags, default: { value: normalizeValue(this, value) } },
      this.inner,
    );
  }
}

/** Any column. */
export type AnyColumn = Column<any, boolean, boolean>;

/** A record of named columns: a table's row shape or a reducer's arguments. */
export type Columns = Record<string, AnyColumn>;

/** One constructor per kind of the registry, typed by the kind's value type. */
type ScalarBuilders = { readonly [K in ScalarKindName]: () => Column<KindValue<K>> };

const scalarBuilders = Object.fromEntries(
  (Object.keys(SCALAR_KINDS) as ScalarKindName[]).map((kind) => [kind, () => new Column(kind)]),
) as ScalarBuilders;

/**
 * Column constructors: one per kind of `protocol/kinds/scalar-kinds.ts` (`t.u8()`, `t.f32()`,
 * `t.identity()`...), plus `t.optional(inner)`.
 *
 * @example
 * const player = table({ public: true }, { id: t.u32().primaryKey().autoInc(), name: t.string().unique(), x: t.f32() });
 */
export const t = {
  ...scalarBuilders,
  optional: <T>(inner: Column<T, boolean, boolean>) =>
    new Column<T | undefined>('optional', NO_FLAGS, inner as Column<unknown, boolean, boolean>),
} as const;

/** The value type of a column. */
export type ColumnValue<C> = C extends Column<infer T, boolean, boolean> ? T : never;

type AutoIncKeys<C extends Columns> = {
  [K in keyof C]: C[K] extends Column<any, true, boolean> ? K : never;
}[keyof C];
type OptionalKeys<C extends Columns> = {
  [K in keyof C]: undefined extends ColumnValue<C[K]> ? K : never;
}[keyof C];

/** A row (or argument object) of the given columns. */
export type RowOf<C extends Columns> = { [K in keyof C]: ColumnValue<C[K]> };

/** What an insert accepts: auto-increment and optional columns may be left out. */
export type InsertOf<C extends Columns> = Omit<RowOf<C>, AutoIncKeys<C> | OptionalKeys<C>> & {
  [K in AutoIncKeys<C> | OptionalKeys<C>]?: ColumnValue<C[K]>;
};

/** A secondary index over one or more columns. */
export interface IndexDeclaration<C extends Columns = Columns> {
  /** Name used in `filter` and `range` calls. */
  readonly name: string;
  readonly columns: readonly (keyof C & string)[];
  /** @default 'btree' */
  readonly kind?: IndexKind;
  /** No two rows may share the same combination of values. @default false */
  readonly unique?: boolean;
}

/** A spatial grid index over two numeric columns. */
export interface SpatialDeclaration<C extends Columns = Columns> {
  readonly x: keyof C & string;
  readonly y: keyof C & string;
  /** Side of one grid cell, in the columns' units. */
  readonly cellSize: number;
}

/** Table options. */
export interface TableOptions<C extends Columns> {
  /** Whether clients may subscribe to the table. @default false */
  readonly public?: boolean;
  /** Composite primary key; otherwise the column marked `.primaryKey()`. */
  readonly primaryKey?: readonly (keyof C & string)[];
  readonly indexes?: readonly IndexDeclaration<C>[];
  readonly spatial?: SpatialDeclaration<C>;
  /**
   * Row-level visibility for subscriptions: a row is sent to a client only if it is visible to
   * the client's identity. Either a pure function of the row and the viewer, or, for rows that
   * belong to players, a {@link DeclaredVisibility}: the engine reads it without calling module
   * code and sends a changed row only to the clients it names, where a function is asked once per
   * subscriber for every change.
   */
  readonly visibility?: ((row: RowOf<C>, viewer: Identity) => boolean) | DeclaredVisibility<C>;
  /**
   * Refuses a reducer's update or delete of some rows: called with the row's key and the tables
   * before the write, a throw (a ReducerError, say) refuses it and the call rolls back with that
   * error. For rows this engine holds but does not own, such as a region's ghosts (read-only
   * copies of a neighbour's rows, see `regions/README.md`). Part of the module, so replay refuses
   * exactly what the live run refused: it must be a pure function of the key and the tables.
   * Inserts need no guard (a guarded row's key is taken: DUPLICATE_KEY).
   * @default none
   */
  readonly writeGuard?: (
    key: unknown,
    db: Readonly<Record<string, { has(key: unknown): boolean; find(key: unknown): unknown }>>,
  ) => void;
}

/**
 * Visibility read from the row: visible to the viewers its identity columns `to` name, and to
 * every viewer while its bool column `everyoneWhen` is true.
 *
 * @example
 * // A backpack's stacks are its owner's; a chest's (shared) are everyone's.
 * table({ public: true, visibility: { to: ['owner'], everyoneWhen: 'shared' } }, { ... })
 */
export interface DeclaredVisibility<C extends Columns = Columns> {
  /** Identity columns: the viewers each names see the row. At least one. */
  readonly to: readonly (keyof C & string)[];
  /** A bool column: while true, every viewer sees the row. */
  readonly everyoneWhen?: keyof C & string;
}

/** A table declaration: columns plus options. */
export interface TableDef<C extends Columns = any> {
  readonly columns: C;
  readonly options: TableOptions<C>;
}

/**
 * Declares a table. The key it gets in the module's table record is its name.
 *
 * @example
 * const account = table({ public: false }, { id: t.u32().primaryKey(), balance: t.i64() });
 */
export function table<C extends Columns>(options: TableOptions<C>, columns: C): TableDef<C> {
  return { columns, options };
}

/** A record of named tables. */
export type Tables = Record<string, TableDef<any>>;

/** The row type of a table declaration. */
export type Row<T> = T extends TableDef<infer C> ? RowOf<C> : never;
/** The insert type of a table declaration. */
export type Insert<T> = T extends TableDef<infer C> ? InsertOf<C> : never;

/** The key type of a table: the primary key value, or a tuple of values for a composite key. */
export type KeyOf<T> = T extends TableDef<infer C> ? PrimaryKeyValue<C> : never;

type PkColumnKeys<C extends Columns> = {
  [K in keyof C]: C[K] extends Column<any, boolean, true> ? K : never;
}[keyof C];
/** The primary key value of a row: the key column's value, or a tuple of values for a composite key. */
export type PrimaryKeyValue<C extends Columns> = [PkColumnKeys<C>] extends [never]
  ? readonly unknown[]
  : ColumnValue<C[PkColumnKeys<C>]>;

/** The codec shapes of a column record, in declaration order (for the wire codec and the log). */
export function columnShapes(columns: Columns): import('../protocol/column-kinds').ColumnShape[] {
  const shape = (name: string, c: AnyColumn): import('../protocol/column-kinds').ColumnShape =>
    c.kind === 'optional' ? { name, kind: c.kind, inner: shape(name, c.inner!) } : { name, kind: c.kind };
  return Object.entries(columns).map(([name, c]) => shape(name, c));
}
