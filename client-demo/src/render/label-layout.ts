/** A name label to place: its default box (centre x, bottom y, size; world px) and its priority. */
export interface LabelBox {
  x: number;
  bottom: number;
  width: number;
  height: number;
  /** Lower goes first: placed labels push later ones up or hide them. */
  priority: number;
  /** Output: how far the label is lifted above its default place, px, or -1 when hidden. */
  lift: number;
}

/** Options of {@link layoutLabels}. */
export interface LabelLayoutOptions {
  /** Times a label may be lifted above a label in its way before it is hidden instead. @default 2 */
  readonly maxLift?: number;
  /** Gap kept between labels, px. @default 1 */
  readonly gapPx?: number;
}

/** Side of the grid cells placed boxes are filed under, px (about one short name). */
const CELL_PX = 48;

/**
 * Simple label collision avoidance: in priority order, each label takes its default place if free,
 * else it moves up to just above the label in its way, at most `maxLift` times, else it is hidden
 * (`lift` -1).
 * Placed boxes are filed in a grid of {@link CELL_PX} cells, so each label only tests its
 * neighbours: linear in the number of labels for a spread-out crowd.
 *
 * @example
 * const a = { x: 0, bottom: 0, width: 40, height: 12, priority: 0, lift: 0 };
 * const b = { x: 5, bottom: 2, width: 40, height: 12, priority: 1, lift: 0 };
 * new LabelLayout().layout([a, b]); // -> a.lift 0, b.lift 15 (stacked just above a)
 */
export class LabelLayout {
  readonly #grid = new Map<number, LabelBox[]>();
  /** The cells filled by the last layout, emptied by the next (not the whole grid). */
  readonly #touched: LabelBox[][] = [];
  readonly #order: LabelBox[] = [];

  /** Sets `lift` on every box. */
  layout(boxes: readonly LabelBox[], options: LabelLayoutOptions = {}): void {
    const maxLift = options.maxLift ?? 2;
    const gap = options.gapPx ?? 1;
    for (const list of this.#touched) list.length = 0;
    this.#touched.length = 0;
    const order = this.#order;
    order.length = 0;
    for (let i = 0; i < boxes.length; i++) order.push(boxes[i]!);
    order.sort((a, b) => a.priority - b.priority);
    for (let i = 0; i < order.length; i++) {
      const box = order[i]!;
      box.lift = -1;
      let bottom = box.bottom;
      for (let attempt = 0; attempt <= maxLift; attempt++) {
        const blocker = this.#blocker(box, bottom, gap);
        if (blocker === undefined) {
          box.lift = box.bottom - bottom;
          this.#file(box);
          break;
        }
        bottom = blocker.bottom - blocker.lift - blocker.height - gap;
      }
    }
  }

  /** A placed label overlapping `box` with its bottom at `atBottom` (with `gap` around), if any. */
  #blocker(box: LabelBox, atBottom: number, gap: number): LabelBox | undefined {
    const left = box.x - box.width / 2 - gap;
    const right = box.x + box.width / 2 + gap;
    const bottom = atBottom + gap;
    const top = atBottom - box.height - gap;
    for (let cx = cell(left); cx <= cell(right); cx++)
      for (let cy = cell(top); cy <= cell(bottom); cy++) {
        const list = this.#grid.get(key(cx, cy));
        if (list === undefined) continue;
        for (let i = 0; i < list.length; i++) {
          const o = list[i]!;
          const oBottom = o.bottom - o.lift;
          if (
            left < o.x + o.width / 2 &&
            right > o.x - o.width / 2 &&
            top < oBottom &&
            bottom > oBottom - o.height
          )
            return o;
        }
      }
    return undefined;
  }

  #file(box: LabelBox): void {
    const bottom = box.bottom - box.lift;
    const top = bottom - box.height;
    for (let cx = cell(box.x - box.width / 2); cx <= cell(box.x + box.width / 2); cx++)
      for (let cy = cell(top); cy <= cell(bottom); cy++) {
        const k = key(cx, cy);
        let list = this.#grid.get(k);
        if (list === undefined) this.#grid.set(k, (list = []));
        if (list.length === 0) this.#touched.push(list);
        list.push(box);
      }
  }
}

function cell(px: number): number {
  return Math.floor(px / CELL_PX);
}

/** One number per cell (x and y within ±2^20 cells: far beyond any world in px / 48). */
function key(cx: number, cy: number): number {
  return (cx + 0x100000) * 0x200000 + (cy + 0x100000);
}
