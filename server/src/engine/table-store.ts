import { TickspaceError } from '../protocol/errors';
import { OP, type AnyRow, type ChangeOp } from './change-set';
import { compileRowHasher } from './row-hash';
import { RowHashLanes } from './row-hash-lanes';
import { compileRowNormalizer, type RowNormalizer } from '../protocol/row-normalizer';
import type { AnyColumn, TableDef } from './schema';
import {
  checkUnique,
  clearIndex,
  compileKeyReader,
  createIndex,
  indexAdd,
  indexEqual,
  indexMove,
  indexRange,
  indexRemove,
  sameIndexes,
  type KeyReader,
  type RangeBounds,
  type SecondaryIndex,
} from './secondary-index';
import { SpatialGrid } from './spatial-grid';
import { rowsInRadius, rowsInRect, type SpatialRows } from './spatial-rows';
import type { StoreContext } from './store-context';
import { layoutKey, sameDeclaration, tableLayout } from './table-layout';
import { describeValue, mapKey } from './values';
import type { WriteInProgress } from './write-in-progress';

/**
 * The in-memory store of one table: rows in a dense array (swap-remove) with a key-to-position map,
 * unique constraints, hash and btree indexes, an optional spatial grid, and the table's share of
 * the state hash. Every write goes through the open transaction so that it can be undone exactly.
 */
export class TableStore {
  readonly id: number;
  readonly name: string;
  /** The table's declaration (a migration may hand an unchanged table a new one: see redefine). */
  def: TableDef;
  readonly columns: readonly AnyColumn[];
  readonly columnNames: readonly string[];
  readonly pkColumns: readonly number[];
  readonly autoIncColumn: number;
  /** The spatial grid, if the table has one (a migration's adoptRows may move another store's in). */
  spatial: SpatialGrid | undefined;
  readonly spatialX: string | undefined;
  readonly spatialY: string | undefined;
  /** Next auto-increment value. */
  autoInc = 1;
  readonly #ctx: StoreContext;
  // Not readonly: adoptRows moves them between two stores of one table at a migration boundary.
  #rows: AnyRow[] = [];
  #pos = new Map<unknown, number>();
  #indexes = new Map<string, SecondaryIndex>();
  #indexList: SecondaryIndex[] = [];
  #uniqueList: SecondaryIndex[] = [];
  readonly #normalizer: RowNormalizer;
  /** The layout this store was built from, as text (see sameLayout); computed when first asked. */
  #layoutKey: string | undefined;
  readonly #keyOf: KeyReader;
  #spatialRows: SpatialRows | undefined;
  readonly #lanes: RowHashLanes;

  constructor(id: number, name: string, def: TableDef, ctx: StoreContext) {
    this.id = id;
    this.name = name;
    this.def = def;
    this.#ctx = ctx;
    const layout = tableLayout(name, def);
    const names = layout.columnNames;
    this.columnNames = names;
    this.columns = layout.columns;
    this.pkColumns = layout.pkColumns;
    this.autoIncColumn = layout.autoIncColumn;
    for (const decl of layout.indexes) {
      const index = createIndex(names, decl.name, decl.columns, decl.kind, decl.unique);
      this.#indexes.set(decl.name, index);
      this.#indexList.push(index);
      if (decl.unique) this.#uniqueList.push(index);
    }
    this.#keyOf = compileKeyReader(names, this.pkColumns);
    this.#normalizer = compileRowNormalizer(name, names, this.columns, this.autoIncColumn);
    this.#lanes = new RowHashLanes(compileRowHasher(id, this.columns, names), ctx.hash);
    const sp = layout.spatial;
    if (sp !== undefined) {
      this.spatial = new SpatialGrid(sp.cellSize);
      this.spatialX = sp.x;
      this.spatialY = sp.y;
      this.#spatialRows = { grid: this.spatial, x: sp.x, y: sp.y, find: (key) => this.find(key) };
    }
  }

  // ---- keys ---------------------------------------------------------------------------------

  /** The primary key of a row: its key column's value, or a tuple for a composite key. */
  keyOf(row: AnyRow): unknown {
    return this.#keyOf(row);
  }

  // ---- reads --------------------------------------------------------------------------------

  /** The row with this primary key, or undefined. */
  find(key: unknown): AnyRow | undefined {
    const i = this.#pos.get(mapKey(key));
    return i === undefined ? undefined : this.#rows[i];
  }

