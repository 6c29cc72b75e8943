const SVG = 'http://www.w3.org/2000/svg';

/**
 * Draws `values` as a line in an SVG of a fixed 300x90 viewBox, scaled from 0 (or the lowest
 * value when negative) to the highest, with that maximum written in the corner.
 */
export function drawSparkline(svg: SVGSVGElement, values: readonly number[]): void {
  svg.setAttribute('viewBox', '0 0 300 90');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.replaceChildren();
  const highest = values.length === 0 ? 0 : Math.max(...values);
  const min = Math.min(0, ...values);
  // A flat zero series still needs a non-empty scale.
  const max = highest > min ? highest : min + 1;
  const x = (i: number) => (values.length <= 1 ? 300 : (i / (values.length - 1)) * 300);
  // The top 16 units are the label's: the line never runs under it.
  const y = (v: number) => 84 - ((v - min) / (max - min)) * 66;
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#2c6bed');
  line.setAttribute('stroke-width', '2');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  const base = document.createElementNS(SVG, 'line');
  for (const [k, v] of [
    ['x1', 0],
    ['x2', 300],
    ['y1', 84],
    ['y2', 84],
  ] as const)
    base.setAttribute(k, String(v));
  base.setAttribute('stroke', '#dde2ea');
  const label = document.createElementNS(SVG, 'text');
  label.setAttribute('x', '2');
  label.setAttribute('y', '10');
  label.setAttribute('font-size', '10');
  label.setAttribute('fill', '#6b7687');
  label.textContent = `max ${formatNumber(highest)}`;
  svg.append(base, line, label);
}

/** A number for a chart label: integers as they are, others to 3 significant digits. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en');
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);
}
