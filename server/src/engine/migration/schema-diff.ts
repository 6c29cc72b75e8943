import type { ColumnShape } from '../../protocol/column-kinds';
import type {
  ColumnDescription,
  ReducerDescription,
  SchemaDescription,
  TableDescription,
} from '../log/schema-manifest';

/** What one difference between two schema versions is about. */
export const SCHEMA_CHANGE = {
  TABLE_ADDED: 'table-added',
  TABLE_REMOVED: 'table-removed',
  MADE_PUBLIC: 'made-public',
  MADE_PRIVATE: 'made-private',
  COLUMN_ADDED: 'column-added',
  COLUMN_REMOVED: 'column-removed',
  COLUMN_TYPE_CHANGED: 'column-type-changed',
  COLUMN_MOVED: 'column-moved',
  PRIMARY_KEY_CHANGED: 'primary-key-changed',
  AUTO_INC_CHANGED: 'auto-inc-changed',
  UNIQUE_ADDED: 'unique-added',
  UNIQUE_REMOVED: 'unique-removed',
  INDEX_ADDED: 'index-added',
  INDEX_REMOVED: 'index-removed',
  SPATIAL_CHANGED: 'spatial-changed',
  DEFAULT_CHANGED: 'default-changed',
  REDUCER_ADDED: 'reducer-added',
  REDUCER_REMOVED: 'reducer-removed',
  REDUCER_ARGS_CHANGED: 'reducer-args-changed',
} as const;
/** One of {@link SCHEMA_CHANGE}. */
export type SchemaChange = (typeof SCHEMA_CHANGE)[keyof typeof SCHEMA_CHANGE];

/** One difference between a stored schema and a module's. */
export interface SchemaDifference {
  /** The table concerned; undefined for a reducer difference. */
  readonly table: string | undefined;
  readonly column?: string | undefined;
  readonly reducer?: string | undefined;
  readonly change: SchemaChange;
  /**
   * True when the engine can migrate it by itself: stored rows keep their meaning and every new
   * value has a default. False when the module must declare a migration for the new version.
   */
  readonly additive: boolean;
  /** What changed, in a sentence (`column 'hp' is u32 in the module, was u16`). */
  readonly what: string;
  /** What would make the migration work. */
  readonly howToFix: string;
}

function shapeText(c: ColumnShape | ColumnDescription): string {
  return c.kind === 'optional' && c.inner !== undefined ? `optional<${shapeText(c.inner)}>` : c.kind;
}

/** The primary key of a table description, as column names in key order. */
export function primaryKeyOf(t: TableDescription): readonly string[] {
  return t.primaryKey ?? t.columns.filter((c) => c.primaryKey).map((c) => c.name);
}

/** Unique constraints of a table as sorted column lists (single-column `.unique()` and unique indexes). */
function uniqueSets(t: TableDescription): Set<string> {
  const out = new Set<string>();
  for (const c of t.columns) if (c.unique === true) out.add(c.name);
  for (const i of t.indexes ?? []) if (i.unique === true) out.add([...i.columns].sort().join(','));
  return out;
}

function indexSet(t: TableDescription): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of t.columns) if (c.index !== undefined) out.set(`column ${c.name}`, `${c.index}(${c.name})`);
  for (const i of t.indexes ?? [])
    out.set(`index ${i.name}`, `${i.kind ?? 'btree'}(${i.columns.join(',')})${i.unique ? ' unique' : ''}`);
  return out;
}

function columnsText(list: readonly ColumnShape[]): string {
  return list.map((c) => `${c.name}:${shapeText(c)}`).join(', ');
}

function defaultText(c: ColumnDescription): string {
  return c.default === undefined ? 'none' : JSON.stringify(c.default.json);
}

/**
 * Whether a module declares how to fill a column it appends: a `.default(...)` or an optional column
 * (whose default is none).
 */
function hasDefault(c: ColumnDescription): boolean {
  return c.default !== undefined || c.kind === 'optional';
}

