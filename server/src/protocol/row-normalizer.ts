import { checkSource, normalizeSource, shapePredicate, type ValueShape } from './column-kinds';
import { TickspaceError } from './errors';
import { checkValue, describeValue } from './value-rules';

/** Validates a row against a table's columns and returns a fresh object in canonical column order. */
export type RowNormalizer = (
  input: Record<string, unknown>,
  autoInc: number,
  fillAutoInc: boolean,
) => Record<string, unknown>;

/**
 * Compiles the row validator of one table once, as straight-line code: one typed check per
 * column and an object literal with a stable shape, so the hot write path allocates one object
 * and never loops over column descriptors.
 */
export function compileRowNormalizer(
  table: string,
  names: readonly string[],
  columns: readonly ValueShape[],
  autoIncColumn: number,
): RowNormalizer {
  const fail = (i: number, value: unknown): never => {
    const name = names[i]!;
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `table '${table}' column '${name}': ${checkValue(columns[i]!, value) ?? 'invalid value'}`,
      {
        details: { table, column: name, value },
      },
    );
  };
  const badRow = (input: unknown): never => {
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `table '${table}': a row must be an object, got ${describeValue(input)}`,
      { details: { table } },
    );
  };
  const unknownColumn = (input: Record<string, unknown>): never => {
    const key = Object.keys(input).find((k) => !names.includes(k))!;
    throw new TickspaceError('INVALID_ARGUMENT', `table '${table}': unknown column '${key}'`, {
      details: { table, column: key },
    });
  };
  // Kinds without a check expression (identity: its pattern is one shared RegExp) call their predicate.
  const predicates = columns.map(shapePredicate);
  const lines: string[] = [];
  lines.push(`if (input === null || typeof input !== 'object') badRow(input);`);
  lines.push(`let v; let present = 0;`);
  for (let i = 0; i < names.length; i++) {
    const prop = JSON.stringify(names[i]);
    lines.push(`v = input[${prop}];`);
    lines.push(`if (v !== undefined || ${prop} in input) present++;`);
    if (i === autoIncColumn) lines.push(`if (fill && (v === undefined || v === 0)) v = autoInc;`);
    const check = checkSource(columns[i]!, 'v') ?? `predicates[${i}](v)`;
    lines.push(`if (!${check}) fail(${i}, v);`);
    const normalized = normalizeSource(columns[i]!, 'v');
    if (normalized !== undefined) lines.push(`v = ${normalized};`);
    lines.push(`const c${i} = v;`);
  }
  // A key-count check catches extra properties without a for-in on the hot path.
  lines.push(`if (countKeys(input) > present) unknownColumn(input);`);
  lines.push(`return { ${names.map((n, i) => `${JSON.stringify(n)}: c${i}`).join(', ')} };`);
  const factory = new Function(
    'badRow',
    'fail',
    'unknownColumn',
    'predicates',
    'countKeys',
    `return function normalizeRow(input, autoInc, fill) {\n${lines.join('\n')}\n};`,
  );
  return factory(badRow, fail, unknownColumn, predicates, countKeys) as RowNormalizer;
}

function countKeys(input: Record<string, unknown>): number {
  let n = 0;
  for (const _ in input) n++;
  return n;
}
