import { z } from 'zod';
import { TickspaceError } from '../engine';
import { decodePayload, encodePayload } from './handoff-tables';

/** Default {@link decodeGhostMessage} size limit: 512 KiB (about 3,000 Frontier avatars). */
export const DEFAULT_MAX_GHOST_BYTES = 512 * 1024;

const regionName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'a region name is letters, digits, _ and -');
const entity = z.string().min(1).max(256);

/**
 * One region's border rows for one neighbour, after one durable tick. A delta carries the rows
 * that changed inside the band (`rows`), the ones that left it or were deleted (`gone`), and the
 * ones handed to another region (`moved`, with the new owner). A keyframe carries every row in the
 * band: the receiver drops the ghosts of the sender it does not list.
 */
const ghostSchema = z.strictObject({
  kind: z.literal('ghost'),
  from: regionName,
  to: regionName,
  /** The sender's tick (for logs and tests; the receiver ages ghosts by its own ticks). */
  tick: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  keyframe: z.boolean(),
  rows: z.array(z.record(z.string(), z.unknown())),
  gone: z.array(entity),
  moved: z.array(z.tuple([entity, regionName])),
});

/** A ghost message on the fabric. */
export type GhostMessage = z.output<typeof ghostSchema>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a ghost message for the fabric: UTF-8 JSON, bigints tagged as handoff payloads are. */
export function encodeGhostMessage(message: GhostMessage): Uint8Array {
  return encoder.encode(encodePayload(message));
}

/**
 * Decodes and validates a ghost message (bytes from the fabric, or the text `ghost_apply` logs).
 * @throws TickspaceError INVALID_GHOST naming what is wrong and where (byte size, JSON, field path).
 * @example
 * const m = decodeGhostMessage(data, { maxGhostBytes: 64 * 1024, subject });
 */
export function decodeGhostMessage(
  data: Uint8Array | string,
  options: { readonly maxGhostBytes?: number; readonly subject?: string } = {},
): GhostMessage {
  const limit = options.maxGhostBytes ?? DEFAULT_MAX_GHOST_BYTES;
  const where = options.subject === undefined ? 'ghost message' : `ghost message on ${options.subject}`;
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (bytes > limit)
    throw new TickspaceError(
      'INVALID_GHOST',
      `${where}: ${bytes} bytes is over maxGhostBytes (${limit}); raise the option on the receiver or narrow the sender's band`,
      { details: { bytes, maxGhostBytes: limit } },
    );
  let json: unknown;
  try {
    json = decodePayload(typeof data === 'string' ? data : decoder.decode(data));
  } catch (error) {
    throw new TickspaceError('INVALID_GHOST', `${where}: not UTF-8 JSON (${(error as Error).message})`, {
      details: { bytes },
      cause: error,
    });
  }
  const parsed = ghostSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length === 0 ? '(the message)' : issue.path.join('.');
    throw new TickspaceError('INVALID_GHOST', `${where}: ${path}: ${issue.message}`, {
      details: { path: issue.path.map(String), issues: parsed.error.issues.length },
    });
  }
  return parsed.data;
}

/** The core subject `from` sends `to`'s ghosts on (not a JetStream subject: nothing is stored). */
export function ghostSubject(from: string, to: string): string {
  return `ts.ghost.${from}.${to}`;
}
