import { logSource, type ColumnShape } from '../../protocol/column-kinds';
import { TickspaceError } from '../../protocol/errors';
import type { AnyRow } from '../change-set';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Node's Buffer slicers without `toString`'s argument handling (present since Node 0.x, undocumented). */
interface SlicingBuffer {
  latin1Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}
const FAST_SLICES =
  typeof (Buffer.prototype as unknown as Partial<SlicingBuffer>).latin1Slice === 'function' &&
  typeof (Buffer.prototype as unknown as Partial<SlicingBuffer>).hexSlice === 'function';
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The log's reader for the recovery and time-travel hot path: the same byte format as
 * `protocol/BinaryReader` and `compileRowCodec` (varints, zigzag, LE floats, length-prefixed UTF-8,
 * 16-byte identities, 0/1 optional tags), but one monomorphic class whose small methods inline,
 * native Buffer slices for strings and identities, and small 64-bit integers decoded through a
 * number. Every read is bounds-checked and range-checked; a bad byte throws MALFORMED_FRAME with
 * its offset. The golden fixtures and the codec round-trip property pin it to the writer.
 */
export class LogCursor {
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly #buffer: SlicingBuffer | undefined;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#buffer = FAST_SLICES && Buffer.isBuffer(buf) ? (buf as unknown as SlicingBuffer) : undefined;
    this.pos = start;
    this.end = end;
  }

  /** Throws MALFORMED_FRAME naming the offset. */
  fail(why: string): never {
    throw new TickspaceError('MALFORMED_FRAME', `${why} at byte ${this.pos}`, {
      details: { offset: this.pos },
    });
  }

  #need(n: number): void {
    if (this.pos + n > this.end) this.fail(`needs ${n} more byte(s), ${this.end - this.pos} left`);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('needs 1 more byte(s), 0 left');
    return this.buf[this.pos++]!;
  }

  uv(): number {
    const b = this.buf;
    if (this.pos < this.end) {
      const x = b[this.pos]!;
      if (x < 0x80) {
        this.pos++;
        return x;
      }
    }
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const x = this.u8();
      result += (x & 0x7f) * scale;
      if (x < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail('varint exceeds 2^53');
        return result;
      }
      scale *= 0x80;
    }
    return this.fail('varint longer than 8 bytes');
  }

  sv(): number {
    const z = this.uv();
    return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
  }

  /** Unsigned integer column with an upper bound (u8, u16, u32). */
  uvMax(max: number, name: string, kind: string): number {
    const v = this.uv();
    if (v > max) this.fail(`${kind} '${name}' out of range (${v})`);
    return v;
  }

  /** Signed integer column within bounds (i8, i16, i32). */
  svRange(min: number, max: number, name: string, kind: string): number {
    const v = this.sv();
    if (v < min || v > max) this.fail(`${kind} '${name}' out of range (${v})`);
    return v;
  }

  ubig(): bigint {
    // Small values (the common case) decode through a number: one BigInt allocation, not one per byte.
    const start = this.pos;
    let small = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const x = this.u8();
      small += (x & 0x7f) * scale;
      if (x < 0x80) return BigInt(small);
      scale *= 0x80;
    }
    this.pos = start;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const x = this.u8();
      result |= BigInt(x & 0x7f) << shift;
      if (x < 0x80) {
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
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.#need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  u32le(): number {
    this.#need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  bool(name: string): boolean {
    const b = this.u8();
    if (b > 1) this.fail(`bool '${name}' must be 0 or 1, got ${b}`);
    return b === 1;
  }

  /** An optional's tag: true when a value follows. */
  opt(name: string): boolean {
    const tag = this.u8();
    if (tag > 1) this.fail(`optional '${name}' tag must be 0 or 1, got ${tag}`);
    return tag === 1;
  }

  str(): string {
    const n = this.uv();
    this.#need(n);
    const start = this.pos;
    this.pos += n;
    if (this.#buffer !== undefined) {
      // ASCII is a latin1 slice; anything else goes through the validating decoder.
      let ascii = true;
      for (let i = start; i < start + n; i++)
        if (this.buf[i]! > 0x7f) {
          ascii = false;
          break;
        }
      if (ascii) return this.#buffer.latin1Slice(start, start + n);
    }
    try {
      return textDecoder.decode(this.buf.subarray(start, start + n));
    } catch {
      this.pos = start;
      return this.fail('invalid UTF-8 in string');
    }
  }

  bytes(): Uint8Array {
    const n = this.uv();
    this.#need(n);
    // A plain Uint8Array copy: never a view into the file buffer, never a Buffer subclass.
    const out = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  ident(): string {
    this.#need(16);
    const start = this.pos;
    this.pos += 16;
    if (this.#buffer !== undefined) return this.#buffer.hexSlice(start, start + 16);
    let s = '';
    for (let i = start; i < start + 16; i++) s += HEX[this.buf[i]!];
    return s;
  }
}

/**
 * Compiles a decoder for rows of the given columns: one object literal with a stable shape,
 * fields read left to right in column order, each field the expression its kind's record gives.
 */
export function compileRowDecoder(columns: readonly ColumnShape[]): (c: LogCursor) => AnyRow {
  const body = `return { ${columns.map((c) => `${JSON.stringify(c.name)}: ${logSource(c)}`).join(', ')} };`;
  return new Function('c', body) as (c: LogCursor) => AnyRow;
}
