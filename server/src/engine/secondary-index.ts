import { TickspaceError } from '../protocol/errors';
import type { AnyRow } from './change-set';
import type { IndexKind } from './schema';
import { SortedList, sortedInsert, sortedRemove } from './sorted-list';
import { sameDeclaration } from './table-layout';
import { compareTuples, compareValues, describeValue, mapKey } from './values';

/** Bounds for a btree range query. Tuples bound composite indexes by prefix. */
export interface RangeBounds {
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
}

interface BtreeEntry {
  readonly k: unknown;
  readonly p: unknown;
}

/** Reads a key (one column's value, or a tuple of several) out of a row. */
export type KeyReader = (row: AnyRow) => unknown;

/**
 * Compiles the key reader of one table's key or index once: `row => row["id"]`, or a tuple
 * literal for several columns. A property load with a literal name stays monomorphic per table,
 * where `row[names[i]]` in shared code sees every table's row shape and goes megamorphic.
 */
export function compileKeyReader(names: readonly string[], columns: readonly number[]): KeyReader {
  const reads = columns.map((i) => `row[${JSON.stringify(names[i])}]`);
  const body = columns.length === 1 ? `return ${reads[0]};` : `return [${reads.join(', ')}];`;
  return new Function('row', body) as KeyReader;
}

/**
 * One secondary index of a table: a hash index (buckets of primary keys, sorted) or a btree
 * (entries ordered by index key then primary key), plus a value-to-key map if it is unique.
 */
export interface SecondaryIndex {
  readonly name: string;
  readonly keyOf: KeyReader;
  readonly kind: IndexKind;
  readonly columns: readonly number[];
  readonly unique: boolean;
  readonly hash: Map<unknown, unknown[]> | undefined;
  readonly btree: SortedList<BtreeEntry> | undefined;
  readonly uniqueMap: Map<unknown, unknown> | undefined;
}

const compareEntries = (a: BtreeEntry, b: BtreeEntry): number =>
  compareValues(a.k, b.k) || compareValues(a.p, b.p);

function compareBound(entryKey: unknown, bound: unknown): number {
  if (Array.isArray(bound) && Array.isArray(entryKey))
    return compareTuples(entryKey.length > bound.length ? entryKey.slice(0, bound.length) : entryKey, bound);
  return compareValues(entryKey, bound);
}

/** An empty index over `columns` (positions in `columnNames`). */
export function createIndex(
  columnNames: readonly string[],
  name: string,
  columns: readonly number[],
  kind: IndexKind,
  unique: boolean,
): SecondaryIndex {
  return {
    name,
    keyOf: compileKeyReader(columnNames, columns),
    kind,
    columns,
    unique,
    hash: kind === 'hash' ? new Map() : undefined,
    btree: kind === 'btree' ? new SortedList(compareEntries) : undefined,
    uniqueMap: unique ? new Map() : undefined,
  };
}

/** Adds the row with primary key `key` to the index. */
export function indexAdd(index: SecondaryIndex, row: AnyRow, key: unknown): void {
  const value = index.keyOf(row);
  if (index.uniqueMap !== undefined) index.uniqueMap.set(mapKey(value), key);
  if (index.hash !== undefined) {
    const mk = mapKey(value);
    let bucket = index.hash.get(mk);
    if (bucket === undefined) index.hash.set(mk, (bucket = []));
    sortedInsert(bucket, key, compareValues);
  } else index.btree!.add({ k: value, p: key });
}

/** Removes the row with primary key `key` from the index. */
export function indexRemove(index: SecondaryIndex, row: AnyRow, key: unknown): void {
  const value = index.keyOf(row);
  if (index.uniqueMap !== undefined) index.uniqueMap.delete(mapKey(value));
  if (index.hash !== undefined) {
    const mk = mapKey(value);
    const bucket = index.hash.get(mk);
    if (bucket !== undefined) {
      sortedRemove(bucket, key, compareValues);
      if (bucket.length === 0) index.hash.delete(mk);
    }
  } else index.btree!.delete({ k: value, p: key });
}

