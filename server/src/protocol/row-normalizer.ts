import {
  F32_MAX,
  I64_MAX,
  I64_MIN,
  IDENTITY_PATTERN,
  INTEGER_RANGES,
  U64_MAX,
  type ValueShape,
} from './column-kinds';
import { TickspaceError } from './errors';
import { checkValue, describeValue, normalizeValue } from './value-rules';

/** Validates a row against a table's columns and returns a fresh object in canonical column order. */
export type RowNormalizer = (
  input: Record<string, unknown>,
  autoInc: number,
  fillAutoInc: boolean,
) => Record<string, unknown>;

const IDENTITY = IDENTITY_PATTERN;

/** A boolean JavaScript expression over `v` that is true when `v` fits the column, or undefined for the generic path. */
function fastCheck(column: ValueShape): string | undefined {
  switch (column.kind) {
    case 'u8':
      return `(typeof v === 'number' && (v & 0xff) === v)`;
    case 'u16':
      return `(typeof v === 'number' && (v & 0xffff) === v)`;
    case 'u32':
      return `(typeof v === 'number' && (v >>> 0) === v)`;
    case 'i8':
      return `(typeof v === 'number' && ((v << 24) >> 24) === v)`;
    case 'i16':
      return `(typeof v === 'number' && ((v << 16) >> 16) === v)`;
    case 'i32':
      return `(typeof v === 'number' && (v | 0) === v)`;
    case 'u64':
      return `(typeof v === 'bigint' && v >= 0n && v <= U64_MAX)`;
    case 'i64':
      return `(typeof v === 'bigint' && v >= I64_MIN && v <= I64_MAX)`;
    case 'f32':
      return `(typeof v === 'number' && v <= F32_MAX && v >= -F32_MAX)`;
    case 'f64':
      return `(typeof v === 'number' && v - v === 0)`;
    case 'bool':
      return `(typeof v === 'boolean')`;
    case 'string':
      return `(typeof v === 'string')`;
    case 'identity':
      return `(typeof v === 'string' && v.length === 32 && IDENTITY.test(v))`;
    default:
      return undefined;
  }
}

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
  const generic = columns.map((c) => (value: unknown) => checkValue(c, value) === undefined);
  const normalize = columns.map((c) => (value: unknown) => normalizeValue(c, value));
  const lines: string[] = [];
  lines.push(`if (input === null || typeof input !== 'object') badRow(input);`);
  lines.push(`let v; let present = 0;`);
  for (let i = 0; i < names.length; i++) {
    const prop = JSON.stringify(names[i]);
    lines.push(`v = input[${prop}];`);
    lines.push(`if (v !== undefined || ${prop} in input) present++;`);
    if (i === autoIncColumn) lines.push(`if (fill && (v === undefined || v === 0)) v = autoInc;`);
    const check = fastCheck(columns[i]!);
    lines.push(
      check !== undefined ? `if (!${check}) fail(${i}, v);` : `if (!generic[${i}](v)) fail(${i}, v);`,
    );
    if (columns[i]!.kind === 'f32') lines.push(`v = Math.fround(v);`);
    // -0 passes every integer check but the wire and the log carry it as 0: store what a replay reads.
    else if (INTEGER_RANGES[columns[i]!.kind] !== undefined) lines.push(`v = v + 0;`);
    else if (columns[i]!.kind === 'optional') lines.push(`v = normalize[${i}](v);`);
    lines.push(`const c${i} = v;`);
  }
  // A key-count check catches extra properties without a for-in on the hot path.
  lines.push(`if (countKeys(input) > present) unknownColumn(input);`);
  lines.push(`return { ${names.map((n, i) => `${JSON.stringify(n)}: c${i}`).join(', ')} };`);
  const factory = new Function(
    'badRow',
    'fail',
    'unknownColumn',
    'generic',
    'normalize',
    'countKeys',
    'IDENTITY',
    'I64_MIN',
    'I64_MAX',
    'U64_MAX',
    'F32_MAX',
    `return function normalizeRow(input, autoInc, fill) {\n${lines.join('\n')}\n};`,
  );
  return factory(
    badRow,
    fail,
    unknownColumn,
    generic,
    normalize,
    countKeys,
    IDENTITY,
    I64_MIN,
    I64_MAX,
    U64_MAX,
    F32_MAX,
  ) as RowNormalizer;
}

function countKeys(input: Record<string, unknown>): number {
  let n = 0;
  for (const _ in input) n++;
  return n;
}
