import type { AnyRow } from './change-set';
import type { RowHasher } from './row-hash';

const scratch = new Uint32Array(2);

/**
 * One table's share of the state hash: each row's two hash lanes, kept parallel to the table's
 * dense row array (same positions, same swap-remove), so that deletes and updates subtract the old
 * row's lanes without hashing it again. The state hash is the sum mod 2^32 of every row's lanes.
 */
export class RowHashLanes {
  #a: number[] = [];
  #b: number[] = [];
  readonly #hasher: RowHasher;
  readonly #hash: Uint32Array;

  /** `hash` is the engine's state hash (two lanes), shared by every table. */
  constructor(hasher: RowHasher, hash: Uint32Array) {
    this.#hasher = hasher;
    this.#hash = hash;
  }

  /** Hashes `row`, stores its lanes at `pos` and adds them to the state hash. */
  hashIn(row: AnyRow, pos: number): void {
    this.#hasher(row, scratch);
    const a = scratch[0]!;
    const b = scratch[1]!;
    this.#a[pos] = a;
    this.#b[pos] = b;
    const h = this.#hash;
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
  }

  /** Subtracts the stored lanes of the row at `pos` from the state hash (they stay stored). */
  hashOut(pos: number): void {
    const h = this.#hash;
    h[0] = (h[0]! - this.#a[pos]!) >>> 0;
    h[1] = (h[1]! - this.#b[pos]!) >>> 0;
  }

  /**
   * Replaces the lanes at `pos` by `row`'s in one step (an update): the state hash moves by the
   * difference, with one read and one write of it instead of a subtraction and an addition.
   */
  rehash(row: AnyRow, pos: number): void {
    this.#hasher(row, scratch);
    const a = scratch[0]!;
    const b = scratch[1]!;
    const h = this.#hash;
    h[0] = (h[0]! - this.#a[pos]! + a) >>> 0;
    h[1] = (h[1]! - this.#b[pos]! + b) >>> 0;
    this.#a[pos] = a;
    this.#b[pos] = b;
  }

  /** Swap-remove at `pos`, as the row array does: the last lanes move to `pos`. */
  removeAt(pos: number): void {
    const lastA = this.#a.pop()!;
    const lastB = this.#b.pop()!;
    if (pos < this.#a.length) {
      this.#a[pos] = lastA;
      this.#b[pos] = lastB;
    }
  }

  /** Appends a copy of the lanes at `pos` (an undone delete moves the row there back to the end). */
  pushCopyOf(pos: number): void {
    this.#a.push(this.#a[pos]!);
    this.#b.push(this.#b[pos]!);
  }

  /** Forgets every row's lanes without touching the state hash. */
  clear(): void {
    this.#a.length = 0;
    this.#b.length = 0;
  }

  /** Hashes `rows` into lanes at their positions, without touching the state hash. */
  rebuild(rows: readonly AnyRow[]): void {
    this.clear();
    for (let pos = 0; pos < rows.length; pos++) {
      this.#hasher(rows[pos]!, scratch);
      this.#a[pos] = scratch[0]!;
      this.#b[pos] = scratch[1]!;
    }
  }

  /** Takes `old`'s stored lanes (its rows move to this table) and leaves `old` with none. */
  adopt(old: RowHashLanes): void {
    this.#a = old.#a;
    this.#b = old.#b;
    old.#a = [];
    old.#b = [];
  }
}
