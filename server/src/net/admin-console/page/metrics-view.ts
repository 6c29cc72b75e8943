import { admin } from './api';
import { h, replace } from './dom';
import { drawSparkline, formatNumber } from './sparkline';
import type { MetricsAnswer } from './types';

/** Samples kept per chart (one a second: two minutes). */
const SAMPLES = 120;

/** A chart: a metric's value (summed over its labels), or its rate per second for counters. */
const CHARTS = [
  { title: 'Tick duration p50, ms', metric: 'tickspace_tick_duration_p50_ms', rate: false },
  { title: 'Tick duration p99, ms', metric: 'tickspace_tick_duration_p99_ms', rate: false },
  { title: 'Ticks per second', metric: 'tickspace_tick', rate: true },
  { title: 'Clients', metric: 'tickspace_clients', rate: false },
  { title: 'Reducer calls per second', metric: 'tickspace_reducer_calls', rate: true },
  { title: 'Failed calls per second', metric: 'tickspace_reducer_failures', rate: true },
  { title: 'Bytes out per second', metric: 'tickspace_bytes_out_total', rate: true },
  { title: 'Bytes in per second', metric: 'tickspace_bytes_in_total', rate: true },
  { title: 'Live subscriptions', metric: 'tickspace_subscriptions', rate: false },
  { title: 'Queued calls', metric: 'tickspace_queued_calls', rate: false },
] as const;

const total = (answer: MetricsAnswer, name: string): number | undefined => {
  const m = answer.metrics.find((x) => x.name === name);
  return m === undefined ? undefined : m.values.reduce((sum, v) => sum + v.value, 0);
};

/**
 * The server's metrics as charts over the last two minutes (`/admin/metrics`, sampled every
 * second whichever tab is open, so the charts have a past when the tab is opened), and every
 * metric's current value below them.
 */
export function createMetricsView() {
  const series = CHARTS.map(() => [] as number[]);
  let previous: MetricsAnswer | undefined;
  let latest: MetricsAnswer | undefined;
  const charts = CHARTS.map((c) => {
    const value = h('span', { 'data-testid': `metric-${c.metric}` }, '—');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    return {
      value,
      svg,
      el: h('div', { class: 'chart' }, h('div', { class: 'title' }, h('span', {}, c.title), value), svg),
    };
  });
  const table = h('tbody', {});
  const el = h(
    'div',
    {},
    h('div', { class: 'charts', 'data-testid': 'metric-charts' }, ...charts.map((c) => c.el)),
    h(
      'div',
      { class: 'panel', style: 'margin-top:12px' },
      h('h2', {}, 'Every metric now (as /metrics serves them)'),
      h(
        'table',
        { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, 'metric'), h('th', {}, 'labels'), h('th', {}, 'value'))),
        table,
      ),
    ),
  );

  function render(): void {
    CHARTS.forEach((_c, i) => {
      const s = series[i]!;
      charts[i]!.value.textContent = s.length === 0 ? '—' : formatNumber(s[s.length - 1]!);
      drawSparkline(charts[i]!.svg, s);
    });
    if (latest === undefined) return;
    replace(
      table,
      ...latest.metrics.flatMap((m) =>
        m.values.map((v) =>
          h(
            'tr',
            {},
            h('td', { title: m.help }, m.name),
            h(
              'td',
              { class: 'mono' },
              Object.entries(v.labels)
                .map(([k, x]) => `${k}=${x}`)
                .join(', '),
            ),
            h('td', {}, formatNumber(v.value)),
          ),
        ),
      ),
    );
  }

  return {
    el,
    /** Takes one sample (every second, whatever the tab). */
    async sample(): Promise<void> {
      const answer = await admin<MetricsAnswer>('metrics');
      CHARTS.forEach((c, i) => {
        const now = total(answer, c.metric);
        if (now === undefined) return;
        let value = now;
        if (c.rate) {
          const before = previous === undefined ? undefined : total(previous, c.metric);
          if (before === undefined || previous === undefined) return;
          const seconds = (answer.atMs - previous.atMs) / 1000;
          // A restarted counter reads lower than before: no negative rate.
          value = seconds > 0 ? Math.max(0, now - before) / seconds : 0;
        }
        const s = series[i]!;
        s.push(value);
        if (s.length > SAMPLES) s.shift();
      });
      previous = answer;
      latest = answer;
    },
    async refresh(): Promise<void> {
      render();
    },
  };
}
