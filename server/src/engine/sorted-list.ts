/**
 * An ordered multiset kept as a list of sorted chunks (at most `maxChunk` entries each):
 * O(log n) search, O(chunk) insert and delete, in-order iteration from any position.
 * The backing store of btree indexes; simpler and faster in JavaScript than a pointer B+tree.
 */
export class SortedList<T> {
  readonly #compare: (a: T, b: T) => number;
  readonly #maxChunk: number;
  #chunks: T[][] = [];
  #size = 0;

  constructor(compare: (a: T, b: T) => number, maxChunk = 512) {
    this.#compare = compare;
    this.#maxChunk = maxChunk;
  }

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** Index of the first chunk whose last entry is >= `value` (or the last chunk). */
  #chunkFor(value: T, compare: (a: T, b: T) => number): number {
    const chunks = this.#chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (compare(chunk[chunk.length - 1]!, value) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds an entry (duplicates allowed, placed after equal entries). */
  add(value: T): void {
    const chunks = this.#chunks;
    this.#size++;
    if (chunks.length === 0) {
      chunks.push([value]);
      return;
    }
    const ci = this.#chunkFor(value, this.#compare);
    const chunk = chunks[ci]!;
    chunk.splice(upperBound(chunk, value, this.#compare), 0, value);
    if (chunk.length > this.#maxChunk) chunks.splice(ci + 1, 0, chunk.splice(chunk.length >>> 1));
  }

  /** Removes one entry equal to `value` under the comparator. Returns whether one was found. */
  delete(value: T): boolean {
    const chunks = this.#chunks;
    if (chunks.length === 0) return false;
    const compare = this.#compare;
    const ci = this.#chunkFor(value, compare);
    const chunk = chunks[ci]!;
    const i = lowerBound(chunk, value, compare);
    if (i >= chunk.length || compare(chunk[i]!, value) !== 0) return false;
    chunk.splice(i, 1);
    this.#size--;
    if (chunk.length === 0) chunks.splice(ci, 1);
    return true;
  }

  /**
   * Visits entries in order starting at the first entry for which `startCompare(entry) >= 0`
   * (or from the beginning), until `visit` returns false.
   */
  scan(startCompare: ((entry: T) => number) | undefined, visit: (entry: T) => boolean): void {
    const chunks = this.#chunks;
    let ci = 0;
    let i = 0;
    if (startCompare !== undefined) {
      let lo = 0;
      let hi = chunks.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const chunk = chunks[mid]!;
        if (startCompare(chunk[chunk.length - 1]!) < 0) lo = mid + 1;
        else hi = mid;
      }
      ci = lo;
      if (ci < chunks.length) {
        const chunk = chunks[ci]!;
        let a = 0;
        let b = chunk.length;
        while (a < b) {
          const mid = (a + b) >>> 1;
          if (startCompare(chunk[mid]!) < 0) a = mid + 1;
          else b = mid;
        }
        i = a;
      }
    }
    for (; ci < chunks.length; ci++, i = 0) {
      const chunk = chunks[ci]!;
      for (; i < chunk.length; i++) if (!visit(chunk[i]!)) return;
    }
  }

  /** Removes every entry. */
  clear(): void {
    this.#chunks = [];
    this.#size = 0;
  }
}

/** First position in sorted `array` whose entry is >= `value`. */
function lowerBound<T>(array: readonly T[], value: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = array.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(array[mid]!, value) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position in sorted `array` whose entry is > `value`. */
function upperBound<T>(array: readonly T[], value: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = array.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(array[mid]!, value) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `value` into sorted `array` unless an equal entry is present. */
export function sortedInsert<T>(array: T[], value: T, compare: (a: T, b: T) => number): void {
  const i = lowerBound(array, value, compare);
  if (i < array.length && compare(array[i]!, value) === 0) return;
  if (i === array.length) array.push(value);
  else array.splice(i, 0, value);
}

/** Removes `value` from sorted `array`. Returns whether it was there. */
export function sortedRemove<T>(array: T[], value: T, compare: (a: T, b: T) => number): boolean {
  const i = lowerBound(array, value, compare);
  if (i >= array.length || compare(array[i]!, value) !== 0) return false;
  if (i === array.length - 1) array.pop();
  else array.splice(i, 1);
  return true;
}
