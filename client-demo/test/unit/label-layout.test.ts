import { describe, expect, it } from 'vitest';
import { LabelLayout, type LabelBox } from '../../src/render/label-layout';

const box = (x: number, bottom: number, priority: number, width = 40, height = 12): LabelBox => ({
  x,
  bottom,
  width,
  height,
  priority,
  lift: 0,
});

/** The drawn rectangle of a placed label. */
function rect(b: LabelBox) {
  const bottom = b.bottom - b.lift;
  return { left: b.x - b.width / 2, right: b.x + b.width / 2, top: bottom - b.height, bottom };
}

function overlaps(a: LabelBox, b: LabelBox): boolean {
  const p = rect(a);
  const q = rect(b);
  return p.left < q.right && p.right > q.left && p.top < q.bottom && p.bottom > q.top;
}

describe('LabelLayout', () => {
  it('leaves apart labels where they are', () => {
    const boxes = [box(0, 0, 0), box(100, 0, 1), box(0, 100, 2)];
    new LabelLayout().layout(boxes);
    expect(boxes.map((b) => b.lift)).toEqual([0, 0, 0]);
  });

  it('stacks overlapping labels in priority order, then hides the ones that do not fit', () => {
    // Five players on one spot (the spawn point): the first keeps its place, two stack, two hide.
    const boxes = [box(0, 0, 3), box(2, 1, 1), box(-3, 0, 0), box(1, 2, 4), box(0, 0, 2)];
    new LabelLayout().layout(boxes, { maxLift: 2 });
    const byPriority = [...boxes].sort((a, b) => a.priority - b.priority).map((b) => b.lift);
    // Each stacked label sits just above the one in its way (12 px high, 1 px gap).
    expect(byPriority).toEqual([0, 14, 26, -1, -1]);
    const shown = boxes.filter((b) => b.lift >= 0);
    for (const a of shown) for (const b of shown) if (a !== b) expect(overlaps(a, b)).toBe(false);
  });

  it('no two shown labels overlap in a random crowd, and a second layout starts afresh', () => {
    const layout = new LabelLayout();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 300;
    const crowd = Array.from({ length: 200 }, (_, i) => box(rnd(), rnd(), i, 20 + (i % 5) * 10));
    layout.layout(crowd);
    const shown = crowd.filter((b) => b.lift >= 0);
    expect(shown.length).toBeGreaterThan(20);
    expect(crowd.some((b) => b.lift > 0)).toBe(true);
    expect(crowd.some((b) => b.lift < 0)).toBe(true);
    for (let i = 0; i < shown.length; i++)
      for (let j = i + 1; j < shown.length; j++) expect(overlaps(shown[i]!, shown[j]!)).toBe(false);
    // Spread out, the same labels all fit: nothing of the crowded layout is left over.
    const spread = crowd.map((b, i) => ({ ...b, x: (i % 20) * 100, bottom: Math.floor(i / 20) * 50 }));
    layout.layout(spread);
    expect(spread.every((b) => b.lift === 0)).toBe(true);
  });
});
