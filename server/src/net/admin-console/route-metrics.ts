import type { ConsoleContext } from './console-context';
import { QueryParams } from './query-params';

/**
 * `GET /admin/metrics`: the `/metrics` registry as JSON (prom-client's `getMetricsAsJSON`: name,
 * help, type, and values with their labels), plus the tick and the wall-clock time of the reading,
 * so a chart can turn counters into rates.
 */
export async function metricsRoute(url: URL, ctx: ConsoleContext): Promise<unknown> {
  new QueryParams(url, '/admin/metrics', []);
  const metrics = await ctx.hub.metrics.registry.getMetricsAsJSON();
  return {
    tick: ctx.engine.tick,
    atMs: Date.now(),
    metrics: metrics.map((m) => ({
      name: m.name,
      help: m.help,
      type: String(m.type),
      values: m.values.map((v) => ({ value: v.value, labels: v.labels })),
    })),
  };
}
