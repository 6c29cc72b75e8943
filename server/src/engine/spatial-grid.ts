import { compareValues } from './values';
import { sortedInsert, sortedRemove } from './sorted-list';

const CELL_OFFSET = 1 << 25;
const CELL_SPAN = 1 << 26;

/**
 * Packs integer cell coordinates (each within ±2^25) into one safe integer.
 * @throws RangeError if a coordinate is out of range.
 */
export function packCell(cx: number, cy: number): number {
  if (cx < -CELL_OFFSET || cx >= CELL_OFFSET || cy < -CELL_OFFSET || cy >= CELL_OFFSET)
    throw new RangeError(`grid cell (${cx}, ${cy}) is outside ±2^25`);
  return (cx + CELL_OFFSET) * CELL_SPAN + (cy + CELL_OFFSET);
}

/** The cell x coordinate of a packed cell. */
export function cellX(cell: number): number {
  return Math.floor(cell / CELL_SPAN) - CELL_OFFSET;
}

/** The cell y coordinate of a packed cell. */
export function cellY(cell: number): number {
  return (cell % CELL_SPAN) - CELL_OFFSET;
}

/**
 * A uniform grid from cells to the primary keys of the rows inside them. Each cell keeps its keys
 * sorted, so query results come out in an order that depends only on the data.
 */
export class SpatialGrid {
  /** Side of one cell. */
  readonly cellSize: number;
  readonly #cells = new Map<number, unknown[]>();

  constructor(cellSize: number) {
    if (!(cellSize > 0) || !Number.isFinite(cellSize))
      throw new RangeError(`cellSize must be > 0, got ${cellSize}`);
    this.cellSize = cellSize;
  }

  /** The packed cell containing point (x, y). */
  cellOf(x: number, y: number): number {
    return packCell(Math.floor(x / this.cellSize), Math.floor(y / this.cellSize));
  }

  /** Number of occupied cells. */
  get occupiedCells(): number {
    return this.#cells.size;
  }

  add(key: unknown, x: number, y: number): void {
    const cell = this.cellOf(x, y);
    let bucket = this.#cells.get(cell);
    if (bucket === undefined) this.#cells.set(cell, (bucket = []));
    sortedInsert(bucket, key, compareValues);
  }

  remove(key: unknown, x: number, y: number): void {
    const cell = this.cellOf(x, y);
    const bucket = this.#cells.get(cell);
    if (bucket === undefined) return;
    sortedRemove(bucket, key, compareValues);
    if (bucket.length === 0) this.#cells.delete(cell);
  }

  /** Moves a key between cells if (ox, oy) and (nx, ny) fall in different cells. */
  move(key: unknown, ox: number, oy: number, nx: number, ny: number): void {
    if (this.cellOf(ox, oy) === this.cellOf(nx, ny)) return;
    this.remove(key, ox, oy);
    this.add(key, nx, ny);
  }

  /** The keys in one packed cell (sorted), or undefined. */
  keysIn(cell: number): readonly unknown[] | undefined {
    return this.#cells.get(cell);
  }

  /**
   * Visits the keys of every cell that overlaps the rectangle, cell by cell in row-major order
   * (y, then x). Callers filter exact coordinates.
   */
  visitRect(minX: number, minY: number, maxX: number, maxY: number, visit: (key: unknown) => void): void {
    if (!(minX <= maxX && minY <= maxY)) return;
    const cs = this.cellSize;
    const cx0 = Math.floor(minX / cs);
    const cx1 = Math.floor(maxX / cs);
    const cy0 = Math.floor(minY / cs);
    const cy1 = Math.floor(maxY / cs);
    const span = (cx1 - cx0 + 1) * (cy1 - cy0 + 1);
    if (span > this.#cells.size * 4) {
      // A huge rectangle over a sparse grid: walk occupied cells instead of empty ones.
      const hits: number[] = [];
      for (const cell of this.#cells.keys()) {
        const cx = cellX(cell);
        const cy = cellY(cell);
        if (cx >= cx0 && cx <= cx1 && cy >= cy0 && cy <= cy1) hits.push(cell);
      }
      hits.sort((a, b) => cellY(a) - cellY(b) || cellX(a) - cellX(b));
      for (const cell of hits) for (const key of this.#cells.get(cell)!) visit(key);
      return;
    }
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const bucket = this.#cells.get(packCell(cx, cy));
        if (bucket === undefined) continue;
        for (let i = 0; i < bucket.length; i++) visit(bucket[i]);
      }
    }
  }

  clear(): void {
    this.#cells.clear();
  }
}