  /** Whether a row with this primary key exists. */
  has(key: unknown): boolean {
    return this.#pos.has(mapKey(key));
  }

  /** Number of rows. */
  count(): number {
    return this.#rows.length;
  }

  /** A copy of all rows, in storage order (deterministic: a function of the write history). */
  iter(): AnyRow[] {
    return this.#rows.slice();
  }

  /** The live row array. Do not mutate; do not hold across writes. */
  rowsView(): readonly AnyRow[] {
    return this.#rows;
  }

  #index(name: string): SecondaryIndex {
    const index = this.#indexes.get(name);
    if (index === undefined)
      throw new TickspaceError(
        'UNKNOWN_INDEX',
        `table '${this.name}' has no index '${name}' (indexes: ${[...this.#indexes.keys()].join(', ') || 'none'})`,
        {
          details: { table: this.name, index: name },
        },
      );
    return index;
  }

  /** Names of the table's secondary indexes. */
  indexNames(): string[] {
    return [...this.#indexes.keys()];
  }

  /**
   * Rows whose index columns equal `value` (a tuple for composite indexes; a btree also accepts a
   * prefix tuple), ordered by index key then primary key.
   */
  filter(indexName: string, value: unknown): AnyRow[] {
    const index = this.#index(indexName);
    const out: AnyRow[] = [];
    indexEqual(index, value, (key) => out.push(this.find(key)!));
    return out;
  }

  /** Rows whose btree index key lies within the bounds, in index order. */
  range(indexName: string, bounds: RangeBounds): AnyRow[] {
    const index = this.#index(indexName);
    if (index.btree === undefined)
      throw new TickspaceError(
        'INVALID_QUERY',
        `table '${this.name}' index '${indexName}' is a hash index: range queries need a btree index`,
        {
          details: { table: this.name, index: indexName },
        },
      );
    const out: AnyRow[] = [];
    indexRange(index.btree, bounds, (key) => out.push(this.find(key)!));
    return out;
  }

  #requireSpatial(): SpatialRows {
    if (this.#spatialRows === undefined)
      throw new TickspaceError('INVALID_QUERY', `table '${this.name}' has no spatial index`, {
        details: { table: this.name },
      });
    return this.#spatialRows;
  }

  /** Rows with minX <= x <= maxX and minY <= y <= maxY, cell by cell, keys sorted within a cell. */
  withinRect(minX: number, minY: number, maxX: number, maxY: number): AnyRow[] {
    return rowsInRect(this.#requireSpatial(), minX, minY, maxX, maxY);
  }

  /** Rows within distance `radius` of (cx, cy), inclusive. */
  withinRadius(cx: number, cy: number, radius: number): AnyRow[] {
    return rowsInRadius(this.#requireSpatial(), cx, cy, radius);
  }

  // ---- writes -------------------------------------------------------------------------------

  #requireTx(what: string): ChangeOp[] {
    const tx = this.#ctx.tx;
    if (tx === null)
      throw new TickspaceError(
        'READ_ONLY',
        `table '${this.name}': ${what} outside a reducer call; tables change only inside reducers`,
        {
          details: { table: this.name },
        },
      );
    return tx;
  }

  /** Validates and copies a row into the table's canonical shape (column order, f32 rounding). */
  #normalize(input: Record<string, unknown>, fillAutoInc: boolean): Record<string, unknown> {
    return this.#normalizer(input, this.autoInc, fillAutoInc);
  }

  /**
   * Inserts a row. Auto-increment columns left out (or 0) are filled.
   * @throws TickspaceError DUPLICATE_KEY, UNIQUE_VIOLATION, INVALID_ARGUMENT, READ_ONLY
   */
  insert(input: Record<string, unknown>): AnyRow {
    const tx = this.#requireTx('insert');
    const row = this.#normalize(input, true);
    const key = this.keyOf(row);
    if (this.#pos.has(mapKey(key)))
      throw new TickspaceError(
        'DUPLICATE_KEY',
        `table '${this.name}': a row with key ${describeValue(key)} already exists`,
        {
          details: { table: this.name, key },
        },
      );
    if (this.#uniqueList.length > 0) checkUnique(this.name, this.#uniqueList, row, key, undefined);
    const prevAutoInc = this.autoInc;
    const op: ChangeOp = {
      tableId: this.id,
      kind: OP.INSERT,
      oldRow: undefined,
      newRow: row,
      callIndex: this.#ctx.callIndex,
      pos: -1,
      prevAutoInc,
    };
    const write = this.#beginWrite(-1, tx.length, op, false);
    tx.push(op);
    if (this.autoIncColumn >= 0) {
      const v = row[this.columnNames[this.autoIncColumn]!] as number;
      if (v >= this.autoInc) this.autoInc = v + 1;
    }
    this.rawInsert(row);
    write.table = -1;
    return row;
  }

  /**
   * Replaces the row with the same primary key.
   * @throws TickspaceError NOT_FOUND, UNIQUE_VIOLATION, INVALID_ARGUMENT, READ_ONLY
   */
  update(input: Record<string, unknown>): AnyRow {
    const tx = this.#requireTx('update');
    const row = this.#normalize(input, false);
    const key = this.keyOf(row);
    const pos = this.#pos.get(mapKey(key));
    if (pos === undefined)
      throw new TickspaceError(
        'NOT_FOUND',
        `table '${this.name}': no row with key ${describeValue(key)} to update`,
        {
          details: { table: this.name, key },
        },
      );
    const old = this.#rows[pos]!;
    this.def.options.writeGuard?.(key, this.#ctx.tables);
    if (this.#uniqueList.length > 0) checkUnique(this.name, this.#uniqueList, row, key, old);
    const op: ChangeOp = {
      tableId: this.id,
      kind: OP.UPDATE,
      oldRow: old,
      newRow: row,
      callIndex: this.#ctx.callIndex,
      pos: -1,
      prevAutoInc: this.autoInc,
    };
    const write = this.#beginWrite(pos, tx.length, op, false);
    tx.push(op);
    this.#rawUpdateAt(pos, key, old, row);
    write.table = -1;
    return row;
  }

  /** Deletes the row with this key. Returns whether there was one. @throws TickspaceError READ_ONLY */
  delete(key: unknown): boolean {
    const tx = this.#requireTx('delete');
    const pos = this.#pos.get(mapKey(key));
    if (pos === undefined) return false;
    this.def.options.writeGuard?.(key, this.#ctx.tables);
    const old = this.#rows[pos]!;
    const op: ChangeOp = {
      tableId: this.id,
      kind: OP.DELETE,
      oldRow: old,
      newRow: undefined,
      callIndex: this.#ctx.callIndex,
      pos,
      prevAutoInc: this.autoInc,
    };
    const write = this.#beginWrite(pos, tx.length, op, false);
    tx.push(op);
    this.rawDelete(old);
    write.table = -1;
    return true;
  }

  /**
   * Records the write about to happen (see WriteInProgress): the fields first, the table id last,
   * so the record is complete whenever it names a table.
   */
  #beginWrite(pos: number, txLen: number, op: ChangeOp, undoing: boolean): WriteInProgress {
    const ctx = this.#ctx;
    const write = ctx.write;
    const rows = this.#rows;
    const len = rows.length;
    write.len = len;
    write.pos = pos;
    write.atPos = pos >= 0 && pos < len ? rows[pos] : undefined;
    write.last = len > 0 ? rows[len - 1] : undefined;
    write.autoInc = this.autoInc;
    write.h0 = ctx.hash[0]!;
    write.h1 = ctx.hash[1]!;
    write.txLen = txLen;
    write.op = op;
    write.undoing = undoing;
    write.table = this.id;
    return write;
  }

  /**
   * Rolls back the last entry of the change list `tx` (this table's) inside a reducer call: undoes
   * it, then pops it, recorded as a write so that a budget abort in between is repaired exactly.
   */
  undoLast(tx: ChangeOp[]): void {
    const op = tx[tx.length - 1]!;
    const pos = op.kind === OP.DELETE ? op.pos : this.#pos.get(mapKey(this.keyOf(op.newRow!)))!;
    const write = this.#beginWrite(pos, tx.length, op, true);
    this.undo(op);
    tx.pop();
    write.table = -1;
  }

  /**
   * After V8 stopped a tick inside a write of this table (`write.table` is this id): restores the
   * rows, the auto-increment counter, the state hash and the change list `tx` to what they were
   * before the write, and rebuilds the key map, indexes, spatial grid and hash lanes from the rows.
   * Costs a pass over the table; runs only on that rare abort.
   */
  repairWrite(tx: ChangeOp[]): void {
    const write = this.#ctx.write;
    const rows = this.#rows;
    rows.length = write.len;
    if (write.len > 0) rows[write.len - 1] = write.last!;
    if (write.pos >= 0 && write.pos < write.len) rows[write.pos] = write.atPos!;
    this.autoInc = write.autoInc;
    this.#pos.clear();
    for (const index of this.#indexList) clearIndex(index);
    this.spatial?.clear();
    for (let pos = 0; pos < rows.length; pos++) {
      const row = rows[pos]!;
      const key = this.keyOf(row);
      this.#pos.set(mapKey(key), pos);
      this.#indexAdd(row, key);
    }
    this.#lanes.rebuild(rows);
    this.#ctx.hash[0] = write.h0;
    this.#ctx.hash[1] = write.h1;
    if (!write.undoing) tx.length = write.txLen;
    else if (tx.length < write.txLen) tx.push(write.op!);
    write.table = -1;
  }

  // ---- raw operations: no validation, no transaction (engine internals, undo, recovery) ------

  #indexAdd(row: AnyRow, key: unknown): void {
    const list = this.#indexList;
    for (let i = 0; i < list.length; i++) indexAdd(list[i]!, row, key);
    if (this.spatial !== undefined)
      this.spatial.add(key, row[this.spatialX!] as number, row[this.spatialY!] as number);
  }

  #indexRemove(row: AnyRow, key: unknown): void {
    const list = this.#indexList;
    for (let i = 0; i < list.length; i++) indexRemove(list[i]!, row, key);
    if (this.spatial !== undefined)
      this.spatial.remove(key, row[this.spatialX!] as number, row[this.spatialY!] as number);
  }

  /** Appends a row (already normalized) at the end of the dense array. */
  rawInsert(row: AnyRow): void {
    const key = this.keyOf(row);
    const pos = this.#rows.length;
    this.#pos.set(mapKey(key), pos);
    this.#rows.push(row);
    this.#indexAdd(row, key);
    this.#lanes.hashIn(row, pos);
  }

  /** Removes a row by swap-remove; returns the position it had. */
  rawDelete(row: AnyRow): number {
    const key = this.keyOf(row);
    const mk = mapKey(key);
    const pos = this.#pos.get(mk)!;
    const rows = this.#rows;
    this.#lanes.hashOut(pos);
    const last = rows.pop()!;
    this.#lanes.removeAt(pos);
    if (pos < rows.length) {
      rows[pos] = last;
      this.#pos.set(mapKey(this.keyOf(last)), pos);
    }
    this.#pos.delete(mk);
    this.#indexRemove(row, key);
    return pos;
  }

  /** Replaces `old` by `row` (same key) in place, touching only the indexes whose key changed. */
  rawUpdate(old: AnyRow, row: AnyRow): void {
    const key = this.keyOf(row);
    this.#rawUpdateAt(this.#pos.get(mapKey(key))!, key, old, row);
  }

  #rawUpdateAt(pos: number, key: unknown, old: AnyRow, row: AnyRow): void {
    this.#rows[pos] = row;
    const list = this.#indexList;
    for (let i = 0; i < list.length; i++) indexMove(list[i]!, key, old, row);
    if (this.spatial !== undefined) {
      const xs = this.spatialX!;
      const ys = this.spatialY!;
      this.spatial.move(key, old[xs] as number, old[ys] as number, row[xs] as number, row[ys] as number);
    }
    this.#lanes.rehash(row, pos);
  }

  /** Undoes a delete exactly: the row returns to its old position and the swapped row to the end. */
  rawUndoDelete(row: AnyRow, pos: number): void {
    const rows = this.#rows;
    const key = this.keyOf(row);
    if (pos < rows.length) {
      const moved = rows[pos]!;
      this.#pos.set(mapKey(this.keyOf(moved)), rows.length);
      rows.push(moved);
      this.#lanes.pushCopyOf(pos);
      rows[pos] = row;
    } else rows.push(row);
    this.#pos.set(mapKey(key), pos);
    this.#indexAdd(row, key);
    this.#lanes.hashIn(row, pos);
  }

  /** Undoes one change of the open transaction. */
  undo(op: ChangeOp): void {
    if (op.kind === OP.INSERT) {
      this.rawDelete(op.newRow!);
      this.autoInc = op.prevAutoInc;
    } else if (op.kind === OP.UPDATE) this.rawUpdate(op.newRow!, op.oldRow!);
    else this.rawUndoDelete(op.oldRow!, op.pos);
  }

  /** Re-applies a logged change (recovery, time travel) without validation or transaction. */
  redo(op: { kind: number; oldRow: AnyRow | undefined; newRow: AnyRow | undefined }): void {
    if (op.kind === OP.INSERT) {
      this.rawInsert(op.newRow!);
      if (this.autoIncColumn >= 0) {
        const v = op.newRow![this.columnNames[this.autoIncColumn]!] as number;
        if (v >= this.autoInc) this.autoInc = v + 1;
      }
    } else if (op.kind === OP.UPDATE) this.rawUpdate(this.find(this.keyOf(op.newRow!))!, op.newRow!);
    else this.rawDelete(this.find(this.keyOf(op.oldRow!))!);
  }

  /**
   * Whether `def` declares this table exactly as this store was built: the same columns (names,
   * kinds, flags, defaults), key, auto-increment column, indexes and spatial grid. Then the store
   * can go on serving the table under `def` (see redefine); options outside the layout (public,
   * visibility) are read from `def` when used.
   */
  sameLayout(def: TableDef): boolean {
    this.#layoutKey ??= layoutKey(tableLayout(this.name, this.def));
    return layoutKey(tableLayout(this.name, def)) === this.#layoutKey;
  }

  /** Serves the table under a new declaration with the same layout ({@link sameLayout}). */
  redefine(def: TableDef): void {
    this.def = def;
  }

  /**
   * Whether {@link adoptRows} can take `old`'s rows as they are: the same columns (names, kinds,
   * flags) and primary key, so every stored row is already a valid row of this table.
   */
  canAdopt(old: TableStore): boolean {
    return (
      this.name === old.name &&
      sameDeclaration(this.columnNames, old.columnNames) &&
      sameDeclaration(this.columns, old.columns) &&
      sameDeclaration(this.pkColumns, old.pkColumns) &&
      this.#rows.length === 0
    );
  }

  /**
   * Moves every row of `old` (the same table in the module version before a migration, with
   * {@link canAdopt} true) into this empty store without re-inserting them: the row array, the key
   * map, the hash lanes and the auto-increment counter move; so do the indexes and the spatial grid
   * when declared alike, else they are built from the moved rows. The rows' share of the state hash
   * stays counted (re-hashed only when the table's id, which every row hash includes, changed), and
   * `old` is left empty without touching the state hash: it no longer holds those rows.
   */
  adoptRows(old: TableStore): void {
    const rows = old.#rows;
    this.#rows = rows;
    this.#pos = old.#pos;
    this.#lanes.adopt(old.#lanes);
    this.autoInc = old.autoInc;
    if (sameIndexes(this.#indexList, old.#indexList)) {
      this.#indexes = old.#indexes;
      this.#indexList = old.#indexList;
      this.#uniqueList = old.#uniqueList;
    } else
      for (let pos = 0; pos < rows.length; pos++) {
        const list = this.#indexList;
        const row = rows[pos]!;
        const key = this.keyOf(row);
        for (let i = 0; i < list.length; i++) indexAdd(list[i]!, row, key);
      }
    if (this.spatial !== undefined) {
      const grid = old.spatial;
      if (
        grid !== undefined &&
        grid.cellSize === this.spatial.cellSize &&
        old.spatialX === this.spatialX &&
        old.spatialY === this.spatialY
      ) {
        this.spatial = grid;
        this.#spatialRows = { ...this.#spatialRows!, grid };
      } else
        for (let pos = 0; pos < rows.length; pos++) {
          const row = rows[pos]!;
          this.spatial.add(this.keyOf(row), row[this.spatialX!] as number, row[this.spatialY!] as number);
        }
    }
    if (this.id !== old.id)
      for (let pos = 0; pos < rows.length; pos++) {
        this.#lanes.hashOut(pos);
        this.#lanes.hashIn(rows[pos]!, pos);
      }
    old.#rows = [];
    old.#pos = new Map();
    old.#indexes = new Map();
    old.#indexList = [];
    old.#uniqueList = [];
    old.spatial = undefined;
    old.#spatialRows = undefined;
    old.autoInc = 1;
  }

  /** Removes every row (raw; used when loading a snapshot). */
  rawClear(): void {
    for (let pos = 0; pos < this.#rows.length; pos++) this.#lanes.hashOut(pos);
    this.#rows.length = 0;
    this.#lanes.clear();
    this.#pos.clear();
    for (const index of this.#indexList) clearIndex(index);
    this.spatial?.clear();
    this.autoInc = 1;
  }
}
