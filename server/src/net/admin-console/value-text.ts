import { parseShapeText, type ColumnShape } from '../../protocol/column-kinds';
import type { QueryParams } from './query-params';

/** A column value as JSON can carry it: bigints as decimal text, bytes as hex, none as null. */
export function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value === undefined) return null;
  return value;
}

/** A row with every value made JSON-safe. */
export function jsonRow(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(row)) out[name] = jsonValue(row[name]);
  return out;
}

/** A value as the text `parseShapeText` reads back (what a filter or a key is written in). */
function valueText(value: unknown): string {
  if (value === undefined) return 'none';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return String(value);
}

/**
 * A row's primary key as text: the one key column's value, or for a composite key a JSON array
 * of the values' texts. `/admin/history?key=` reads it back with {@link parseKeyText}.
 */
export function keyText(row: Readonly<Record<string, unknown>>, primaryKey: readonly string[]): string {
  if (primaryKey.length === 1) return valueText(row[primaryKey[0]!]);
  return JSON.stringify(primaryKey.map((name) => valueText(row[name])));
}

/** A value of column `shape` from text, or the parameter's error naming what it should be. */
function parseColumnText(params: QueryParams, parameter: string, shape: ColumnShape, text: string): unknown {
  const parsed = parseShapeText(shape, text);
  if (parsed.ok) return parsed.value;
  throw params.error(
    parameter,
    `names column '${shape.name}', which expects ${parsed.expects}, got ${JSON.stringify(text)}`,
  );
}

/**
 * A primary key from {@link keyText}'s text: one value, or a JSON array for a composite key.
 * @throws TickspaceError INVALID_ARGUMENT naming `parameter`
 */
export function parseKeyText(
  params: QueryParams,
  parameter: string,
  text: string,
  shapes: readonly ColumnShape[],
): unknown {
  if (shapes.length === 1) return parseColumnText(params, parameter, shapes[0]!, text);
  let parts: unknown;
  try {
    parts = JSON.parse(text);
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== shapes.length)
    throw params.error(
      parameter,
      `must be a JSON array of ${shapes.length} values (${shapes.map((s) => s.name).join(', ')}), got ${JSON.stringify(text)}`,
    );
  return parts.map((p, i) => parseColumnText(params, parameter, shapes[i]!, String(p)));
}

/** One row filter: a column equal to a value, or whose text contains a string (any case). */
export interface RowFilter {
  readonly column: string;
  readonly test: (value: unknown) => boolean;
}

/**
 * Parses `?filter=` values: `column=value` (equal, the value read as the column's type) or
 * `column~text` (the value's text contains `text`, case-insensitive).
 * @throws TickspaceError INVALID_ARGUMENT naming the filter and the column
 */
export function parseFilters(params: QueryParams, columns: readonly ColumnShape[]): RowFilter[] {
  return params.all('filter').map((text) => {
    const m = /^([A-Za-z_$][\w$]*)(=|~)([\s\S]*)$/.exec(text);
    if (m === null)
      throw params.error('filter', `must be 'column=value' or 'column~text', got ${JSON.stringify(text)}`);
    const [, column, op, operand] = m as unknown as [string, string, string, string];
    const shape = columns.find((c) => c.name === column);
    if (shape === undefined)
      throw params.error(
        'filter',
        `names no column '${column}' (columns: ${columns.map((c) => c.name).join(', ')})`,
      );
    if (op === '~') {
      const needle = operand.toLowerCase();
      return { column, test: (v: unknown) => valueText(v).toLowerCase().includes(needle) };
    }
    const want = valueText(parseColumnText(params, 'filter', shape, operand));
    return { column, test: (v: unknown) => valueText(v) === want };
  });
}
