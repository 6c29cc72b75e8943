import type { AnyRow } from './change-set';
import type { SpatialGrid } from './spatial-grid';

/** A table's spatial index as its queries read it: the grid, the coordinate columns and the row lookup. */
export interface SpatialRows {
  readonly grid: SpatialGrid;
  readonly x: string;
  readonly y: string;
  readonly find: (key: unknown) => AnyRow | undefined;
}

/** Rows with minX <= x <= maxX and minY <= y <= maxY, cell by cell, keys sorted within a cell. */
export function rowsInRect(s: SpatialRows, minX: number, minY: number, maxX: number, maxY: number): AnyRow[] {
  const xs = s.x;
  const ys = s.y;
  const out: AnyRow[] = [];
  s.grid.visitRect(minX, minY, maxX, maxY, (key) => {
    const row = s.find(key)!;
    const x = row[xs] as number;
    const y = row[ys] as number;
    if (x >= minX && x <= maxX && y >= minY && y <= maxY) out.push(row);
  });
  return out;
}

/** Rows within distance `radius` of (cx, cy), inclusive. */
export function rowsInRadius(s: SpatialRows, cx: number, cy: number, radius: number): AnyRow[] {
  const xs = s.x;
  const ys = s.y;
  const r2 = radius * radius;
  const out: AnyRow[] = [];
  s.grid.visitRect(cx - radius, cy - radius, cx + radius, cy + radius, (key) => {
    const row = s.find(key)!;
    const dx = (row[xs] as number) - cx;
    const dy = (row[ys] as number) - cy;
    if (dx * dx + dy * dy <= r2) out.push(row);
  });
  return out;
}
