const textEncoder = new TextEncoder();

/**
 * A growable little-endian binary writer, meant to be reset and reused (one per hot path):
 * varints for integers, raw IEEE floats, length-prefixed UTF-8 strings and bytes.
 */
export class BinaryWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  /** @param initialBytes starting capacity. @default 1024 */
  constructor(initialBytes = 1024) {
    this.#buf = new Uint8Array(initialBytes);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Forgets what was written; keeps the capacity. */
  reset(): this {
    this.#pos = 0;
    return this;
  }

  #ensure(extra: number): void {
    const need = this.#pos + extra;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  u8(value: number): this {
    this.#ensure(1);
    this.#buf[this.#pos++] = value;
    return this;
  }

  /** Unsigned LEB128 varint for 0..2^53-1. */
  uvar(value: number): this {
    this.#ensure(8);
    const buf = this.#buf;
    while (value >= 0x80) {
      buf[this.#pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buf[this.#pos++] = value;
    return this;
  }

  /** Zigzag varint for signed integers from -2^52 to 2^52 - 1 (their zigzag form stays a safe integer). */
  svar(value: number): this {
    return this.uvar(value < 0 ? -2 * value - 1 : 2 * value);
  }

  /** Unsigned varint for a bigint in 0..2^64-1. */
  ubig(value: bigint): this {
    this.#ensure(10);
    while (value >= 0x80n) {
      this.#buf[this.#pos++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    this.#buf[this.#pos++] = Number(value);
    return this;
  }

  /** Zigzag varint for a bigint in -2^63..2^63-1. */
  sbig(value: bigint): this {
    return this.ubig(value < 0n ? -2n * value - 1n : 2n * value);
  }

  f32(value: number): this {
    this.#ensure(4);
    this.#view.setFloat32(this.#pos, value, true);
    this.#pos += 4;
    return this;
  }

  f64(value: number): this {
    this.#ensure(8);
    this.#view.setFloat64(this.#pos, value, true);
    this.#pos += 8;
    return this;
  }

  u32le(value: number): this {
    this.#ensure(4);
    this.#view.setUint32(this.#pos, value, true);
    this.#pos += 4;
    return this;
  }

  /** Length-prefixed UTF-8. */
  string(value: string): this {
    // ASCII fast path: most identifiers and names are ASCII.
    const n = value.length;
    let ascii = true;
    for (let i = 0; i < n; i++)
      if (value.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    if (ascii) {
      this.uvar(n);
      this.#ensure(n);
      const buf = this.#buf;
      for (let i = 0; i < n; i++) buf[this.#pos++] = value.charCodeAt(i);
      return this;
    }
    const bytes = textEncoder.encode(value);
    return this.bytes(bytes);
  }

  /** Length-prefixed raw bytes. */
  bytes(value: Uint8Array): this {
    this.uvar(value.length);
    return this.raw(value);
  }

  /** Raw bytes, no length. */
  raw(value: Uint8Array): this {
    this.#ensure(value.length);
    this.#buf.set(value, this.#pos);
    this.#pos += value.length;
    return this;
  }

  /**
   * Raw bytes `source[start..end)`, no length. Copies without creating a view: the fan-out hot
   * path splices many short shared chunks into each client's frame.
   */
  rawRange(source: Uint8Array, start: number, end: number): this {
    const n = end - start;
    this.#ensure(n);
    const buf = this.#buf;
    let pos = this.#pos;
    if (n < 64) for (let i = start; i < end; i++) buf[pos++] = source[i]!;
    else {
      buf.set(source.subarray(start, end), pos);
      pos += n;
    }
    this.#pos = pos;
    return this;
  }

  /** Writes a 32-bit LE value at an earlier position (for back-patched lengths). */
  patchU32le(position: number, value: number): void {
    this.#view.setUint32(position, value, true);
  }

  /** A view of the bytes written (valid until the next write or reset). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }
}

/** Bytes a uvar of `n` takes, as {@link BinaryWriter.uvar} writes it (7 bits a byte). */
export function uvarBytes(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    bytes++;
  }
  return bytes;
}