/** Moves the row with primary key `key` from `old`'s index key to `row`'s; nothing if they are equal. */
export function indexMove(index: SecondaryIndex, key: unknown, old: AnyRow, row: AnyRow): void {
  const before = index.keyOf(old);
  const after = index.keyOf(row);
  if (compareValues(before, after) === 0) return;
  if (index.uniqueMap !== undefined) {
    index.uniqueMap.delete(mapKey(before));
    index.uniqueMap.set(mapKey(after), key);
  }
  if (index.hash !== undefined) {
    const mb = mapKey(before);
    const bucket = index.hash.get(mb);
    if (bucket !== undefined) {
      sortedRemove(bucket, key, compareValues);
      if (bucket.length === 0) index.hash.delete(mb);
    }
    const ma = mapKey(after);
    let nb = index.hash.get(ma);
    if (nb === undefined) index.hash.set(ma, (nb = []));
    sortedInsert(nb, key, compareValues);
  } else {
    index.btree!.delete({ k: before, p: key });
    index.btree!.add({ k: after, p: key });
  }
}

/** Empties the index. */
export function clearIndex(index: SecondaryIndex): void {
  index.hash?.clear();
  index.btree?.clear();
  index.uniqueMap?.clear();
}

/**
 * The primary keys whose index key equals `value` (a btree also accepts a prefix tuple), ordered
 * by index key then primary key.
 */
export function indexEqual(index: SecondaryIndex, value: unknown, visit: (key: unknown) => void): void {
  if (index.hash !== undefined) {
    const bucket = index.hash.get(mapKey(value));
    if (bucket !== undefined) for (let i = 0; i < bucket.length; i++) visit(bucket[i]);
    return;
  }
  const start = (e: BtreeEntry) => compareBound(e.k, value);
  index.btree!.scan(start, (e) => {
    if (compareBound(e.k, value) !== 0) return false;
    visit(e.p);
    return true;
  });
}

/** The primary keys whose btree index key lies within the bounds, in index order. */
export function indexRange(
  btree: SortedList<BtreeEntry>,
  bounds: RangeBounds,
  visit: (key: unknown) => void,
): void {
  let start: ((e: BtreeEntry) => number) | undefined;
  if (bounds.gte !== undefined) start = (e) => compareBound(e.k, bounds.gte);
  else if (bounds.gt !== undefined) start = (e) => (compareBound(e.k, bounds.gt) <= 0 ? -1 : 1);
  btree.scan(start, (e) => {
    if (bounds.lt !== undefined && compareBound(e.k, bounds.lt) >= 0) return false;
    if (bounds.lte !== undefined && compareBound(e.k, bounds.lte) > 0) return false;
    visit(e.p);
    return true;
  });
}

/**
 * Refuses a row whose value in a unique index another row (not the one with key `key` being
 * updated from `old`) already holds.
 * @throws TickspaceError UNIQUE_VIOLATION naming the table, index, value and the holder's key
 */
export function checkUnique(
  table: string,
  list: readonly SecondaryIndex[],
  row: AnyRow,
  key: unknown,
  old: AnyRow | undefined,
): void {
  for (let i = 0; i < list.length; i++) {
    const index = list[i]!;
    const value = index.keyOf(row);
    const holder = index.uniqueMap!.get(mapKey(value));
    if (holder !== undefined && (old === undefined || compareValues(holder, key) !== 0))
      throw new TickspaceError(
        'UNIQUE_VIOLATION',
        `table '${table}' ${index.columns.length > 1 ? 'index' : 'column'} '${index.name}': value ${describeValue(value)} already exists (row key ${describeValue(holder)})`,
        { details: { table, column: index.name, value, existingKey: holder } },
      );
  }
}

/** Whether two index lists are declared alike (so one table's index contents serve the other). */
export function sameIndexes(a: readonly SecondaryIndex[], b: readonly SecondaryIndex[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.name !== y.name ||
      x.kind !== y.kind ||
      x.unique !== y.unique ||
      !sameDeclaration(x.columns, y.columns)
    )
      return false;
  }
  return true;
}
