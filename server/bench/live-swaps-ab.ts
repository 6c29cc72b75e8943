/**
 * The live-swaps bench before and after a change, interleaved on one machine: runs
 * `live-swaps.bench.ts` alternately in a checkout of the code before (`--before DIR`, e.g. made
 * with `git archive <commit> | tar -x -C DIR` and this repository's node_modules linked in) and in
 * this one, each run in its own process, and writes every run's figures and the median ratio of
 * each change (each run against its own tick p99), with every run's ratios and the worst run's, to
 * `bench-results/live-swaps-interleaved.json` (`--out NAME` for another file name).
 * Run: `node --import tsx server/bench/live-swaps-ab.ts --before DIR [--runs 6] [--note TEXT] [--out NAME]
 * [--same-bench]` (`--same-bench` copies this checkout's bench file into DIR first, so both sides
 * measure with the same instrument).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './harness';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    runs: { type: 'string', default: '6' },
    note: { type: 'string' },
    out: { type: 'string', default: 'live-swaps-interleaved' },
    'same-bench': { type: 'boolean', default: false },
  },
});
if (values.before === undefined) throw new Error('--before DIR (a checkout of the code before) is required');
const sides = { before: path.resolve(values.before), after: REPO_ROOT };
// The instrument, not the code measured: with --same-bench both sides run this checkout's bench
// file (copied into the other checkout, whose harness it imports), e.g. for figures it lacks.
if (values['same-bench'])
  fs.copyFileSync(
    path.join(REPO_ROOT, 'server/bench/live-swaps.bench.ts'),
    path.join(sides.before, 'server/bench/live-swaps.bench.ts'),
  );
const runs = Number(values.runs);
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`--runs is an integer >= 1, got ${values.runs}`);

type Figures = Record<string, number>;
function runOnce(root: string): Figures {
  execFileSync(
    'node',
    ['--max-semi-space-size=64', '--import', 'tsx', path.join(root, 'server/bench/live-swaps.bench.ts')],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const out = JSON.parse(fs.readFileSync(path.join(root, 'bench-results/live-swaps.json'), 'utf8')) as {
    figures: { name: string; value: number }[];
  };
  return Object.fromEntries(out.figures.map((f) => [f.name, Math.round(f.value * 10) / 10]));
}

const results: Record<keyof typeof sides, Figures[]> = { before: [], after: [] };
const loads: number[] = [];
for (let i = 0; i < runs; i++)
  for (const side of ['before', 'after'] as const) {
    loads.push(os.loadavg()[0]!);
    results[side].push(runOnce(sides[side]));
    console.log(side, i + 1, JSON.stringify(results[side][i]));
  }

const P99 = 'tick p99 before the changes';
const MEDIAN = 'tick median before the changes';
/** Each figure's baseline: the longest tick around a change against the p99, its first tick against the median. */
const baselineOf = (name: string) => (name.startsWith('first tick of: ') ? MEDIAN : P99);
const measured = (name: string) =>
  name.startsWith('longest tick around: ') || name.startsWith('first tick of: ');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const medians = Object.fromEntries(
  (['before', 'after'] as const).map((side) => {
    const names = Object.keys(results[side][0]!).filter(measured);
    const ratios = names.map(
      (n) => [n, median(results[side].map((r) => r[n]! / r[baselineOf(n)]!))] as const,
    );
    return [
      side,
      {
        [P99]: median(results[side].map((r) => r[P99]!)),
        [MEDIAN]: median(results[side].map((r) => r[MEDIAN]!)),
        ratios: Object.fromEntries(ratios),
      },
    ];
  }),
);
// The goal holds for every run, not only the median: each run's ratio per change, and the worst.
const perRun = Object.fromEntries(
  (['before', 'after'] as const).map((side) => {
    const names = Object.keys(medians[side]!.ratios);
    const ratios = results[side].map((r) =>
      Object.fromEntries(names.map((n) => [n, Math.round((r[n]! / r[baselineOf(n)]!) * 100) / 100])),
    );
    const worst = Object.fromEntries(names.map((n) => [n, Math.max(...ratios.map((r) => r[n]!))]));
    return [side, { ratios, worst }];
  }),
);
console.table(
  Object.keys(medians.after!.ratios).map((n) => ({
    change: n,
    before: `${medians.before!.ratios[n]!.toFixed(2)}x`,
    after: `${medians.after!.ratios[n]!.toFixed(2)}x`,
    'before, worst run': `${perRun.before!.worst[n]!.toFixed(2)}x`,
    'after, worst run': `${perRun.after!.worst[n]!.toFixed(2)}x`,
  })),
);
fs.writeFileSync(
  path.join(REPO_ROOT, `bench-results/${values.out}.json`),
  JSON.stringify(
    {
      name: 'live-swaps-interleaved',
      date: new Date().toISOString(),
      node: process.version,
      note: values.note ?? '',
      loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
      medianRatios: medians,
      runRatios: perRun,
      runs: results,
    },
    null,
    2,
  ) + '\n',
);
