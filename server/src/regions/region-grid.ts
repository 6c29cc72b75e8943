import { TickspaceError } from '../engine';

/** One region's rectangle of the world: `minX <= x < maxX`, `minY <= y < maxY`. */
export interface RegionRect {
  /** `r<column>_<row>`, e.g. `r1_0`. */
  readonly name: string;
  readonly column: number;
  readonly row: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** A world split into `columns x rows` rectangles, as `tickspace serve --regions CxR` will run it. */
export interface RegionGrid {
  readonly columns: number;
  readonly rows: number;
  readonly regions: readonly RegionRect[];
  /** The region whose rectangle holds the point (points outside the world clamp to the edge region). */
  regionAt(x: number, y: number): RegionRect;
  /**
   * The border rule with hysteresis: the region an entity of `current` at (x, y) should be handed
   * to, or undefined while it is inside `current` or less than `hysteresis` into a neighbour (so
   * an entity walking along a border does not ping-pong).
   */
  crossing(current: string, x: number, y: number, hysteresis: number): RegionRect | undefined;
}

/**
 * Parses `CxR` (columns by rows, each 1 to 64) and splits a `width` by `height` world into equal
 * rectangles (the last column and row take the remainder).
 * @throws TickspaceError INVALID_ARGUMENT for a malformed spec or a world smaller than the grid.
 * @example
 * const grid = regionGrid('2x2', 512, 512);
 * grid.regionAt(300, 10).name; // -> 'r1_0'
 */
export function regionGrid(spec: string, width: number, height: number): RegionGrid {
  const m = /^(\d{1,2})x(\d{1,2})$/.exec(spec);
  const columns = m ? Number(m[1]) : 0;
  const rows = m ? Number(m[2]) : 0;
  if (!m || columns < 1 || rows < 1 || columns > 64 || rows > 64)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `--regions ${spec}: expected <columns>x<rows>, each 1 to 64, e.g. 2x2`,
      {
        details: { spec },
      },
    );
  if (!(width >= columns && height >= rows))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `--regions ${spec}: a ${width}x${height} world is smaller than the grid (one cell per region at least)`,
      { details: { spec, width, height } },
    );
  const cellW = Math.floor(width / columns);
  const cellH = Math.floor(height / rows);
  const regions: RegionRect[] = [];
  for (let row = 0; row < rows; row++)
    for (let column = 0; column < columns; column++)
      regions.push({
        name: `r${column}_${row}`,
        column,
        row,
        minX: column * cellW,
        minY: row * cellH,
        maxX: column === columns - 1 ? width : (column + 1) * cellW,
        maxY: row === rows - 1 ? height : (row + 1) * cellH,
      });
  const byName = new Map(regions.map((r) => [r.name, r]));
  const regionAt = (x: number, y: number): RegionRect => {
    const column = Math.min(columns - 1, Math.max(0, Math.floor(x / cellW)));
    const row = Math.min(rows - 1, Math.max(0, Math.floor(y / cellH)));
    return regions[row * columns + column]!;
  };
  return {
    columns,
    rows,
    regions,
    regionAt,
    crossing(current, x, y, hysteresis) {
      const here = byName.get(current);
      if (here === undefined)
        throw new TickspaceError('INVALID_ARGUMENT', `no region ${current} in a ${spec} grid`, {
          details: { region: current },
        });
      const target = regionAt(x, y);
      if (target === here) return undefined;
      // How far past our own rectangle the point is, along each axis.
      const outX = x < here.minX ? here.minX - x : x >= here.maxX ? x - here.maxX : 0;
      const outY = y < here.minY ? here.minY - y : y >= here.maxY ? y - here.maxY : 0;
      return Math.max(outX, outY) >= hysteresis ? target : undefined;
    },
  };
}

/**
 * How far the point (x, y) is from the rectangle (0 inside it or on its edge): the distance a
 * ghost band is measured in.
 * @example
 * distanceToRect({ minX: 0, minY: 0, maxX: 10, maxY: 10 }, 13, 14); // -> 5
 */
export function distanceToRect(
  rect: Pick<RegionRect, 'minX' | 'minY' | 'maxX' | 'maxY'>,
  x: number,
  y: number,
): number {
  const dx = Math.max(rect.minX - x, 0, x - rect.maxX);
  const dy = Math.max(rect.minY - y, 0, y - rect.maxY);
  return Math.hypot(dx, dy);
}

/** How far apart two rectangles are (0 when they touch or overlap). */
export function rectGap(a: RegionRect, b: RegionRect): number {
  const dx = Math.max(a.minX - b.maxX, 0, b.minX - a.maxX);
  const dy = Math.max(a.minY - b.maxY, 0, b.minY - a.maxY);
  return Math.hypot(dx, dy);
}
