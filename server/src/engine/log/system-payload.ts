import { TickspaceError } from '../../protocol/errors';
import { crc32c } from './crc32c';

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

/** A payload encoded ahead of its tick: its bytes and their CRC-32C. */
export interface EncodedPayload {
  readonly bytes: Uint8Array;
  readonly crc: number;
}

const ahead = new WeakMap<object, EncodedPayload>();

/**
 * Encodes and checksums a system call's arguments now, outside every tick, for the tick that logs
 * this very object: a published version's `__publish` payload holds the whole bundled source
 * (megabytes), and encoding and checksumming it made a swap's tick several times a normal one.
 * The object is frozen, so the bytes stay its bytes.
 * @example
 * encodeSystemPayloadAhead(version.payload); // before engine.publish(version)
 */
export function encodeSystemPayloadAhead(args: Readonly<Record<string, unknown>>): void {
  if (ahead.has(args)) return;
  const bytes = encodeSystemPayload(args);
  Object.freeze(args);
  ahead.set(args, { bytes, crc: crc32c(bytes) });
}

/** What {@link encodeSystemPayloadAhead} encoded for this object, if it did. */
export function encodedAhead(
  args: Readonly<Record<string, unknown>> | undefined,
): EncodedPayload | undefined {
  return args === undefined ? undefined : ahead.get(args);
}

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
