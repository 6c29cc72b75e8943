/**
 * A uniform grid of entity ids for the Colyseus room's area of interest: the structure a careful
 * Colyseus developer writes next to StateView, since Colyseus has no spatial index of its own.
 * Cells hold dense id arrays with swap-remove; positions live in growable typed arrays by id.
 */
export class InterestGrid {
  /** World width, units. */
  readonly width: number;
  /** World height, units. */
  readonly height: number;
  /** Side of one cell, units. */
  readonly cellSize: number;
  readonly #cols: number;
  readonly #rows: number;
  readonly #cells: number[][];
  #x = new Float64Array(64);
  #y = new Float64Array(64);
  /** Cell of each id, -1 when absent. */
  #cellOf = new Int32Array(64).fill(-1);
  /** Position of each id inside its cell's array. */
  #slotOf = new Int32Array(64);
  #size = 0;

  constructor(width: number, height: number, cellSize: number) {
    if (!(width > 0 && height > 0 && cellSize > 0))
      throw new RangeError(`grid ${width}x${height} with cell ${cellSize}: all must be > 0`);
    this.width = width;
    this.height = height;
    this.cellSize = cellSize;
    this.#cols = Math.max(1, Math.ceil(width / cellSize));
    this.#rows = Math.max(1, Math.ceil(height / cellSize));
    this.#cells = Array.from({ length: this.#cols * this.#rows }, () => []);
  }

  /** Number of ids in the grid. */
  get size(): number {
    return this.#size;
  }

  #cellIndex(x: number, y: number): number {
    // Positions outside the world clamp to the border cells, so nothing is ever lost.
    const cx = clamp(Math.floor(x / this.cellSize), this.#cols - 1);
    const cy = clamp(Math.floor(y / this.cellSize), this.#rows - 1);
    return cy * this.#cols + cx;
  }

  #grow(id: number): void {
    let n = this.#x.length;
    while (n <= id) n *= 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, fill: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.fill(fill);
      b.set(a);
      return b;
    };
    this.#x = grow(this.#x, 0);
    this.#y = grow(this.#y, 0);
    this.#cellOf = grow(this.#cellOf, -1);
    this.#slotOf = grow(this.#slotOf, 0);
  }

  /** Whether the id is in the grid. */
  has(id: number): boolean {
    return id >= 0 && id < this.#cellOf.length && this.#cellOf[id] !== -1;
  }

  /**
   * Adds an id at a position, or moves it there.
   * @throws RangeError for a negative or non-integer id.
   */
  set(id: number, x: number, y: number): void {
    if (!(Number.isInteger(id) && id >= 0))
      throw new RangeError(`grid ids are non-negative integers, got ${id}`);
    if (id >= this.#x.length) this.#grow(id);
    this.#x[id] = x;
    this.#y[id] = y;
    const cell = this.#cellIndex(x, y);
    const old = this.#cellOf[id]!;
    if (old === cell) return;
    if (old !== -1) this.#unlink(id, old);
    else this.#size++;
    const list = this.#cells[cell]!;
    this.#slotOf[id] = list.length;
    list.push(id);
    this.#cellOf[id] = cell;
  }

  #unlink(id: number, cell: number): void {
    const list = this.#cells[cell]!;
    const slot = this.#slotOf[id]!;
    const last = list.pop()!;
    if (last !== id) {
      list[slot] = last;
      this.#slotOf[last] = slot;
    }
  }

  /** Removes an id; returns whether it was there. */
  delete(id: number): boolean {
    if (!this.has(id)) return false;
    this.#unlink(id, this.#cellOf[id]!);
    this.#cellOf[id] = -1;
    this.#size--;
    return true;
  }

  /**
   * Appends to `out` every id within `radius` of (x, y), borders inclusive, and returns `out`.
   * Only the cells overlapping the circle's bounding box are visited.
   */
  withinRadius(x: number, y: number, radius: number, out: number[] = []): number[] {
    const size = this.cellSize;
    // Clamped both ways, like stored positions, so a query outside the world still finds the
    // border cells' entities that lie within reach.
    const cols = this.#cols - 1;
    const rows = this.#rows - 1;
    const minCx = clamp(Math.floor((x - radius) / size), cols);
    const maxCx = clamp(Math.floor((x + radius) / size), cols);
    const minCy = clamp(Math.floor((y - radius) / size), rows);
    const maxCy = clamp(Math.floor((y + radius) / size), rows);
    const r2 = radius * radius;
    const xs = this.#x;
    const ys = this.#y;
    for (let cy = minCy; cy <= maxCy; cy++) {
      for (let cx = minCx; cx <= maxCx; cx++) {
        const list = this.#cells[cy * this.#cols + cx]!;
        for (let i = 0; i < list.length; i++) {
          const id = list[i]!;
          const ddx = xs[id]! - x;
          const ddy = ys[id]! - y;
          if (ddx * ddx + ddy * ddy <= r2) out.push(id);
        }
      }
    }
    return out;
  }
}

function clamp(cell: number, max: number): number {
  return cell < 0 ? 0 : cell > max ? max : cell;
}

/**
 * Creates an interest grid over a `width` x `height` world.
 * @throws RangeError when a dimension is not positive.
 * @example
 * const grid = createInterestGrid(1000, 500, 100);
 * grid.set(7, 120, 40);
 * grid.withinRadius(100, 50, 30); // -> [7]
 */
export function createInterestGrid(width: number, height: number, cellSize: number): InterestGrid {
  return new InterestGrid(width, height, cellSize);
}
