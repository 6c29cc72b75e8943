/**
 * The engine bench before and after a change, interleaved on one machine: runs `engine.bench.ts`
 * alternately in a checkout of the code before (`--before DIR`, e.g. made with
 * `git archive <commit> | tar -x -C DIR` and this repository's node_modules linked in) and in this
 * one, each run in its own process, under V8's default young generation and under the 64 MB one
 * `npm start` runs the server with, and writes every run's figures (each ratio against the `Map`
 * baseline of its own run) with their medians and ranges to `bench-results/engine-ab.json`.
 * Run: `node --import tsx server/bench/engine-ab.ts --before DIR [--rounds 5] [--note TEXT]`.
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
    rounds: { type: 'string', default: '5' },
    note: { type: 'string' },
  },
});
if (values.before === undefined) throw new Error('--before DIR (a checkout of the code before) is required');
const sides = { before: path.resolve(values.before), after: REPO_ROOT };
const rounds = Number(values.rounds);
if (!(Number.isInteger(rounds) && rounds >= 1))
  throw new Error(`--rounds is an integer >= 1, got ${values.rounds}`);

/** The young generations compared, each with the file engine.bench.ts writes under it. */
const YOUNG = [
  { name: 'default', flags: [] as string[], file: 'engine.json' },
  { name: '64mb', flags: ['--max-semi-space-size=64'], file: 'engine-semi-space-64mb.json' },
] as const;

interface Figure {
  readonly name: string;
  readonly value: number;
  readonly ratio?: number;
}
interface Run {
  readonly round: number;
  readonly code: keyof typeof sides;
  readonly youngGeneration: string;
  readonly loadAverage: number;
  readonly figures: Readonly<Record<string, { value: number; ratio?: number }>>;
}

function runOnce(root: string, young: (typeof YOUNG)[number]): Run['figures'] {
  const out = path.join(root, 'bench-results', young.file);
  // The after side's bench writes into this repository's committed readings: put them back after.
  const kept = fs.existsSync(out) ? fs.readFileSync(out) : undefined;
  try {
    execFileSync(
      'node',
      [...young.flags, '--import', 'tsx', path.join(root, 'server/bench/engine.bench.ts')],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const figures = (JSON.parse(fs.readFileSync(out, 'utf8')) as { figures: Figure[] }).figures;
    return Object.fromEntries(figures.map((f) => [f.name, { value: f.value, ratio: f.ratio }]));
  } finally {
    if (kept !== undefined) fs.writeFileSync(out, kept);
  }
}

const runs: Run[] = [];
for (let round = 1; round <= rounds; round++)
  for (const young of YOUNG)
    // Alternate which side goes first, so neither always runs on the warmer machine.
    for (const code of round % 2 === 1 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
      const loadAverage = os.loadavg()[0]!;
      const figures = runOnce(sides[code], young);
      runs.push({ round, code, youngGeneration: young.name, loadAverage, figures });
      const brief = ['keynote transfer reducer (100k accounts)', 'single-row update reducer'].map(
        (n) =>
          `${n}: ${Math.round(figures[n]!.value).toLocaleString('en-US')} (${figures[n]!.ratio!.toFixed(2)}x)`,
      );
      console.log(`round ${round} ${young.name} ${code} load ${loadAverage.toFixed(1)}: ${brief.join(', ')}`);
    }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const summary: Record<string, unknown>[] = [];
for (const young of YOUNG)
  for (const name of Object.keys(runs[0]!.figures))
    for (const code of ['before', 'after'] as const) {
      const mine = runs.filter((r) => r.code === code && r.youngGeneration === young.name);
      const vals = mine.map((r) => r.figures[name]!.value);
      const ratios = mine.flatMap((r) =>
        r.figures[name]!.ratio === undefined ? [] : [r.figures[name]!.ratio!],
      );
      summary.push({
        youngGeneration: young.name,
        figure: name,
        code,
        median: median(vals),
        min: Math.min(...vals),
        max: Math.max(...vals),
        ...(ratios.length === 0
          ? {}
          : { ratioMedian: median(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) }),
      });
    }
console.table(
  summary
    .filter((s) => s.ratioMedian !== undefined)
    .map((s) => ({
      young: s.youngGeneration,
      figure: s.figure,
      code: s.code,
      median: Math.round(s.median as number).toLocaleString('en-US'),
      range: `${Math.round(s.min as number).toLocaleString('en-US')} to ${Math.round(s.max as number).toLocaleString('en-US')}`,
      ratio: `${(s.ratioMedian as number).toFixed(2)}x (${(s.ratioMin as number).toFixed(2)} to ${(s.ratioMax as number).toFixed(2)})`,
    })),
);
const loads = runs.map((r) => r.loadAverage);
fs.writeFileSync(
  path.join(REPO_ROOT, 'bench-results/engine-ab.json'),
  JSON.stringify(
    {
      name: 'engine-ab',
      date: new Date().toISOString(),
      node: process.version,
      note: values.note ?? '',
      loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
      summary,
      runs,
    },
    null,
    2,
  ) + '\n',
);
