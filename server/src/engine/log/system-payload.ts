import { TickspaceError } from '../../protocol/errors';

/**
 * Lifecycle and system calls (origin 2: `__init`, `__rewind`, ...) have no declared argument
 * columns, so the log stores their arguments as a payload of their own: a UTF-8 JSON document, or
 * no bytes at all for calls without arguments (every call before payloads existed). Payloads carry
 * what a replay needs and the live module cannot supply again: the data an init wrote, a migration's
 * plan, a published module's source. JSON values only (no bigint, no bytes).
 */
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const EMPTY = new Uint8Array(0);

/** Encodes a system call's arguments: no bytes for none (an empty object), else UTF-8 JSON. */
export function encodeSystemPayload(args: Readonly<Record<string, unknown>> | undefined): Uint8Array {
  if (args === undefined) return EMPTY;
  let any = false;
  for (const _ in args) {
    any = true;
    break;
  }
  if (!any) return EMPTY;
  return utf8Encoder.encode(JSON.stringify(args));
}

/**
 * Decodes a system call's payload (no bytes: an empty object).
 * @throws TickspaceError CORRUPT_LOG when the bytes are not a UTF-8 JSON object.
 */
export function decodeSystemPayload(bytes: Uint8Array, reducer: string): Record<string, unknown> {
  if (bytes.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(utf8Decoder.decode(bytes));
  } catch (cause) {
    throw new TickspaceError(
      'CORRUPT_LOG',
      `log: the payload of system call '${reducer}' is not UTF-8 JSON (${(cause as Error).message})`,
      { cause },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TickspaceError(
      'CORRUPT_LOG',
      `log: the payload of system call '${reducer}' is not a JSON object`,
    );
  return value as Record<string, unknown>;
}
