/**
 * Which partial cells of a moving circle may skip the moved pass's re-check (see `movedQuery` in
 * spatial-pass.ts). A following circle moves every tick its row moves, and re-checking every row
 * of each partial cell every tick is most of a crowd's fan-out, though a row far from both of the
 * circle's boundaries cannot change membership until the centre has travelled that far.
 *
 * So after re-checking a partial cell, the pass records the cell's slack: the least distance from
 * any of its rows to the boundary that row would cross (the exit radius for a member, the enter
 * radius for any other row). While the centre's path since then (the odometer) is shorter than
 * that, and no row of the cell changed since (the table's cell change ticks), every row keeps its
 * membership and has nothing to send, and the re-check is skipped. Values live per cell of the
 * query's box, row-major, in the same layout as its classes; a move builds the next box's values
 * and {@link commit} swaps them in. Nothing here is a source of truth: forgetting is always safe.
 */
export class QuietCells {
  /** Length of the centre's path so far (the sum of its moves' straight lengths). */
  odometer = 0;
  /** Odometer reading up to which the cell is quiet (-Infinity: re-check). */
  #until = new Float64Array(0);
  /** The tick whose rows the cell's slack was measured on. */
  #tick = new Float64Array(0);
  #nextUntil = new Float64Array(0);
  #nextTick = new Float64Array(0);

  /** Forgets every cell, for a box of `cells` cells (a new box, or members rebuilt). */
  reset(cells: number): void {
    if (this.#until.length < cells) {
      this.#until = new Float64Array(cells);
      this.#tick = new Float64Array(cells);
    }
    this.#until.fill(-Infinity);
  }

  /** Readies the next box's values, `cells` cells, all forgotten until {@link carry} or {@link measured}. */
  prepare(cells: number): void {
    if (this.#nextUntil.length < cells) {
      this.#nextUntil = new Float64Array(cells);
      this.#nextTick = new Float64Array(cells);
    }
    this.#nextUntil.fill(-Infinity, 0, cells);
  }

  /**
   * Whether the cell at `old` in the current box (or -1) is still quiet: the odometer has not
   * reached its bound and none of its rows changed after the tick it was measured on. When it is,
   * its values move to `next` in the next box.
   */
  carry(old: number, next: number, changedTick: number | undefined): boolean {
    if (old < 0 || !(this.odometer < this.#until[old]!)) return false;
    const tick = this.#tick[old]!;
    if (changedTick !== undefined && changedTick > tick) return false;
    this.#nextUntil[next] = this.#until[old]!;
    this.#nextTick[next] = tick;
    return true;
  }

  /** Records a re-checked cell of the next box: quiet for `slack` more of the path, as of `tick`. */
  measured(next: number, slack: number, tick: number): void {
    // A hair less than the measured slack, so that rounding never overstates it.
    this.#nextUntil[next] = this.odometer + slack * (1 - 1e-9) - 1e-9;
    this.#nextTick[next] = tick;
  }

  /** Makes the next box's values the current ones (with the query's own commitMove). */
  commit(): void {
    let t = this.#until;
    this.#until = this.#nextUntil;
    this.#nextUntil = t;
    t = this.#tick;
    this.#tick = this.#nextTick;
    this.#nextTick = t;
  }
}
