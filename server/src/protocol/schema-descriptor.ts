import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { kindOfWireId, OPTIONAL, wireIdOf, type ColumnShape } from './column-kinds';

/** A secondary index as the client sees it. */
export interface IndexDescriptor {
  readonly name: string;
  readonly kind: 'hash' | 'btree';
  /** Column positions in the table's column list. */
  readonly columns: readonly number[];
  readonly unique: boolean;
}

/** A public table as the client sees it. Private tables are never described. */
export interface TableDescriptor {
  /** The engine's table id: its position in the module's table list. */
  readonly id: number;
  readonly name: string;
  readonly columns: readonly ColumnShape[];
  /** Column positions of the primary key. */
  readonly primaryKey: readonly number[];
  /** Spatial index columns (positions) and cell size, if the table has one. */
  readonly spatial: { readonly x: number; readonly y: number; readonly cellSize: number } | undefined;
  readonly indexes: readonly IndexDescriptor[];
  /** Whether rows are filtered per viewer (the client then sees a subset). */
  readonly hasVisibility: boolean;
}

/** A reducer a client may call. Its `id` is its position in the module's reducer list. */
export interface ReducerDescriptor {
  readonly id: number;
  readonly name: string;
  readonly args: readonly ColumnShape[];
}

/**
 * What a client needs to encode calls and decode rows: sent once, in the IDENTITY message, so the
 * SDK never imports the server's module at runtime.
 */
export interface SchemaDescriptor {
  readonly tables: readonly TableDescriptor[];
  readonly reducers: readonly ReducerDescriptor[];
}

const FLAG_SPATIAL = 1;
const FLAG_VISIBILITY = 2;
/** Optional-of-optional nesting deeper than this is refused, so a hostile descriptor cannot recurse without bound. */
const MAX_SHAPE_DEPTH = 4;

/** Writes a column shape: its name when `withName`, its kind's byte, and for `optional` the inner kind. */
export function writeShape(w: BinaryWriter, shape: ColumnShape, withName: boolean): void {
  if (withName) w.string(shape.name);
  w.u8(wireIdOf(shape.kind));
  if (shape.kind === OPTIONAL.name) writeShape(w, shape.inner!, false);
}

/** Reads what {@link writeShape} wrote (`name` given: it was written without one). */
export function readShape(r: BinaryReader, name: string | undefined, depth: number): ColumnShape {
  const n = name ?? r.string();
  const k = r.u8();
  const kind = kindOfWireId(k);
  if (kind === undefined) r.fail(`unknown column kind ${k}`);
  if (kind !== OPTIONAL.name) return { name: n, kind };
  if (depth >= MAX_SHAPE_DEPTH) r.fail('optional nested too deeply');
  return { name: n, kind, inner: readShape(r, n, depth + 1) };
}

function readCount(r: BinaryReader, what: string): number {
  const n = r.uvar();
  // Every element takes at least one byte: a larger count is a lie that would allocate for nothing.
  if (n > r.remaining) r.fail(`${what} count ${n} exceeds the ${r.remaining} bytes left`);
  return n;
}

/** Writes a schema descriptor (the tail of the IDENTITY message). */
export function encodeSchemaDescriptor(w: BinaryWriter, d: SchemaDescriptor): void {
  w.uvar(d.tables.length);
  for (const t of d.tables) {
    w.uvar(t.id).string(t.name);
    w.u8((t.spatial !== undefined ? FLAG_SPATIAL : 0) | (t.hasVisibility ? FLAG_VISIBILITY : 0));
    w.uvar(t.columns.length);
    for (const c of t.columns) writeShape(w, c, true);
    w.uvar(t.primaryKey.length);
    for (const i of t.primaryKey) w.uvar(i);
    if (t.spatial !== undefined) w.uvar(t.spatial.x).uvar(t.spatial.y).f64(t.spatial.cellSize);
    w.uvar(t.indexes.length);
    for (const ix of t.indexes) {
      w.string(ix.name)
        .u8((ix.kind === 'btree' ? 1 : 0) | (ix.unique ? 2 : 0))
        .uvar(ix.columns.length);
      for (const i of ix.columns) w.uvar(i);
    }
  }
  w.uvar(d.reducers.length);
  for (const rd of d.reducers) {
    w.uvar(rd.id).string(rd.name).uvar(rd.args.length);
    for (const a of rd.args) writeShape(w, a, true);
  }
}

/**
 * Reads what {@link encodeSchemaDescriptor} wrote, checking every column position.
 * @throws TickspaceError MALFORMED_FRAME naming the byte offset.
 */
export function decodeSchemaDescriptor(r: BinaryReader): SchemaDescriptor {
  const tables: TableDescriptor[] = [];
  const nTables = readCount(r, 'table');
  for (let t = 0; t < nTables; t++) {
    const id = r.uvar();
    const name = r.string();
    const flags = r.u8();
    const columns: ColumnShape[] = [];
    const nCols = readCount(r, 'column');
    for (let c = 0; c < nCols; c++) columns.push(readShape(r, undefined, 0));
    const col = () => {
      const i = r.uvar();
      if (i >= nCols) r.fail(`column position ${i} out of range in table '${name}'`);
      return i;
    };
    const primaryKey: number[] = [];
    const nPk = readCount(r, 'primary key column');
    if (nPk === 0) r.fail(`table '${name}' has no primary key`);
    for (let i = 0; i < nPk; i++) primaryKey.push(col());
    const spatial = (flags & FLAG_SPATIAL) !== 0 ? { x: col(), y: col(), cellSize: r.f64() } : undefined;
    const indexes: IndexDescriptor[] = [];
    const nIdx = readCount(r, 'index');
    for (let i = 0; i < nIdx; i++) {
      const ixName = r.string();
      const f = r.u8();
      const cols: number[] = [];
      const n = readCount(r, 'index column');
      for (let j = 0; j < n; j++) cols.push(col());
      indexes.push({
        name: ixName,
        kind: (f & 1) !== 0 ? 'btree' : 'hash',
        columns: cols,
        unique: (f & 2) !== 0,
      });
    }
    tables.push({
      id,
      name,
      columns,
      primaryKey,
      spatial,
      indexes,
      hasVisibility: (flags & FLAG_VISIBILITY) !== 0,
    });
  }
  const reducers: ReducerDescriptor[] = [];
  const nRed = readCount(r, 'reducer');
  for (let i = 0; i < nRed; i++) {
    const id = r.uvar();
    const name = r.string();
    const args: ColumnShape[] = [];
    const n = readCount(r, 'argument');
    for (let j = 0; j < n; j++) args.push(readShape(r, undefined, 0));
    reducers.push({ id, name, args });
  }
  return { tables, reducers };
}
