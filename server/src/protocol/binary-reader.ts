import { TickspaceError } from './errors';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads what {@link BinaryWriter} wrote. Every read checks bounds: a short or malformed buffer
 * throws `MALFORMED_FRAME` with the byte offset, never reads garbage.
 */
export class BinaryReader {
  readonly #buf: Uint8Array;
  /** Made on the first float or fixed-width read: most frames (calls, results) never need one. */
  #view: DataView | undefined;
  #pos: number;
  readonly #end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  /** Current byte offset. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** Throws MALFORMED_FRAME naming the offset. */
  fail(why: string): never {
    throw new TickspaceError('MALFORMED_FRAME', `${why} at byte ${this.#pos}`, {
      details: { offset: this.#pos },
    });
  }

  #dataView(): DataView {
    return (this.#view ??= new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength));
  }

  #need(n: number): void {
    if (this.#pos + n > this.#end) this.fail(`needs ${n} more byte(s), ${this.#end - this.#pos} left`);
  }

  u8(): number {
    this.#need(1);
    return this.#buf[this.#pos++]!;
  }

  uvar(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      this.#need(1);
      const b = this.#buf[this.#pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail('varint exceeds 2^53');
        return result;
      }
      scale *= 0x80;
    }
    return this.fail('varint longer than 8 bytes');
  }

  svar(): number {
    const z = this.uvar();
    return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
  }

  ubig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      this.#need(1);
      const b = this.#buf[this.#pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        if (result >= 1n << 64n) this.fail('varint exceeds 2^64');
        return result;
      }
      shift += 7n;
    }
    return this.fail('varint longer than 10 bytes');
  }

  sbig(): bigint {
    const z = this.ubig();
    return z & 1n ? -((z + 1n) >> 1n) : z >> 1n;
  }

  f32(): number {
    this.#need(4);
    const v = this.#dataView().getFloat32(this.#pos, true);
    this.#pos += 4;
    return v;
  }

  f64(): number {
    this.#need(8);
    const v = this.#dataView().getFloat64(this.#pos, true);
    this.#pos += 8;
    return v;
  }

  u32le(): number {
    this.#need(4);
    const v = this.#dataView().getUint32(this.#pos, true);
    this.#pos += 4;
    return v;
  }

  string(): string {
    const n = this.uvar();
    this.#need(n);
    const buf = this.#buf;
    const start = this.#pos;
    let ascii = true;
    for (let i = start; i < start + n; i++)
      if (buf[i]! > 0x7f) {
        ascii = false;
        break;
      }
    this.#pos += n;
    if (ascii) {
      // Short ASCII strings: fromCharCode beats TextDecoder's call overhead.
      if (n < 64)
        return String.fromCharCode.apply(null, buf.subarray(start, start + n) as unknown as number[]);
    }
    try {
      return textDecoder.decode(buf.subarray(start, start + n));
    } catch (cause) {
      this.#pos = start;
      return this.fail('invalid UTF-8 in string');
    }
  }

  bytes(): Uint8Array {
    const n = this.uvar();
    return this.raw(n);
  }

  /** A copy of the next `n` bytes. */
  raw(n: number): Uint8Array {
    this.#need(n);
    // Uint8Array's slice copies; a Node Buffer's own slice would return a view sharing memory.
    const out = Uint8Array.prototype.slice.call(this.#buf, this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /**
   * Whether the next bytes are `bytes`; if so, reads past them. Lets a decoder that has seen these
   * exact bytes before reuse what it decoded (a self-delimiting body that matches is that body).
   */
  skipIf(bytes: Uint8Array): boolean {
    const n = bytes.length;
    if (this.#pos + n > this.#end) return false;
    const buf = this.#buf;
    const at = this.#pos;
    for (let i = 0; i < n; i++) if (buf[at + i] !== bytes[i]) return false;
    this.#pos += n;
    return true;
  }

  /** A copy of the bytes read since `start` (an earlier {@link offset}). */
  copySince(start: number): Uint8Array {
    return Uint8Array.prototype.slice.call(this.#buf, start, this.#pos);
  }

  /** A view (no copy) of the next `n` bytes. */
  view(n: number): Uint8Array {
    this.#need(n);
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }
}
