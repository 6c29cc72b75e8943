import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_MESSAGE,
  decodeBatch,
  decodeClientMessage,
  decodeServerMessage,
  encodeBatch,
  encodePing,
  MessageCork,
  SERVER_MESSAGE,
  TickspaceError,
  type BatchTag,
} from '../../src/protocol';
import { collectingVisitor, schema } from './protocol-fixture';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const tag = fc.constantFrom<BatchTag>(CLIENT_MESSAGE.BATCH, SERVER_MESSAGE.BATCH);
/**
 * Any message but a BATCH of the same direction (which may not nest), up to 300 bytes: size 'max' because
 * fast-check's default size stops at 10 bytes, and messages of 128 bytes and more take a 2-byte length.
 */
const message = (batchTag: number) =>
  fc
    .uint8Array({ minLength: 1, maxLength: 300, size: 'max' })
    .map((m) => (m[0] === batchTag ? Uint8Array.of(batchTag ^ 1, ...m.subarray(1)) : m));

/** Runs `fn`, expecting MALFORMED_FRAME; returns its message and details. */
function refusal(fn: () => unknown): { message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TickspaceError);
    expect((error as TickspaceError).code).toBe('MALFORMED_FRAME');
    return { message: (error as TickspaceError).message, details: (error as TickspaceError).details };
  }
  throw new Error('expected MALFORMED_FRAME, nothing was thrown');
}

describe('BATCH codec', () => {
  it('decode(encode(messages)) gives the messages back, in order, as views of the frame', () => {
    fc.assert(
      fc.property(
        tag.chain((t) =>
          fc.tuple(fc.constant(t), fc.array(message(t), { minLength: 1, maxLength: 40, size: 'max' })),
        ),
        ([t, messages]) => {
          const frame = encodeBatch(t, messages);
          const back = decodeBatch(frame, t);
          expect(back.map(hex)).toEqual(messages.map(hex));
          for (const m of back) expect(m.buffer).toBe(frame.buffer);
        },
      ),
    );
  });

  it('lays out tag, count, then (length, message) pairs', () => {
    expect(hex(encodeBatch(CLIENT_MESSAGE.BATCH, [encodePing(1), encodePing(300)]))).toBe(
      '06' + '02' + '02' + '0501' + '03' + '05ac02',
    );
    const long = new Uint8Array(200).fill(0x85);
    expect(hex(encodeBatch(SERVER_MESSAGE.BATCH, [long]).subarray(0, 4))).toBe('8b01c801');
  });

  it('refuses to build an empty, nested or hollow batch', () => {
    expect(() => encodeBatch(CLIENT_MESSAGE.BATCH, [])).toThrow(RangeError);
    expect(() => encodeBatch(CLIENT_MESSAGE.BATCH, [new Uint8Array(0)])).toThrow(/empty message/);
    expect(() => encodeBatch(CLIENT_MESSAGE.BATCH, [Uint8Array.of(CLIENT_MESSAGE.BATCH, 1, 1, 5)])).toThrow(
      /another BATCH/,
    );
  });
});

