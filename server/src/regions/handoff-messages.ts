import { z } from 'zod';
import { TickspaceError } from '../engine';

/** Default {@link decodeRegionMessage} size limit: 512 KiB. */
export const DEFAULT_MAX_HANDOFF_BYTES = 512 * 1024;

const regionName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'a region name is letters, digits, _ and -');
const messageId = z.number().int().min(1).max(0xffff_ffff);
/**
 * Which publish of a handoff this is (the sender's tick when it published), and in an answer, which
 * one it answers. Part of the message id, so a republish is a new message the broker does not drop
 * as a duplicate; the receiver's applied set makes every copy after the first a no-op. Absent in
 * messages from before it existed: 0.
 */
const attempt = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);

/** A handoff: entity `entity` leaves `from` for `to` at `epoch`, with what travels in `payload`. */
const handoffSchema = z.strictObject({
  kind: z.literal('handoff'),
  from: regionName,
  to: regionName,
  id: messageId,
  /** The sender's lowest unfinished outbox id when it published: everything below is finished. */
  floor: messageId,
  entity: z.string().min(1).max(256),
  epoch: z.number().int().min(1).max(0xffff_ffff),
  payload: z.string(),
  attempt,
});

/** The receiver's answer to handoff `id` of `to` (the original sender). */
const doneSchema = z.strictObject({
  kind: z.literal('done'),
  from: regionName,
  to: regionName,
  id: messageId,
  outcome: z.enum(['applied', 'rejected']),
  code: z.string().max(64),
  message: z.string().max(4096),
  attempt,
});

const regionMessageSchema = z.discriminatedUnion('kind', [handoffSchema, doneSchema]);

/** A handoff message on the fabric. */
export type HandoffMessage = z.output<typeof handoffSchema>;
/** A receiver's answer on the fabric. */
export type DoneMessage = z.output<typeof doneSchema>;
/** Anything a region reads from its subject. */
export type RegionMessage = z.output<typeof regionMessageSchema>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a message for the fabric (JSON, UTF-8). */
export function encodeRegionMessage(message: RegionMessage): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

/**
 * Decodes and validates a message read from the fabric.
 * @throws TickspaceError INVALID_HANDOFF naming what is wrong and where (byte size, JSON, field path).
 * @example
 * const m = decodeRegionMessage(delivery.data, { maxHandoffBytes: 64 * 1024 });
 */
export function decodeRegionMessage(
  data: Uint8Array,
  options: { readonly maxHandoffBytes?: number; readonly subject?: string } = {},
): RegionMessage {
  const limit = options.maxHandoffBytes ?? DEFAULT_MAX_HANDOFF_BYTES;
  const where = options.subject === undefined ? 'region message' : `region message on ${options.subject}`;
  if (data.byteLength > limit)
    throw new TickspaceError(
      'INVALID_HANDOFF',
      `${where}: ${data.byteLength} bytes is over maxHandoffBytes (${limit}); raise the option on the receiver or send less with the entity`,
      { details: { bytes: data.byteLength, maxHandoffBytes: limit } },
    );
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new TickspaceError('INVALID_HANDOFF', `${where}: not UTF-8 JSON (${(error as Error).message})`, {
      details: { bytes: data.byteLength },
      cause: error,
    });
  }
  const parsed = regionMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length === 0 ? '(the message)' : issue.path.join('.');
    throw new TickspaceError('INVALID_HANDOFF', `${where}: ${path}: ${issue.message}`, {
      details: { path: issue.path.map(String), issues: parsed.error.issues.length },
    });
  }
  return parsed.data;
}

/**
 * The message id a publish dedupes on: one per publish of a handoff (its attempt), one per answer
 * to each. The broker drops a retry of the same publish (a lost PubAck); a republish is a new
 * attempt, delivered at once even while an earlier copy sits unacked with a receiver that crashed
 * (it would come back only after the consumer's AckWait).
 * @example
 * regionMessageId(handoff); // -> 'h.west.5.120' (from west, outbox id 5, published at tick 120)
 */
export function regionMessageId(message: RegionMessage): string {
  return message.kind === 'handoff'
    ? `h.${message.from}.${message.id}.${message.attempt}`
    : `d.${message.to}.${message.id}.${message.from}.${message.attempt}`;
}

/** The subject a region reads. */
export function regionSubject(region: string): string {
  return `ts.r.${region}.in`;
}
