import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeServerMessage,
  encodeResult,
  PROTOCOL_VERSION,
  RETURN_VALUE_VERSION,
  TickspaceError,
  type ColumnShape,
} from '../../src/protocol';
import type { ScalarKindName } from '../../src/protocol/column-kinds';
import { KIND_SAMPLES } from './kind-samples';

const kinds = Object.keys(KIND_SAMPLES) as ScalarKindName[];

/** A return shape and a value of it: every scalar kind, bare or optional (then sometimes undefined). */
const shapedValue = fc
  .constantFrom(...kinds)
  .chain((kind) =>
    fc.tuple(
      fc.constant(kind),
      fc.boolean(),
      fc.oneof(fc.constantFrom(...KIND_SAMPLES[kind].valid), fc.constant(undefined)),
    ),
  )
  .map(([kind, optional, sample]) => {
    const scalar: ColumnShape = { name: 'r', kind };
    const shape: ColumnShape = optional ? { name: 'r', kind: 'optional', inner: scalar } : scalar;
    const value = sample === undefined && !optional ? KIND_SAMPLES[kind].valid[0] : sample;
    return { kind, optional, shape, value };
  });

describe('return values in RESULT (protocol 6)', () => {
  it('decode(encode(value)) equals the value for every kind, bare and optional, at any request id', () => {
    const seen = new Set<string>();
    let absent = 0;
    fc.assert(
      fc.property(shapedValue, fc.nat(), ({ kind, optional, shape, value }, requestId) => {
        const frame = encodeResult(requestId, { ok: true, value, returns: shape });
        const msg = decodeServerMessage(frame, undefined, undefined);
        expect(msg).toEqual({ type: 'result', requestId, ok: true, value });
        seen.add(`${kind}${optional ? '?' : ''}`);
        if (value === undefined) absent++;
      }),
      { numRuns: 600 },
    );
    // The interesting paths ran: every kind both ways, and an optional without a value.
    expect(seen.size).toBe(kinds.length * 2);
    expect(absent).toBeGreaterThan(0);
  });

  it('a client before version 6 gets the plain success for the same call', () => {
    fc.assert(
      fc.property(
        shapedValue,
        fc.nat(),
        fc.integer({ min: 1, max: RETURN_VALUE_VERSION - 1 }),
        (s, id, v) => {
          const frame = encodeResult(id, { ok: true, value: s.value, returns: s.shape }, v);
          expect(decodeServerMessage(frame, undefined, undefined)).toEqual({
            type: 'result',
            requestId: id,
            ok: true,
          });
          expect(frame).toEqual(encodeResult(id, { ok: true }));
        },
      ),
      { numRuns: 100 },
    );
    expect(PROTOCOL_VERSION).toBeGreaterThanOrEqual(RETURN_VALUE_VERSION);
  });

  it('every strict prefix of a RESULT with a value is refused with MALFORMED_FRAME naming the offset', () => {
    const frame = encodeResult(70000, {
      ok: true,
      value: 'a longer return value',
      returns: { name: 'r', kind: 'optional', inner: { name: 'r', kind: 'string' } },
    });
    for (let n = 1; n < frame.length; n++) {
      const err = (() => {
        try {
          decodeServerMessage(frame.subarray(0, n), undefined, undefined);
        } catch (e) {
          return e;
        }
      })();
      expect(err, `prefix of ${n} bytes`).toBeInstanceOf(TickspaceError);
      expect((err as TickspaceError).code).toBe('MALFORMED_FRAME');
      expect((err as TickspaceError).message).toMatch(/at byte \d+/);
    }
    expect(() => decodeServerMessage(new Uint8Array([...frame, 0]), undefined, undefined)).toThrow(
      /trailing/,
    );
  });

  it('an optional nested past the descriptor limit is refused, not recursed into', () => {
    // tag, request 1, flag VALUE, then 'optional' (14) five times.
    const frame = new Uint8Array([0x85, 1, 2, 14, 14, 14, 14, 14, 2, 1]);
    expect(() => decodeServerMessage(frame, undefined, undefined)).toThrow(/optional nested too deeply/);
  });
});
