import type { AnyRow } from './change-set';
import type { RowHasher } from './row-hash';

const scratch = new Uint32Array(2);
const INITIAL_ROWS = 16;

/**
 * One table's share of the state hash: each row's two hash lanes, kept parallel to the table's
 * dense row array (same positions, same swap-remove), so that deletes and updates subtract the old
 * row's lanes without hashing it again. The state hash is the sum mod 2^32 of every row's lanes.
 * Both lanes of a row sit side by side in one typed array (`2 * pos`, `2 * pos + 1`): an update of
 * a random row of a large table touches one cache line of lanes, not one in each of two arrays.
 */
export class RowHashLanes {
  #lanes = new Uint32Array(2 * INITIAL_ROWS);
  /** Rows with stored lanes: the table's row count. */
  #count = 0;
  readonly #hasher: RowHasher;
  readonly #hash: Uint32Array;

  /** `hash` is the engine's state hash (two lanes), shared by every table. */
  constructor(hasher: RowHasher, hash: Uint32Array) {
    this.#hasher = hasher;
    this.#hash = hash;
  }

  /** Makes room for lanes at `pos` (growing by doubling) and counts it when it is past the end. */
  #reach(pos: number): Uint32Array {
    if (pos >= this.#count) {
      if (2 * pos + 2 > this.#lanes.length) {
        const grown = new Uint32Array(Math.max(2 * this.#lanes.length, 2 * pos + 2));
        grown.set(this.#lanes.subarray(0, 2 * this.#count));
        this.#lanes = grown;
      }
      this.#count = pos + 1;
    }
    return this.#lanes;
  }

  /** Hashes `row`, stores its lanes at `pos` and adds them to the state hash. */
  hashIn(row: AnyRow, pos: number): void {
    this.#hasher(row, scratch);
    const a = scratch[0]!;
    const b = scratch[1]!;
    const lanes = this.#reach(pos);
    lanes[2 * pos] = a;
    lanes[2 * pos + 1] = b;
    const h = this.#hash;
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
  }

  /** Subtracts the stored lanes of the row at `pos` from the state hash (they stay stored). */
  hashOut(pos: number): void {
    const h = this.#hash;
    const lanes = this.#lanes;
    h[0] = h[0]! - lanes[2 * pos]!;
    h[1] = h[1]! - lanes[2 * pos + 1]!;
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
    const lanes = this.#lanes;
    // A Uint32Array store wraps mod 2^32, as the `>>> 0` of a number array did.
    h[0] = h[0]! - lanes[2 * pos]! + a;
    h[1] = h[1]! - lanes[2 * pos + 1]! + b;
    lanes[2 * pos] = a;
    lanes[2 * pos + 1] = b;
  }

  /** Swap-remove at `pos`, as the row array does: the last lanes move to `pos`. */
  removeAt(pos: number): void {
    const last = --this.#count;
    if (pos < last) {
      const lanes = this.#lanes;
      lanes[2 * pos] = lanes[2 * last]!;
      lanes[2 * pos + 1] = lanes[2 * last + 1]!;
    }
  }

  /** Appends a copy of the lanes at `pos` (an undone delete moves the row there back to the end). */
  pushCopyOf(pos: number): void {
    const end = this.#count;
    const lanes = this.#reach(end);
    lanes[2 * end] = lanes[2 * pos]!;
    lanes[2 * end + 1] = lanes[2 * pos + 1]!;
  }

  /** Forgets every row's lanes without touching the state hash. */
  clear(): void {
    this.#count = 0;
  }

  /** Hashes `rows` into lanes at their positions, without touching the state hash. */
  rebuild(rows: readonly AnyRow[]): void {
    this.clear();
    for (let pos = 0; pos < rows.length; pos++) {
      this.#hasher(rows[pos]!, scratch);
      const lanes = this.#reach(pos);
      lanes[2 * pos] = scratch[0]!;
      lanes[2 * pos + 1] = scratch[1]!;
    }
  }

  /** Takes `old`'s stored lanes (its rows move to this table) and leaves `old` with none. */
  adopt(old: RowHashLanes): void {
    this.#lanes = old.#lanes;
    this.#count = old.#count;
    old.#lanes = new Uint32Array(2 * INITIAL_ROWS);
    old.#count = 0;
  }
}