function diffTable(
  before: TableDescription,
  after: TableDescription,
  out: SchemaDifference[],
  migrationHint: string,
): void {
  const table = after.name;
  const add = (d: Omit<SchemaDifference, 'table'>) => out.push({ table, ...d });
  if (before.public !== after.public)
    add(
      after.public
        ? {
            change: SCHEMA_CHANGE.MADE_PUBLIC,
            additive: true,
            what: `table '${table}' becomes public`,
            howToFix: 'nothing: clients may subscribe to it from the migration on',
          }
        : {
            change: SCHEMA_CHANGE.MADE_PRIVATE,
            additive: false,
            what: `table '${table}' becomes private (clients that subscribed to it lose it)`,
            howToFix: `${migrationHint} to accept it, or keep the table public`,
          },
    );
  const old = new Map(before.columns.map((c, i) => [c.name, { c, i }]));
  const kept = after.columns.filter((c) => old.has(c.name));
  for (const [i, c] of after.columns.entries()) {
    const prev = old.get(c.name);
    if (prev === undefined) {
      // Appended: every column from here on is new, so stored columns keep their positions.
      const appended = after.columns.slice(i).every((x) => !old.has(x.name));
      const fill = hasDefault(c);
      add({
        column: c.name,
        change: SCHEMA_CHANGE.COLUMN_ADDED,
        additive: fill && appended,
        what: `column '${c.name}' (${shapeText(c)}) is new${appended ? '' : ', and not appended after the existing columns'}${fill ? '' : ', without a default'}`,
        howToFix: !fill
          ? `declare a default (t.${shapeText(c)}().default(...)), make it t.optional(...), or ${migrationHint} that fills it`
          : `append it after the existing columns, or ${migrationHint}`,
      });
      continue;
    }
    if (shapeText(prev.c) !== shapeText(c))
      add({
        column: c.name,
        change: SCHEMA_CHANGE.COLUMN_TYPE_CHANGED,
        additive: false,
        what: `column '${c.name}' is ${shapeText(c)} in the module, ${shapeText(prev.c)} in the stored schema`,
        howToFix: `${migrationHint} that converts the old value, or keep ${shapeText(prev.c)}`,
      });
    if (defaultText(prev.c) !== defaultText(c))
      add({
        column: c.name,
        change: SCHEMA_CHANGE.DEFAULT_CHANGED,
        additive: true,
        what: `column '${c.name}' default is ${defaultText(c)}, was ${defaultText(prev.c)}`,
        howToFix: 'nothing: defaults only fill rows that predate a column',
      });
  }
  for (const c of before.columns)
    if (!after.columns.some((x) => x.name === c.name))
      add({
        column: c.name,
        change: SCHEMA_CHANGE.COLUMN_REMOVED,
        additive: false,
        what: `column '${c.name}' (${shapeText(c)}) is gone from the module (removed or renamed): its stored values would be lost`,
        howToFix: `${migrationHint} (it may carry the values into a renamed column), or keep the column`,
      });
  const order = before.columns.filter((c) => after.columns.some((x) => x.name === c.name)).map((c) => c.name);
  if (order.join(',') !== kept.map((c) => c.name).join(','))
    add({
      change: SCHEMA_CHANGE.COLUMN_MOVED,
      additive: false,
      what: `columns are in the order [${kept.map((c) => c.name).join(', ')}], stored [${order.join(', ')}]`,
      howToFix: `keep the stored order and append new columns, or ${migrationHint}`,
    });
  const pkA = primaryKeyOf(before).join(',');
  const pkB = primaryKeyOf(after).join(',');
  if (pkA !== pkB)
    add({
      change: SCHEMA_CHANGE.PRIMARY_KEY_CHANGED,
      additive: false,
      what: `the primary key is (${pkB}), stored (${pkA}): stored rows may collide under it`,
      howToFix: `${migrationHint} that makes the new key unique, or keep (${pkA})`,
    });
  const autoA = before.columns
    .filter((c) => c.autoInc)
    .map((c) => c.name)
    .join(',');
  const autoB = after.columns
    .filter((c) => c.autoInc)
    .map((c) => c.name)
    .join(',');
  if (autoA !== autoB)
    add({
      change: SCHEMA_CHANGE.AUTO_INC_CHANGED,
      additive: false,
      what: `the auto-increment column is '${autoB || 'none'}', stored '${autoA || 'none'}'`,
      howToFix: `${migrationHint}, or keep '${autoA || 'none'}'`,
    });
  const uA = uniqueSets(before);
  const uB = uniqueSets(after);
  for (const u of uB)
    if (!uA.has(u))
      add({
        column: u.includes(',') ? undefined : u,
        change: SCHEMA_CHANGE.UNIQUE_ADDED,
        additive: false,
        what: `a unique constraint on (${u}) is new: stored rows may already share values`,
        howToFix: `${migrationHint} that makes the values unique, or drop the constraint`,
      });
  for (const u of uA)
    if (!uB.has(u))
      add({
        column: u.includes(',') ? undefined : u,
        change: SCHEMA_CHANGE.UNIQUE_REMOVED,
        additive: true,
        what: `the unique constraint on (${u}) is removed`,
        howToFix: 'nothing: every stored row still fits',
      });
  const iA = indexSet(before);
  const iB = indexSet(after);
  for (const [k, v] of iB)
    if (iA.get(k) !== v)
      add({
        change: SCHEMA_CHANGE.INDEX_ADDED,
        additive: true,
        what: `${k} ${v} is new${iA.has(k) ? ` (was ${iA.get(k)})` : ''}`,
        howToFix: 'nothing: indexes are rebuilt from the rows',
      });
  for (const [k, v] of iA)
    if (!iB.has(k))
      add({
        change: SCHEMA_CHANGE.INDEX_REMOVED,
        additive: true,
        what: `${k} ${v} is removed`,
        howToFix: 'nothing: indexes are rebuilt from the rows',
      });
  if (JSON.stringify(before.spatial ?? null) !== JSON.stringify(after.spatial ?? null))
    add({
      change: SCHEMA_CHANGE.SPATIAL_CHANGED,
      additive: true,
      what: `the spatial index is ${JSON.stringify(after.spatial ?? 'none')}, was ${JSON.stringify(before.spatial ?? 'none')}`,
      howToFix: 'nothing: the grid is rebuilt from the rows',
    });
}

