/**
 * A small self-contained SVG line chart: no library, no script, so the reports open anywhere
 * (a browser, a GitHub preview) and diff as text.
 */

/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  /** Dashed line. @default false */
  readonly dashed?: boolean;
}

/** A horizontal reference line (a target or a budget). */
export interface ChartReference {
  readonly label: string;
  readonly y: number;
  readonly color?: string;
}

/** Options for {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly references?: readonly ChartReference[];
  /** @default 720 */
  readonly width?: number;
  /** @default 300 */
  readonly height?: number;
  /** Lower bound of the y axis. @default 0 */
  readonly yMin?: number;
  /** Upper bound of the y axis. @default the data's maximum, rounded up */
  readonly yMax?: number;
}

/** Colours used across reports: Tickspace, Colyseus, then extras. */
export const CHART_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'] as const;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A "nice" axis maximum and step: 1, 2 or 5 times a power of ten. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  // toPrecision trims float noise (3 * 0.1 = 0.30000000000000004) from axis labels.
  return { max: Number((Math.ceil(max / step) * step).toPrecision(12)), step };
}

function label(value: number): string {
  if (Math.abs(value) >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return Number(value.toPrecision(3)).toString();
}

/**
 * Renders a line chart as an SVG document string.
 * @example
 * const svg = lineChart({ title: 'ticks', xLabel: 's', yLabel: 'Hz', series: [{ name: 'tickspace', color: '#2563eb', points: [[0, 20], [1, 20]] }] });
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 300;
  const left = 60;
  const right = 150;
  const top = 34;
  const bottom = 44;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = options.series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = all.map(([x]) => x);
  const xMin = xs.length === 0 ? 0 : Math.min(...xs);
  const xMaxRaw = xs.length === 0 ? 1 : Math.max(...xs);
  const xMax = xMaxRaw === xMin ? xMin + 1 : xMaxRaw;
  const yMin = options.yMin ?? 0;
  const dataMax = Math.max(yMin, ...all.map(([, y]) => y), ...(options.references ?? []).map((r) => r.y));
  const yScale = niceScale((options.yMax ?? dataMax) - yMin);
  const yMax = options.yMax ?? yMin + yScale.max;
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin)) * plotW;
  const py = (y: number) =>
    top + plotH - ((Math.min(Math.max(y, yMin), yMax) - yMin) / (yMax - yMin || 1)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
  );
  for (let y = yMin; y <= yMax + 1e-9; y += yScale.step) {
    const yy = py(y).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/>`);
    parts.push(
      `<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#374151">${label(y)}</text>`,
    );
  }
  const xStep = niceScale(xMax - xMin, 6).step;
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
    const xx = px(x).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${top + plotH}" y2="${top + plotH + 4}" stroke="#6b7280"/>`);
    parts.push(
      `<text x="${xx}" y="${top + plotH + 16}" text-anchor="middle" fill="#374151">${label(x)}</text>`,
    );
  }
  parts.push(
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#9ca3af"/>`,
  );
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" fill="#111827">${escapeXml(options.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111827">${escapeXml(options.yLabel)}</text>`,
  );
  for (const ref of options.references ?? []) {
    const yy = py(ref.y).toFixed(1);
    const color = ref.color ?? '#6b7280';
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${yy}" y2="${yy}" stroke="${color}" stroke-dasharray="2 3"/>`,
    );
    parts.push(
      `<text x="${left + plotW - 4}" y="${Number(yy) - 4}" text-anchor="end" fill="${color}">${escapeXml(ref.label)}</text>`,
    );
  }
  options.series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length > 0) {
      const d = pts
        .map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
        .join('');
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
      if (pts.length <= 12)
        for (const [x, y] of pts)
          parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    }
    const ly = top + 8 + i * 16;
    parts.push(
      `<line x1="${left + plotW + 10}" x2="${left + plotW + 28}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    parts.push(
      `<text x="${left + plotW + 32}" y="${ly}" dominant-baseline="middle" fill="#111827">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
