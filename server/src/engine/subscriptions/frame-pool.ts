/** Size of the slabs small frames are carved from, and the largest frame carved. */
const POOL_BYTES = 8192;
const POOL_MAX_FRAME = 4096;

/**
 * Copies of small tick frames carved from shared 8 KiB slabs (the policy of Node's Buffer pool):
 * one backing store per slab instead of one per client per tick, and a retained frame pins at most
 * one slab. Larger frames get their own copy. Frames are never written after they are handed out.
 */
export class FramePool {
  #slab = new Uint8Array(0);
  #pos = 0;

  /** An owned copy of `bytes`, valid for as long as the caller keeps it. */
  copy(bytes: Uint8Array): Uint8Array {
    const n = bytes.length;
    if (n > POOL_MAX_FRAME) return bytes.slice();
    if (this.#pos + n > this.#slab.length) {
      this.#slab = new Uint8Array(POOL_BYTES);
      this.#pos = 0;
    }
    const out = this.#slab.subarray(this.#pos, this.#pos + n);
    out.set(bytes);
    this.#pos += n;
    return out;
  }
}
