import type { ColumnShape } from '../../protocol/column-kinds';
import { TickspaceError } from '../../protocol/errors';
import { decodeArgsJson, encodeArgsJson } from '../args';
import { defineModule, createSchema, type ModuleDef, type ReducerDef } from '../module';
import {
  Column,
  columnShapes,
  table,
  type AnyColumn,
  type ColumnKind,
  type Columns,
  type IndexKind,
  type TableDef,
} from '../schema';

/** One column as a data directory records it. */
export interface ColumnDescription {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly inner?: ColumnDescription | undefined;
  readonly primaryKey?: boolean;
  readonly autoInc?: boolean;
  readonly unique?: boolean;
  readonly index?: IndexKind | undefined;
  /** The declared default, as {@link defaultToJson} writes it (absent: none declared). */
  readonly default?: { readonly json: unknown } | undefined;
}

/** One table as a data directory records it (everything but the visibility function). */
export interface TableDescription {
  readonly name: string;
  readonly public: boolean;
  readonly columns: readonly ColumnDescription[];
  readonly primaryKey?: readonly string[] | undefined;
  readonly indexes?:
    readonly { name: string; columns: readonly string[]; kind?: IndexKind; unique?: boolean }[] | undefined;
  readonly spatial?: { x: string; y: string; cellSize: number } | undefined;
}

/** One reducer as a data directory records it: enough to decode its logged arguments. */
export interface ReducerDescription {
  readonly name: string;
  readonly args: readonly ColumnShape[];
  readonly internal: boolean;
}

/** A module's schema as JSON: what makes a data directory self-describing. */
export interface SchemaDescription {
  readonly tables: readonly TableDescription[];
  readonly reducers: readonly ReducerDescription[];
}

function describeColumn(name: string, c: AnyColumn): ColumnDescription {
  const d: { -readonly [K in keyof ColumnDescription]: ColumnDescription[K] } = { name, kind: c.kind };
  if (c.inner !== undefined) d.inner = describeColumn(name, c.inner);
  if (c.flags.primaryKey) d.primaryKey = true;
  if (c.flags.autoInc) d.autoInc = true;
  if (c.flags.unique) d.unique = true;
  if (c.flags.index !== undefined) d.index = c.flags.index;
  if (c.flags.default !== undefined) d.default = { json: defaultToJson(c.flags.default.value) };
  return d;
}

/** A column value as plain JSON (bigint, bytes and undefined wrapped as the schedule table stores them). */
function defaultToJson(value: unknown): unknown {
  return (JSON.parse(encodeArgsJson({ v: value })) as { v: unknown }).v;
}

/** Inverse of {@link defaultToJson}. */
export function defaultFromJson(json: unknown): unknown {
  return decodeArgsJson(JSON.stringify({ v: json })).v;
}

/** Describes a module's tables and reducers as plain JSON. */
export function describeModule(module: ModuleDef): SchemaDescription {
  return {
    tables: Object.entries(module.tables as Record<string, TableDef>).map(([name, def]) => ({
      name,
      public: def.options.public === true,
      columns: Object.entries(def.columns as Columns).map(([n, c]) => describeColumn(n, c)),
      primaryKey: def.options.primaryKey as string[] | undefined,
      indexes: def.options.indexes?.map((i) => ({
        name: i.name,
        columns: [...i.columns],
        kind: i.kind,
        unique: i.unique,
      })),
      spatial: def.options.spatial as TableDescription['spatial'],
    })),
    reducers: module.reducers.map((r) => ({
      name: r.name,
      args: columnShapes(r.args),
      internal: r.options.internal === true,
    })),
  };
}

function buildColumn(d: ColumnDescription | ColumnShape): AnyColumn {
  const full = d as ColumnDescription;
  return new Column(
    d.kind,
    {
      primaryKey: full.primaryKey === true,
      autoInc: full.autoInc === true,
      unique: full.unique === true,
      index: full.index,
      default: full.default === undefined ? undefined : { value: defaultFromJson(full.default.json) },
    },
    d.inner === undefined ? undefined : buildColumn(d.inner),
  );
}

function columnsOf(list: readonly (ColumnDescription | ColumnShape)[]): Columns {
  const out: Columns = {};
  for (const c of list) out[c.name] = buildColumn(c);
  return out;
}

/**
 * Rebuilds a read-only module from a description: real tables (indexes, keys, spatial grids) and
 * reducers whose bodies refuse to run. Used to read a data directory without the module's code
 * (`tickspace log`, `inspect`, `history`).
 */
export function moduleFromDescription(description: SchemaDescription): ModuleDef {
  const tables: Record<string, TableDef> = {};
  for (const t of description.tables)
    tables[t.name] = table(
      {
        public: t.public,
        ...(t.primaryKey === undefined ? {} : { primaryKey: t.primaryKey }),
        ...(t.indexes === undefined ? {} : { indexes: t.indexes }),
        ...(t.spatial === undefined ? {} : { spatial: t.spatial }),
      },
      columnsOf(t.columns),
    );
  const schema = createSchema(tables);
  const reducers: ReducerDef[] = description.reducers.map((r) =>
    schema.reducer(
      r.name,
      columnsOf(r.args),
      () => {
        throw new TickspaceError(
          'UNKNOWN_REDUCER',
          `reducer '${r.name}' has no code here: this engine was built from a data directory's schema (pass the module to run reducers)`,
        );
      },
      { internal: r.internal },
    ),
  );
  return defineModule(schema, { reducers });
}
