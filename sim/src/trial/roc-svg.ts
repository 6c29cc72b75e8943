import type { RocPoint } from '../detect/roc';

/** Colours of the tiers' curves. */
const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

/** Options of {@link rocSvg}. */
export interface RocSvgOptions {
  readonly title: string;
  /** Pixel size of each of the two panels. @default 360 */
  readonly panelPx?: number;
}

/**
 * Renders ROC curves as a standalone SVG with two panels: linear axes, and a log-scaled
 * false-positive axis from 0.1% to 100% (where operating points of a bot detector live).
 * @example
 * writeFileSync('roc.svg', rocSvg({ naive: points }, { title: 'trial' }));
 */
export function rocSvg(
  curves: Readonly<Record<string, readonly RocPoint[]>>,
  options: RocSvgOptions,
): string {
  const size = options.panelPx ?? 360;
  const pad = 48;
  const width = 2 * (size + pad) + pad;
  const height = size + 2 * pad + 24 * Math.ceil(Object.keys(curves).length / 3);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escape(options.title)}</text>`,
  );
  const minLog = -3;
  const panels = [
    { x0: pad, label: 'false-positive rate', fx: (f: number) => f },
    {
      x0: 2 * pad + size,
      label: 'false-positive rate (log)',
      fx: (f: number) => (Math.log10(Math.max(f, 10 ** minLog)) - minLog) / -minLog,
    },
  ];
  for (const [p, panel] of panels.entries()) {
    const y0 = pad;
    out.push(`<rect x="${panel.x0}" y="${y0}" width="${size}" height="${size}" fill="none" stroke="#333"/>`);
    for (let k = 0; k <= 4; k++) {
      const v = k / 4;
      const y = y0 + size - v * size;
      out.push(`<line x1="${panel.x0}" y1="${y}" x2="${panel.x0 + size}" y2="${y}" stroke="#eee"/>`);
      out.push(`<text x="${panel.x0 - 6}" y="${y + 4}" text-anchor="end">${v.toFixed(2)}</text>`);
    }
    const ticks = p === 0 ? [0, 0.25, 0.5, 0.75, 1] : [0.001, 0.01, 0.1, 1];
    for (const tv of ticks) {
      const x = panel.x0 + panel.fx(tv) * size;
      out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + size}" stroke="#eee"/>`);
      out.push(
        `<text x="${x}" y="${y0 + size + 16}" text-anchor="middle">${p === 0 ? tv.toFixed(2) : `${tv * 100}%`}</text>`,
      );
    }
    out.push(
      `<text x="${panel.x0 + size / 2}" y="${y0 + size + 34}" text-anchor="middle">${panel.label}</text>`,
    );
    out.push(
      `<text x="${panel.x0 - 36}" y="${y0 + size / 2}" text-anchor="middle" transform="rotate(-90 ${panel.x0 - 36} ${y0 + size / 2})">true-positive rate</text>`,
    );
    if (p === 0)
      out.push(
        `<line x1="${panel.x0}" y1="${y0 + size}" x2="${panel.x0 + size}" y2="${y0}" stroke="#bbb" stroke-dasharray="4 4"/>`,
      );
    const n = Object.keys(curves).length;
    Object.values(curves).forEach((points, i) => {
      const path = points
        .map(
          (pt, j) =>
            `${j === 0 ? 'M' : 'L'}${(panel.x0 + panel.fx(pt.fpr) * size).toFixed(1)},${(y0 + size - pt.tpr * size).toFixed(1)}`,
        )
        .join(' ');
      // Earlier curves are drawn wider, so curves that coincide (often at TPR 1) stay visible.
      const width = 1.5 + 2 * (n - 1 - i);
      out.push(
        `<path d="${path}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="${width}" stroke-opacity="0.85" stroke-linejoin="round"/>`,
      );
    });
  }
  Object.keys(curves).forEach((name, i) => {
    const x = pad + (i % 3) * 200;
    const y = pad + size + 50 + Math.floor(i / 3) * 20;
    out.push(`<rect x="${x}" y="${y - 9}" width="14" height="4" fill="${COLOURS[i % COLOURS.length]}"/>`);
    out.push(`<text x="${x + 20}" y="${y - 4}">${escape(name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
