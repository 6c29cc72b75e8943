import { compileArgsValidator, type ArgsValidator } from './args-validator';
import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { scalarKind } from './column-kinds';
import { compileRowCodec, compileValueCodec, type RowCodec } from './row-codec';
import type { ReducerDescriptor, SchemaDescriptor, TableDescriptor } from './schema-descriptor';
import { compileUpdateCodec, type UpdateCodec } from './update-codec';

/** Encodes and decodes a table's primary key: the column value, or a tuple for a composite key. */
export interface KeyCodec {
  encode(writer: BinaryWriter, key: unknown): void;
  decode(reader: BinaryReader): unknown;
  /** The primary key of a row. */
  of(row: Readonly<Record<string, unknown>>): unknown;
}

/** One public table, with its codecs compiled once. */
export interface WireTable {
  readonly id: number;
  readonly name: string;
  readonly descriptor: TableDescriptor;
  readonly columnNames: readonly string[];
  readonly row: RowCodec;
  readonly key: KeyCodec;
  readonly update: UpdateCodec;
  /**
   * True when the key is one integer column of 32 bits or less: update runs then carry each key
   * as a zigzag delta from the previous key of the run (usually one byte) instead of whole.
   */
  readonly intKey: boolean;
  /** Writes the key part of one update-run entry; returns the value the next entry is relative to. */
  writeEntryKey(writer: BinaryWriter, key: unknown, previous: number): number;
  /** Reads the key part of one update-run entry. `previous` is the prior key of the run (0 first). */
  readEntryKey(reader: BinaryReader, previous: number): unknown;
}

/** One callable reducer with its argument codec and validator. */
export interface WireReducer {
  readonly id: number;
  readonly name: string;
  readonly descriptor: ReducerDescriptor;
  readonly args: RowCodec;
  /** The engine's own argument rules (see {@link compileArgsValidator}): returns a canonical copy or throws `INVALID_ARGUMENT`. */
  readonly validate: ArgsValidator;
}

/** A schema descriptor with every codec compiled: what both the server session and the SDK use. */
export interface WireSchema {
  readonly descriptor: SchemaDescriptor;
  readonly tables: readonly WireTable[];
  readonly reducers: readonly WireReducer[];
  /** The public table with this engine table id. */
  table(id: number): WireTable | undefined;
  tableByName(name: string): WireTable | undefined;
  reducer(id: number): WireReducer | undefined;
  reducerByName(name: string): WireReducer | undefined;
}

function compileKey(t: TableDescriptor): KeyCodec {
  const pk = t.primaryKey.map((i) => t.columns[i]!);
  const codecs = pk.map((c) => compileValueCodec(c));
  const names = pk.map((c) => c.name);
  if (pk.length === 1) {
    const c = codecs[0]!;
    const n = names[0]!;
    return { encode: (w, k) => c.encode(w, k), decode: (r) => c.decode(r), of: (row) => row[n] };
  }
  return {
    encode: (w, k) => {
      const parts = k as readonly unknown[];
      for (let i = 0; i < codecs.length; i++) codecs[i]!.encode(w, parts[i]);
    },
    decode: (r) => codecs.map((c) => c.decode(r)),
    of: (row) => names.map((n) => row[n]),
  };
}

function compileTable(t: TableDescriptor): WireTable {
  const key = compileKey(t);
  const pkShape = t.primaryKey.length === 1 ? t.columns[t.primaryKey[0]!]! : undefined;
  // A one-column key of an integer kind carried as a number: its range bounds the key deltas.
  const range = pkShape === undefined ? undefined : scalarKind(pkShape.kind)?.range;
  const intKey = range !== undefined;
  const [lo, hi] = range ?? [0, 0];
  return {
    id: t.id,
    name: t.name,
    descriptor: t,
    columnNames: t.columns.map((c) => c.name),
    row: compileRowCodec(t.columns),
    key,
    update: compileUpdateCodec(t.columns, t.primaryKey),
    intKey,
    writeEntryKey: intKey
      ? (w, k, prev) => {
          w.svar((k as number) - prev);
          return k as number;
        }
      : (w, k, prev) => {
          key.encode(w, k);
          return prev;
        },
    readEntryKey: intKey
      ? (r, prev) => {
          const k = prev + r.svar();
          if (k < lo || k > hi) r.fail(`key delta leaves the ${pkShape!.kind} range in table '${t.name}'`);
          return k;
        }
      : (r) => key.decode(r),
  };
}

/**
 * Compiles every codec of a schema descriptor once.
 * @example
 * const schema = compileWireSchema(descriptor);
 * schema.reducerByName('move')!.args.encode(writer, { dx: 1, dy: 0 });
 */
export function compileWireSchema(descriptor: SchemaDescriptor): WireSchema {
  const tables = descriptor.tables.map(compileTable);
  const reducers = descriptor.reducers.map<WireReducer>((r) => ({
    id: r.id,
    name: r.name,
    descriptor: r,
    args: compileRowCodec(r.args),
    validate: compileArgsValidator(r.name, r.args),
  }));
  const byId = new Map(tables.map((t) => [t.id, t]));
  const byName = new Map(tables.map((t) => [t.name, t]));
  const redById = new Map(reducers.map((r) => [r.id, r]));
  const redByName = new Map(reducers.map((r) => [r.name, r]));
  return {
    descriptor,
    tables,
    reducers,
    table: (id) => byId.get(id),
    tableByName: (name) => byName.get(name),
    reducer: (id) => redById.get(id),
    reducerByName: (name) => redByName.get(name),
  };
}