function diffReducer(before: ReducerDescription, after: ReducerDescription, out: SchemaDifference[]): void {
  if (columnsText(before.args) !== columnsText(after.args) || before.internal !== after.internal)
    out.push({
      table: undefined,
      reducer: after.name,
      change: SCHEMA_CHANGE.REDUCER_ARGS_CHANGED,
      additive: true,
      what: `reducer '${after.name}' takes (${columnsText(after.args)})${after.internal ? ' internal' : ''}, was (${columnsText(before.args)})${before.internal ? ' internal' : ''}`,
      howToFix: 'nothing: calls logged before the migration decode with the old arguments',
    });
}

/**
 * The differences between a stored schema and a module's, in a stable order (tables in the
 * module's order, then removed tables, then reducers). Pure: used by start-up, by runtime publish
 * and by the CLI alike. Reducers only the stored schema knows are not a difference (their logged
 * calls keep decoding).
 *
 * @param toVersion the schema version a migration would create, named in `howToFix`
 * @example
 * const diffs = diffSchemas(manifest.schema, describeModule(module));
 * diffs.filter((d) => !d.additive); // -> what needs a migration function
 */
export function diffSchemas(
  before: SchemaDescription,
  after: SchemaDescription,
  toVersion?: number,
): SchemaDifference[] {
  const hint =
    toVersion === undefined
      ? 'declare a migration for the new version'
      : `declare migrations: { ${toVersion}: (m) => ... } in defineModule`;
  const out: SchemaDifference[] = [];
  const old = new Map(before.tables.map((t) => [t.name, t]));
  for (const t of after.tables) {
    const prev = old.get(t.name);
    if (prev === undefined)
      out.push({
        table: t.name,
        change: SCHEMA_CHANGE.TABLE_ADDED,
        additive: true,
        what: `table '${t.name}' is new`,
        howToFix: 'nothing: it starts empty',
      });
    else diffTable(prev, t, out, hint);
  }
  for (const t of before.tables)
    if (!after.tables.some((x) => x.name === t.name))
      out.push({
        table: t.name,
        change: SCHEMA_CHANGE.TABLE_REMOVED,
        additive: false,
        what: `table '${t.name}' is gone from the module: its ${t.columns.length}-column rows would be lost`,
        howToFix: `${hint} that calls m.dropTable('${t.name}'), or keep the table`,
      });
  const reducers = new Map(before.reducers.map((r) => [r.name, r]));
  for (const r of after.reducers) {
    const prev = reducers.get(r.name);
    if (prev === undefined)
      out.push({
        table: undefined,
        reducer: r.name,
        change: SCHEMA_CHANGE.REDUCER_ADDED,
        additive: true,
        what: `reducer '${r.name}' is new`,
        howToFix: 'nothing',
      });
    else diffReducer(prev, r, out);
  }
  return out;
}

/** The differences as an indented list, one per line (`- player.hp: ...; fix: ...`). */
export function formatDifferences(diffs: readonly SchemaDifference[]): string {
  return diffs
    .map((d) => {
      const where =
        d.reducer !== undefined
          ? `reducer ${d.reducer}`
          : `${d.table}${d.column === undefined ? '' : `.${d.column}`}`;
      return `  - ${where} [${d.change}${d.additive ? ', additive' : ''}]: ${d.what}; to make it work: ${d.howToFix}`;
    })
    .join('\n');
}
