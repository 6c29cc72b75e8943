import { TickspaceError } from '../protocol/errors';
import type { Columns } from './schema';
import { checkValue, describeValue, normalizeValue } from './values';

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
  return (args) => {
    if (args === null || typeof args !== 'object' || Array.isArray(args))
      throw fail(`expects an argument object, got ${describeValue(args)}`, {});
    const input = args as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const value = input[name];
      const problem = checkValue(cols[i]!, value);
      if (problem !== undefined) throw fail(`argument '${name}': ${problem}`, { argument: name });
      out[name] = normalizeValue(cols[i]!, value);
    }
    for (const key in input) if (!(key in out)) throw fail(`has no argument '${key}'`, { argument: key });
    return out;
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
