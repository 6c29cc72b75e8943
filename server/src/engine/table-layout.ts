import { isSmallInteger, isSpatialKind } from '../protocol/column-kinds';
import { TickspaceError } from '../protocol/errors';
import type { AnyColumn, IndexKind, TableDef } from './schema';

/** A secondary index as declared, its columns resolved to positions. */
export interface IndexLayout {
  readonly name: string;
  readonly columns: number[];
  readonly kind: IndexKind;
  readonly unique: boolean;
}

/** A table definition checked and resolved to column positions: what a table store is built from. */
export interface TableLayout {
  readonly columnNames: readonly string[];
  readonly columns: readonly AnyColumn[];
  readonly pkColumns: readonly number[];
  /** The auto-increment column's position, or -1. */
  readonly autoIncColumn: number;
  /** Column indexes first (in column order), then the table's declared indexes. */
  readonly indexes: readonly IndexLayout[];
  readonly spatial: { readonly x: string; readonly y: string; readonly cellSize: number } | undefined;
}

/**
 * Checks a table definition: exactly one primary key (a column flag or `options.primaryKey`), at
 * most one small-integer auto-increment column, an inner type for every optional column, index
 * columns that exist and index names that are unique, 32-bit spatial columns, a declared
 * visibility's identity and bool columns.
 * @throws TickspaceError INVALID_SCHEMA naming the table and what is wrong
 */
export function tableLayout(name: string, def: TableDef): TableLayout {
  const names = Object.keys(def.columns);
  const columns = names.map((n) => def.columns[n]!);
  const invalid = (why: string) =>
    new TickspaceError('INVALID_SCHEMA', `table '${name}': ${why}`, { details: { table: name } });
  const colIndex = (col: string, what: string) => {
    const i = names.indexOf(col);
    if (i < 0) throw invalid(`${what} names unknown column '${col}'`);
    return i;
  };
  const flagged = names.flatMap((n, i) => (columns[i]!.flags.primaryKey ? [i] : []));
  let pkColumns: number[];
  if (def.options.primaryKey !== undefined) {
    if (flagged.length > 0) throw invalid('declares both a column primary key and options.primaryKey');
    if (def.options.primaryKey.length === 0) throw invalid('options.primaryKey is empty');
    pkColumns = def.options.primaryKey.map((c) => colIndex(c, 'primaryKey'));
  } else {
    if (flagged.length !== 1) throw invalid(`needs exactly one primary key column, found ${flagged.length}`);
    pkColumns = flagged;
  }
  const autoInc = names.flatMap((n, i) => (columns[i]!.flags.autoInc ? [i] : []));
  if (autoInc.length > 1) throw invalid('more than one autoInc column');
  const autoIncColumn = autoInc[0] ?? -1;
  if (autoIncColumn >= 0) {
    const kind = columns[autoIncColumn]!.kind;
    if (!isSmallInteger(kind))
      throw invalid(
        `autoInc column '${names[autoIncColumn]}' must be a 32-bit or smaller integer, not ${kind}`,
      );
  }
  const indexes: IndexLayout[] = [];
  const addIndex = (index: IndexLayout) => {
    if (indexes.some((i) => i.name === index.name)) throw invalid(`duplicate index name '${index.name}'`);
    indexes.push(index);
  };
  for (let i = 0; i < names.length; i++) {
    const col = columns[i]!;
    if (col.kind === 'optional' && col.inner === undefined)
      throw invalid(`optional column '${names[i]}' lacks an inner type`);
    if (col.flags.unique || col.flags.index !== undefined)
      addIndex({ name: names[i]!, columns: [i], kind: col.flags.index ?? 'hash', unique: col.flags.unique });
  }
  for (const decl of def.options.indexes ?? []) {
    if (decl.columns.length === 0) throw invalid(`index '${decl.name}' has no columns`);
    addIndex({
      name: decl.name,
      columns: decl.columns.map((c) => colIndex(c, `index '${decl.name}'`)),
      kind: decl.kind ?? 'btree',
      unique: decl.unique ?? false,
    });
  }
  const sp = def.options.spatial;
  if (sp !== undefined)
    for (const c of [sp.x, sp.y]) {
      const kind = columns[colIndex(c, 'spatial')]!.kind;
      if (!isSpatialKind(kind))
        throw invalid(`spatial column '${c}' must be a 32-bit integer or float, not ${kind}`);
    }
  const vis = def.options.visibility;
  if (vis !== undefined && typeof vis !== 'function') {
    if (typeof vis !== 'object' || vis === null || !Array.isArray(vis.to) || vis.to.length === 0)
      throw invalid(
        "visibility is a function (row, viewer) => boolean or { to: ['<identity column>', ...], everyoneWhen?: '<bool column>' }",
      );
    for (const c of vis.to) {
      const kind = columns[colIndex(c, 'visibility.to')]!.kind;
      if (kind !== 'identity') throw invalid(`visibility.to column '${c}' must be an identity, not ${kind}`);
    }
    if (vis.everyoneWhen !== undefined) {
      const kind = columns[colIndex(vis.everyoneWhen, 'visibility.everyoneWhen')]!.kind;
      if (kind !== 'bool')
        throw invalid(`visibility.everyoneWhen column '${vis.everyoneWhen}' must be a bool, not ${kind}`);
    }
  }
  return { columnNames: names, columns, pkColumns, autoIncColumn, indexes, spatial: sp };
}

/** Structural equality of declarations (column defaults may be bigints, which JSON cannot spell). */
export const sameDeclaration = (a: unknown, b: unknown): boolean =>
  JSON.stringify(a, bigints) === JSON.stringify(b, bigints);

/** A layout as text, so that two declarations of one table compare by their resolved layout. */
export const layoutKey = (layout: TableLayout): string => JSON.stringify(layout, bigints);

const bigints = (_key: string, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value);
