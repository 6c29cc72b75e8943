import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter, compileValueCodec, TickspaceError } from '../../src/protocol';

describe('binary reader and writer', () => {
  it('round-trips varints, zigzag, bigints, floats and strings', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.double({ noNaN: true }),
        fc.string({ unit: 'grapheme' }),
        (u, s, ub, sb, f, str) => {
          const w = new BinaryWriter(1);
          w.uvar(u).svar(s).ubig(ub).sbig(sb).f64(f).string(str);
          const r = new BinaryReader(w.toBytes());
          expect([r.uvar(), r.svar(), r.ubig(), r.sbig(), r.f64(), r.string()]).toEqual([
            u,
            s,
            ub,
            sb,
            f,
            str,
          ]);
          expect(r.remaining).toBe(0);
        },
      ),
    );
  });

  it('zigzag covers -2^52 to 2^52 - 1 exactly; 2^52 would need a varint past 2^53 and is refused on read', () => {
    for (const v of [-(2 ** 52), 2 ** 52 - 1])
      expect(new BinaryReader(new BinaryWriter(1).svar(v).toBytes()).svar()).toBe(v);
    expect(() => new BinaryReader(new BinaryWriter(1).svar(2 ** 52).toBytes()).svar()).toThrow(
      /varint exceeds 2\^53/,
    );
  });

  it('copies bytes out of a Node Buffer instead of sharing its memory', () => {
    const buf = Buffer.from([3, 1, 2, 3]);
    const bytes = new BinaryReader(buf).bytes();
    buf[1] = 9;
    expect(Array.from(bytes)).toEqual([1, 2, 3]);
  });

  it('writes identities as 16 raw bytes', () => {
    const codec = compileValueCodec({ name: 'who', kind: 'identity' });
    const w = new BinaryWriter();
    codec.encode(w, '00ff10a0b0c0d0e0f00112233445566f');
    expect(Buffer.from(w.toBytes()).toString('hex')).toBe('00ff10a0b0c0d0e0f00112233445566f');
    expect(codec.decode(new BinaryReader(w.toBytes()))).toBe('00ff10a0b0c0d0e0f00112233445566f');
  });

  it('names the byte offset when a buffer is short or malformed', () => {
    const short = new BinaryReader(Uint8Array.of(0x80, 0x80));
    expect(() => short.uvar()).toThrow(TickspaceError);
    expect(() => new BinaryReader(Uint8Array.of(5, 0x61)).string()).toThrow(
      /needs 5 more byte\(s\), 1 left at byte 1/,
    );
    expect(() => new BinaryReader(Uint8Array.of(2, 0xc3, 0x28)).string()).toThrow(
      /invalid UTF-8 in string at byte 1/,
    );
  });
});
