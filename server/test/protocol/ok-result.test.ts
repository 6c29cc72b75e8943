import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeServerMessage, encodePong, encodeResult, okResultRequestId } from '../../src/protocol';

describe('okResultRequestId (the SDK fast path for successful RESULTs)', () => {
  it('agrees with the full decoder on every RESULT, ok or failed, and any request id', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.boolean(), fc.string(), (requestId, ok, message) => {
        const frame = encodeResult(requestId, ok ? { ok: true } : { ok: false, code: 'NOPE', message });
        const decoded = decodeServerMessage(frame, undefined, undefined);
        expect(decoded.type).toBe('result');
        expect(okResultRequestId(frame)).toBe(ok ? requestId : -1);
      }),
    );
  });

  it('is -1 for other messages and for a RESULT with trailing or missing bytes', () => {
    expect(okResultRequestId(encodePong(7, 9))).toBe(-1);
    const ok = encodeResult(300, { ok: true });
    expect(okResultRequestId(ok)).toBe(300);
    expect(okResultRequestId(Uint8Array.of(...ok, 0))).toBe(-1);
    expect(okResultRequestId(ok.subarray(0, ok.length - 1))).toBe(-1);
  });
});
