import type { Database } from '../engine/tooling';
import { compareValues, type ModuleDef } from '../engine';
import { TickspaceError } from '../protocol/errors';
import { parseKey } from './common';

const LOOKUP_PATTERN = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

/** `name=Alice` split into column and value text; undefined for a plain key. */
export function parseLookup(text: string): { column: string; value: string } | undefined {
  const m = LOOKUP_PATTERN.exec(text);
  return m === null ? undefined : { column: m[1]!, value: m[2]! };
}

/**
 * The primary key of the row whose unique `column` holds `valueText`, in the table's newest
 * state: what `tickspace history player name=Alice` follows. A column that is not unique could
 * name many rows, so it is refused, and so is a value no live row holds (a deleted row's history
 * needs its key, which `log --changes` shows).
 * @throws TickspaceError INVALID_ARGUMENT (no such column, not unique, a value of the wrong type), NOT_FOUND
 */
export async function keyByUniqueColumn(
  db: Database<ModuleDef>,
  tableName: string,
  column: string,
  valueText: string,
): Promise<unknown> {
  const table = db.manifest.schema.tables.find((t) => t.name === tableName);
  if (table === undefined)
    throw new TickspaceError('UNKNOWN_TABLE', `no table named '${tableName}' in the newest schema`, {
      details: { table: tableName },
    });
  const col = table.columns.find((c) => c.name === column);
  if (col === undefined)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `table '${tableName}' has no column '${column}' (columns: ${table.columns.map((c) => c.name).join(', ')})`,
      { details: { table: tableName, column } },
    );
  const primaryKey = table.primaryKey ?? table.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const unique =
    col.unique === true ||
    (primaryKey.length === 1 && primaryKey[0] === column) ||
    (table.indexes ?? []).some((i) => i.unique === true && i.columns.length === 1 && i.columns[0] === column);
  if (!unique)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `column '${column}' of '${tableName}' is not unique, so '${column}=${valueText}' may name many rows; name the row by its key (find it with 'tickspace inspect ${tableName} ${column}=${valueText}') or by a unique column`,
      { details: { table: tableName, column } },
    );
  const value = parseKey(valueText, [{ name: column, kind: col.kind, inner: col.inner }]);
  const tick = db.store.lastTick;
  const view = await db.asOf(tick);
  const store = view.tables[tableName]!;
  const row = store.rowsView().find((r) => compareValues(r[column], value) === 0);
  if (row === undefined)
    throw new TickspaceError(
      'NOT_FOUND',
      `no row of '${tableName}' has ${column} = ${valueText} as of tick ${tick} (the newest); a deleted row's history needs its key ('tickspace log --changes' shows it)`,
      { details: { table: tableName, column, tick } },
    );
  return store.keyOf(row);
}
