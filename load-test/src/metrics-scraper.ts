/**
 * Reads a running Tickspace server's Prometheus endpoint (`/metrics`), for `--url` runs where
 * the driver has no tick samples of its own: the tick counter gives ticks per second, the
 * duration gauges give p50/p99/max (the engine's figures: reducer time, without fan-out).
 */

/** One scrape. */
export interface MetricsScrape {
  /** When it was read, epoch ms. */
  readonly atMs: number;
  /** Last committed tick. */
  readonly tick: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The value of an unlabelled metric in a Prometheus text exposition, if present. */
export function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} ([-+0-9.eE]+|NaN)$`, 'm').exec(text);
  return match === null ? undefined : Number(match[1]);
}

/** `ws://host:port/ws` -> `http://host:port/metrics` (wss -> https). */
export function metricsUrlOf(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/metrics';
  url.search = '';
  return url.toString();
}

/**
 * Scrapes once; undefined when the endpoint is unreachable or is not a Tickspace server.
 * @example
 * const s = await scrapeTickspaceMetrics('ws://127.0.0.1:3000/ws');
 */
export async function scrapeTickspaceMetrics(
  wsUrl: string,
  timeoutMs = 2000,
): Promise<MetricsScrape | undefined> {
  try {
    const response = await fetch(metricsUrlOf(wsUrl), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const text = await response.text();
    const tick = metricValue(text, 'tickspace_tick');
    if (tick === undefined) return undefined;
    return {
      atMs: performance.timeOrigin + performance.now(),
      tick,
      p50Ms: metricValue(text, 'tickspace_tick_duration_p50_ms') ?? 0,
      p99Ms: metricValue(text, 'tickspace_tick_duration_p99_ms') ?? 0,
      maxMs: metricValue(text, 'tickspace_tick_duration_max_ms') ?? 0,
    };
  } catch {
    return undefined;
  }
}
