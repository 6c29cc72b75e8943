import {
  compileArgsValidator as compileShapeValidator,
  type ArgsValidator,
} from '../protocol/args-validator';
import type { Columns } from './schema';

export type { ArgsValidator };

/**
 * Builds the validator for a reducer's arguments once, at module definition time (the protocol's
 * validator, which the client SDK compiles from the schema descriptor too).
 * @throws TickspaceError INVALID_ARGUMENT naming the reducer, the argument and the reason.
 */
export function compileArgsValidator(reducer: string, columns: Columns): ArgsValidator {
  return compileShapeValidator(
    reducer,
    Object.entries(columns).map(([name, column]) => ({ name, kind: column.kind, inner: column.inner })),
  );
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
