import { TickspaceError } from '../protocol/errors';
import type { Columns } from './schema';
import { compileRowNormalizer } from './row-normalizer';
import { checkValue, describeValue } from './values';

/** Validates an argument object against its columns and returns a canonical copy. */
export type ArgsValidator = (args: unknown) => Record<string, unknown>;

/**
 * Builds the validator for a reducer's arguments once, at module definition time.
 * @throws TickspaceError INVALID_ARGUMENT naming the reducer, the argument and the reason.
 */
export function compileArgsValidator(reducer: string, columns: Columns): ArgsValidator {
  const names = Object.keys(columns);
  const cols = names.map((n) => columns[n]!);
  const fail = (message: string, details: Record<string, unknown>) =>
    new TickspaceError('INVALID_ARGUMENT', `reducer '${reducer}' ${message}`, { details: { reducer, ...details } });
  // The compiled row normalizer is the fast path; on any failure, the slow path below names the problem.
  const fast = compileRowNormalizer(`args of ${reducer}`, names, cols, -1);
  const explain = (args: unknown): never => {
    if (args === null || typeof args !== 'object' || Array.isArray(args))
      throw fail(`expects an argument object, got ${describeValue(args)}`, {});
    const input = args as Record<string, unknown>;
    for (let i = 0; i < names.length; i++) {
      const problem = checkValue(cols[i]!, input[names[i]!]);
      if (problem !== undefined) throw fail(`argument '${names[i]}': ${problem}`, { argument: names[i] });
    }
    for (const key in input) if (!names.includes(key)) throw fail(`has no argument '${key}'`, { argument: key });
    throw fail('has invalid arguments', {});
  };
  return (args) => {
    if (Array.isArray(args)) return explain(args);
    try {
      return fast(args as Record<string, unknown>, 0, false);
    } catch {
      return explain(args);
    }
  };
}

/** Deterministic JSON with bigint and byte support, for stored scheduled-call arguments. */
export function encodeArgsJson(args: Record<string, unknown>): string {
  return JSON.stringify(args, (_key, value: unknown) => {
    if (typeof value === 'bigint') return { $n: value.toString() };
    if (value instanceof Uint8Array) return { $b: Buffer.from(value).toString('base64') };
    if (value === undefined) return { $u: 1 };
    return value;
  });
}

/** Inverse of {@link encodeArgsJson}. */
export function decodeArgsJson(text: string): Record<string, unknown> {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      if (typeof v.$n === 'string') return BigInt(v.$n);
      if (typeof v.$b === 'string') return new Uint8Array(Buffer.from(v.$b, 'base64'));
      if (v.$u === 1) return undefined;
    }
    return value;
  }) as Record<string, unknown>;
}