describe('malformed BATCH frames: one precise refusal, nothing returned', () => {
  const B = CLIENT_MESSAGE.BATCH;

  it('no messages', () => {
    expect(refusal(() => decodeBatch(bytes('0600'), B)).message).toBe('BATCH holds no messages at byte 2');
  });

  it('more messages than allowed', () => {
    const frame = encodeBatch(B, [encodePing(1), encodePing(2), encodePing(3)]);
    expect(decodeBatch(frame, B, 3)).toHaveLength(3);
    expect(refusal(() => decodeBatch(frame, B, 2)).message).toBe(
      'BATCH of 3 messages exceeds maxBatchMessages (2) at byte 2',
    );
  });

  it('a count the remaining bytes cannot hold', () => {
    expect(refusal(() => decodeBatch(bytes('06ffff03020501'), B)).message).toMatch(
      /^BATCH count 65535 exceeds what the 3 bytes left can hold/,
    );
  });

  it('a count larger than the messages present', () => {
    // Count 3, two pings, then a third length with too few bytes after it (message 3 starts at byte 8).
    const r = refusal(() => decodeBatch(bytes('0603' + '020501' + '020502' + '01'), B));
    expect(r.message).toBe('BATCH message 3 of 3 claims 1 bytes, 0 left at byte 8');
    expect(r.details).toEqual({ offset: 8, message: 2 });
    expect(refusal(() => decodeBatch(bytes('0603' + '020501' + '020502' + '0205'), B)).message).toBe(
      'BATCH message 3 of 3 claims 2 bytes, 1 left at byte 8',
    );
    expect(refusal(() => decodeBatch(bytes('0603' + '03050101' + '0105'), B)).message).toBe(
      'BATCH message 3 of 3 is missing: the frame ends at byte 8',
    );
  });

  it('a count smaller than the messages present (trailing bytes)', () => {
    expect(refusal(() => decodeBatch(bytes('0601' + '020501' + '020502'), B)).message).toBe(
      '3 trailing byte(s) after the last of 1 BATCH messages at byte 5',
    );
  });

  it('a length past the end', () => {
    const r = refusal(() => decodeBatch(bytes('0602' + '020501' + '090502'), B));
    expect(r.message).toBe('BATCH message 2 of 2 claims 9 bytes, 2 left at byte 5');
    expect(r.details.offset).toBe(5);
  });

  it('an empty message', () => {
    expect(refusal(() => decodeBatch(bytes('0602' + '00' + '020501'), B)).message).toBe(
      'BATCH message 1 of 2 is empty at byte 2',
    );
  });

  it('a nested batch', () => {
    const inner = encodeBatch(B, [encodePing(1)]);
    const frame = bytes('0602' + '020501' + hex(Uint8Array.of(inner.length)) + hex(inner));
    expect(refusal(() => decodeBatch(frame, B)).message).toBe(
      'BATCH message 2 of 2 is itself a BATCH (batches do not nest) at byte 5',
    );
  });

  it('the wrong tag, and a BATCH handed to the message decoders', () => {
    expect(refusal(() => decodeBatch(bytes('0501'), B)).message).toBe(
      'expected a BATCH (0x6), got tag 0x5 at byte 1',
    );
    expect(refusal(() => decodeClientMessage(bytes('0601020501'), schema)).message).toMatch(
      /^BATCH is a container, not a message: split it with decodeBatch/,
    );
    expect(
      refusal(() => decodeServerMessage(bytes('8b0103852a01'), schema, collectingVisitor().visitor)).message,
    ).toMatch(/^BATCH is a container/);
  });

  it('random bytes and every truncation of a valid batch are refused with MALFORMED_FRAME, never another error', () => {
    const valid = encodeBatch(B, [encodePing(1), encodePing(70_000), Uint8Array.of(0x02, 1, 2, 3)]);
    for (let n = 0; n < valid.length; n++) refusal(() => decodeBatch(valid.subarray(0, n), B));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        try {
          const out = decodeBatch(Uint8Array.of(B, ...tail), B);
          // Whatever decodes must re-encode to the same bytes: the decoder accepted nothing loose.
          expect(hex(encodeBatch(B, out))).toBe(hex(Uint8Array.of(B, ...tail)));
        } catch (error) {
          expect(error).toBeInstanceOf(TickspaceError);
          expect((error as TickspaceError).code).toBe('MALFORMED_FRAME');
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('MessageCork', () => {
  it('sends everything in order, a lone message as itself, batches within the limits', () => {
    fc.assert(
      fc.property(
        fc.array(message(CLIENT_MESSAGE.BATCH), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 8, max: 800 }),
        (messages, maxMessages, maxBytes) => {
          const cork = new MessageCork(CLIENT_MESSAGE.BATCH, { maxMessages, maxBytes });
          for (const m of messages) cork.add(m);
          expect(cork.count).toBe(messages.length);
          expect(cork.bytes).toBe(messages.reduce((n, m) => n + m.length, 0));
          const frames: Uint8Array[] = [];
          cork.drain((f) => frames.push(f));
          expect(cork.count).toBe(0);
          expect(cork.bytes).toBe(0);
          const out: Uint8Array[] = [];
          for (const f of frames) {
            if (f[0] !== CLIENT_MESSAGE.BATCH) {
              out.push(f);
              continue;
            }
            const inner = decodeBatch(f, CLIENT_MESSAGE.BATCH);
            expect(inner.length).toBeGreaterThan(1);
            expect(inner.length).toBeLessThanOrEqual(maxMessages);
            expect(f.length).toBeLessThanOrEqual(maxBytes);
            out.push(...inner);
          }
          expect(out.map(hex)).toEqual(messages.map(hex));
          // Never more frames than needed: a batch is only cut by a limit.
          if (
            messages.length > 0 &&
            messages.length <= maxMessages &&
            messages.reduce((n, m) => n + m.length + 2, 6) <= maxBytes
          )
            expect(frames).toHaveLength(1);
        },
      ),
    );
  });

  it('prices a message of 128 bytes or more with its 2-byte length, so its batches stay within maxBytes', () => {
    // Ten 130-byte messages cost 132 bytes each in a batch: 9 fit in 6 + 10 * 131 bytes, 10 would not.
    const maxBytes = 6 + 10 * 131;
    const cork = new MessageCork(CLIENT_MESSAGE.BATCH, { maxMessages: 100, maxBytes });
    const messages = Array.from({ length: 10 }, (_, i) => new Uint8Array(130).fill(i + 1));
    for (const m of messages) cork.add(m);
    const frames: Uint8Array[] = [];
    cork.drain((f) => frames.push(f));
    expect(frames.map((f) => f.length)).toEqual([2 + 9 * 132, 130]);
    for (const f of frames) expect(f.length).toBeLessThanOrEqual(maxBytes);
  });

  it('with one message per batch (a version 1 peer) sends every message alone', () => {
    const cork = new MessageCork(SERVER_MESSAGE.BATCH, { maxMessages: 1, maxBytes: 1 << 20 });
    const frames: Uint8Array[] = [];
    cork.add(encodePing(1));
    cork.add(encodePing(2));
    cork.drain((f) => frames.push(f));
    expect(frames.map(hex)).toEqual(['0501', '0502']);
  });

  it('clear drops what was queued', () => {
    const cork = new MessageCork(CLIENT_MESSAGE.BATCH, { maxMessages: 8, maxBytes: 1024 });
    cork.add(encodePing(1));
    cork.clear();
    const frames: Uint8Array[] = [];
    cork.drain((f) => frames.push(f));
    expect(frames).toEqual([]);
  });
});
