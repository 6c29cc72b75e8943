import { BinaryReader } from './binary-reader';
import { uvarBytes } from './binary-writer';
import { TickspaceError } from './errors';
import { CLIENT_MESSAGE, SERVER_MESSAGE } from './message-types';

/** The BATCH tag of one direction: {@link CLIENT_MESSAGE}.BATCH or {@link SERVER_MESSAGE}.BATCH. */
export type BatchTag = typeof CLIENT_MESSAGE.BATCH | typeof SERVER_MESSAGE.BATCH;

/** Bytes of `messages[start..end)` packed as one BATCH: tag, count, then length-prefixed messages. */
function batchBytes(messages: readonly Uint8Array[], start: number, end: number): number {
  let bytes = 1 + uvarBytes(end - start);
  for (let i = start; i < end; i++) bytes += uvarBytes(messages[i]!.length) + messages[i]!.length;
  return bytes;
}

function writeUvar(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[pos++] = n;
  return pos;
}

function encodeRange(tag: BatchTag, messages: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const out = new Uint8Array(batchBytes(messages, start, end));
  out[0] = tag;
  let pos = writeUvar(out, 1, end - start);
  for (let i = start; i < end; i++) {
    const m = messages[i]!;
    pos = writeUvar(out, pos, m.length);
    out.set(m, pos);
    pos += m.length;
  }
  return out;
}

/**
 * BATCH: several messages in one WebSocket message, `u8 tag, uvar count, (uvar byteLength,
 * message){count}`. Each message is a complete frame of its direction (its own tag first).
 * @throws RangeError for no messages, an empty message or a message that is itself a BATCH.
 * @example
 * ws.send(encodeBatch(CLIENT_MESSAGE.BATCH, [encodePing(1), encodePing(2)]));
 */
export function encodeBatch(tag: BatchTag, messages: readonly Uint8Array[]): Uint8Array {
  if (messages.length === 0) throw new RangeError('a BATCH needs at least one message');
  for (const m of messages) {
    if (m.length === 0) throw new RangeError('a BATCH cannot carry an empty message');
    if (m[0] === tag) throw new RangeError('a BATCH cannot carry another BATCH');
  }
  return encodeRange(tag, messages, 0, messages.length);
}

function badMessage(index: number, count: number, offset: number, why: string): never {
  throw new TickspaceError(
    'MALFORMED_FRAME',
    `BATCH message ${index + 1} of ${count} ${why} at byte ${offset}`,
    {
      details: { offset, message: index },
    },
  );
}

/**
 * Splits a BATCH into its messages (views into `frame`, no copies). The whole envelope is checked
 * before anything is returned, so a malformed batch is refused as one frame and none of its
 * messages is applied: an empty batch, more than `maxMessages`, an empty or nested message, a
 * length past the end, a count the bytes do not match.
 * @throws TickspaceError MALFORMED_FRAME with `details.offset` (and `details.message`, its index).
 * @example
 * for (const message of decodeBatch(frame, CLIENT_MESSAGE.BATCH, limits.maxBatchMessages)) handle(message);
 */
export function decodeBatch(
  frame: Uint8Array,
  tag: BatchTag,
  maxMessages = Number.MAX_SAFE_INTEGER,
): Uint8Array[] {
  const r = new BinaryReader(frame);
  const got = r.u8();
  if (got !== tag) r.fail(`expected a BATCH (0x${tag.toString(16)}), got tag 0x${got.toString(16)}`);
  const count = r.uvar();
  if (count === 0) r.fail('BATCH holds no messages');
  if (count > maxMessages) r.fail(`BATCH of ${count} messages exceeds maxBatchMessages (${maxMessages})`);
  // Every message takes at least 2 bytes (its length and its tag).
  if (count > r.remaining / 2)
    r.fail(`BATCH count ${count} exceeds what the ${r.remaining} bytes left can hold`);
  const messages: Uint8Array[] = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    if (r.remaining === 0) badMessage(i, count, at, 'is missing: the frame ends');
    const length = r.uvar();
    if (length === 0) badMessage(i, count, at, 'is empty');
    if (length > r.remaining) badMessage(i, count, at, `claims ${length} bytes, ${r.remaining} left`);
    const message = r.view(length);
    if (message[0] === tag) badMessage(i, count, at, 'is itself a BATCH (batches do not nest)');
    messages[i] = message;
  }
  if (r.remaining !== 0) r.fail(`${r.remaining} trailing byte(s) after the last of ${count} BATCH messages`);
  return messages;
}

/** Limits of one {@link MessageCork}. */
export interface CorkLimits {
  /** Messages per BATCH; 1 sends every message on its own (a peer that does not speak BATCH). */
  readonly maxMessages: number;
  /** Bytes per BATCH frame; a message that alone comes near it leaves on its own. */
  readonly maxBytes: number;
}

/**
 * Messages queued towards one peer and sent together: a lone message leaves as it is, several as
 * BATCH frames within the limits, always in the order they were queued.
 */
export class MessageCork {
  readonly #tag: BatchTag;
  #limits: CorkLimits;
  #messages: Uint8Array[] = [];
  #bytes = 0;

  constructor(tag: BatchTag, limits: CorkLimits) {
    this.#tag = tag;
    this.#limits = limits;
  }

  /** Messages queued. */
  get count(): number {
    return this.#messages.length;
  }

  /** Bytes of the messages queued (their sum, without batch framing). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Changes the limits of later drains (e.g. once the peer's protocol version is known). */
  setLimits(limits: CorkLimits): void {
    this.#limits = limits;
  }

  /** Queues a message. The cork keeps the reference: hand it bytes nobody will overwrite. */
  add(message: Uint8Array): void {
    this.#messages.push(message);
    this.#bytes += message.length;
  }

  /** Drops every queued message. */
  clear(): void {
    this.#messages = [];
    this.#bytes = 0;
  }

  /** Hands the queued messages to `send` as few frames as the limits allow, and empties the cork. */
  drain(send: (frame: Uint8Array) => void): void {
    const messages = this.#messages;
    const n = messages.length;
    if (n === 0) return;
    this.clear();
    if (n === 1) {
      send(messages[0]!);
      return;
    }
    const maxMessages = Math.max(1, this.#limits.maxMessages);
    const maxBytes = this.#limits.maxBytes;
    // Room for the tag and a count of up to 5 bytes.
    const budget = maxBytes - 6;
    let start = 0;
    while (start < n) {
      let end = start;
      let bytes = 0;
      while (end < n && end - start < maxMessages) {
        const length = messages[end]!.length;
        const cost = uvarBytes(length) + length;
        if (end > start && bytes + cost > budget) break;
        bytes += cost;
        end++;
      }
      send(end - start === 1 ? messages[start]! : encodeRange(this.#tag, messages, start, end));
      start = end;
    }
  }
}
