/**
 * A one-minute side-by-side at one client count (default 200): Tickspace and the Colyseus peer,
 * same scenario, same driver. Quotes Tickspace's figures as ratios of Colyseus' measured in the
 * same run. `npx tsx load-test/bench/loadtest-quick.bench.ts [clients]`; the full comparison is
 * `npm run loadtest -- --compare`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadRunResult } from '../src/driver';
import { describeEnvironment } from '../src/environment';

const clients = Number(process.argv[2] ?? 200);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const common = { clients, durationS: 10, rampS: 2, serverStderr: 'ignore' } as const;
const colyseus = await runLoad({ ...common, target: 'colyseus' });
const tickspace = await runLoad({ ...common, target: 'tickspace' });

type Pick = (r: LoadRunResult) => number | undefined;
const figures: [string, string, Pick][] = [
  ['ticks per second', 'ticks/s', (r) => r.summary.ticksPerSecond],
  ['tick p99', 'ms', (r) => r.summary.tick.p99Ms],
  ['update age p99', 'ms', (r) => r.summary.updateAge?.p99Ms],
  ['round trip p99', 'ms', (r) => r.summary.roundTrip.p99Ms],
  ['entities visible per client', 'entities', (r) => r.summary.visiblePerClient],
  ['bytes in per client per second', 'B/s', (r) => r.summary.bytesInPerClientPerSecond],
  [
    'bytes in per visible entity per second',
    'B/s',
    (r) => r.summary.bytesInPerClientPerSecond / Math.max(1e-9, r.summary.visiblePerClient),
  ],
  ['server CPU per client', 'ms/s', (r) => r.summary.serverCpuMsPerClientPerSecond],
  ['server CPU per tick', 'ms', (r) => r.summary.serverCpuMsPerTick],
  ['server RSS max', 'MB', (r) => (r.summary.serverRssMaxBytes ?? 0) / 1e6],
];
const rows = figures.map(([name, unit, pick]) => {
  const t = pick(tickspace);
  const c = pick(colyseus);
  return {
    figure: name,
    unit,
    tickspace: t,
    colyseus: c,
    ratio: t === undefined || c === undefined || c === 0 ? undefined : t / c,
  };
});
console.log(`\n## loadtest-quick: ${clients} clients, 10 s each (ratio = Tickspace / Colyseus baseline)`);
console.table(
  rows.map((r) => ({
    ...r,
    tickspace: r.tickspace?.toFixed(2),
    colyseus: r.colyseus?.toFixed(2),
    ratio: r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
  })),
);
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(
  join(root, 'bench-results', 'loadtest-quick.json'),
  JSON.stringify(
    {
      name: 'loadtest-quick',
      clients,
      environment: describeEnvironment(),
      pinned: tickspace.pinned,
      baseline: 'colyseus',
      figures: rows,
    },
    null,
    2,
  ) + '\n',
);
process.exit(0);
