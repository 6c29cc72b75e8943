/**
 * Detector costs: feature extraction (per stream, and the whole batch with the population features,
 * whose nearest-identity and cross-account parts grow with the square of the batch), training and scoring, on synthetic streams (human-model
 * timing against scripted timers) so the numbers do not depend on a world run. Prints a table and
 * writes bench-results/sim-detector.json. Ratios are against logistic regression (training) and
 * against feature extraction (scoring), measured in the same run.
 *
 *   npx tsx sim/bench/detector.bench.ts [--streams 2000] [--minutes 30]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HumanModel, sampleHumanParams } from '../src/behaviour/human-model';
import { STREAM_EVENT, StreamSet } from '../src/detect/action-stream';
import { extractFeatures } from '../src/detect/features';
import { extractBatchFeatures } from '../src/detect/population-features';
import { trainGradientBoosting } from '../src/detect/gradient-boosting';
import { trainLogisticRegression } from '../src/detect/logistic-regression';
import { createRng } from '../src/random';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const count = Number(arg('streams', '2000'));
const minutes = Number(arg('minutes', '30'));

// ---- synthetic population: 80% human-model timing, 20% scripted with uniform jitter -------------
const streams = new StreamSet();
const labels: number[] = [];
const names = ['gather', 'gather', 'craft', 'move', 'move', 'move', 'say', 'deposit'];
let events = 0;
for (let i = 0; i < count; i++) {
  const rng = createRng(`bench/${i}`);
  const bot = i % 5 === 0;
  const model = new HumanModel(sampleHumanParams(rng), rng);
  const s = streams.stream(`id${i}`);
  s.push({ type: STREAM_EVENT.SESSION_START, timeMs: 0 });
  let t = 500;
  let x = 0;
  let y = 0;
  while (t < minutes * 60_000) {
    s.push({ type: STREAM_EVENT.UPDATE, timeMs: t, name: 'action_end' });
    t += bot ? 200 + rng.uniform(0, 600) : model.reactionMs(t);
    t = Math.round(t / 50) * 50;
    const name = bot ? (rng.chance(0.5) ? 'gather' : 'move') : rng.pick(names);
    s.push({ type: STREAM_EVENT.CALL, timeMs: t, name, x, y, dx: Math.cos(t), dy: Math.sin(t) });
    x += rng.normal(0, 1);
    y += rng.normal(0, 1);
    s.push({ type: STREAM_EVENT.POSITION, timeMs: t + 25, x, y });
    if (rng.chance(0.002)) {
      // A completed trade with a neighbour in the list: the trade graph has edges to walk.
      const partner = `id${(i + 1) % count}`;
      s.push({
        type: STREAM_EVENT.TRADE,
        timeMs: t + 30,
        partner,
        given: rng.int(5),
        received: bot ? 0 : rng.int(5),
      });
    }
    t += bot ? 400 + rng.uniform(0, 800) : model.thinkMs(t);
  }
  events += s.length;
  labels.push(bot ? 1 : 0);
}

const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
};
const all = streams.iter();
const [x, featureMs] = time(() => all.map((s) => extractFeatures(s)));
const [, batchMs] = time(() => extractBatchFeatures(all));
const [lr, lrMs] = time(() => trainLogisticRegression({ x, y: labels }));
const [gbt, gbtMs] = time(() => trainGradientBoosting({ x, y: labels }));
const [, gbtPredictMs] = time(() => x.map((r) => gbt.predict(r)));
const [, lrPredictMs] = time(() => x.map((r) => lr.predict(r)));

const rows = [
  {
    step: 'extract features',
    ms: featureMs,
    perItem: `${((featureMs * 1000) / count).toFixed(0)} µs/stream`,
    rate: `${((events / featureMs) * 1000).toFixed(0)} events/s`,
    ratio: '1.00x (base of scoring)',
  },
  {
    step: 'extract batch (with population)',
    ms: batchMs,
    perItem: `${((batchMs * 1000) / count).toFixed(0)} µs/stream`,
    rate: `${((events / batchMs) * 1000).toFixed(0)} events/s`,
    ratio: `${(batchMs / featureMs).toFixed(2)}x features`,
  },
  {
    step: 'train logistic regression',
    ms: lrMs,
    perItem: `${count} rows`,
    rate: '',
    ratio: '1.00x (base of training)',
  },
  {
    step: 'train gradient-boosted trees',
    ms: gbtMs,
    perItem: `${count} rows, 150 trees`,
    rate: '',
    ratio: `${(gbtMs / lrMs).toFixed(2)}x LR`,
  },
  {
    step: 'score with GBT',
    ms: gbtPredictMs,
    perItem: `${((gbtPredictMs * 1000) / count).toFixed(1)} µs/identity`,
    rate: '',
    ratio: `${(gbtPredictMs / featureMs).toFixed(3)}x features`,
  },
  {
    step: 'score with LR',
    ms: lrPredictMs,
    perItem: `${((lrPredictMs * 1000) / count).toFixed(1)} µs/identity`,
    rate: '',
    ratio: `${(lrPredictMs / featureMs).toFixed(3)}x features`,
  },
];
console.log(`detector costs: ${count} synthetic streams of ${minutes} min (${events} events)`);
console.log(
  ['step', 'ms', 'per item', 'rate', 'ratio']
    .map((h, i) => (i === 0 ? h.padEnd(32) : h.padStart(24)))
    .join(''),
);
for (const r of rows)
  console.log(
    [
      r.step.padEnd(32),
      r.ms.toFixed(0).padStart(24),
      r.perItem.padStart(24),
      r.rate.padStart(24),
      r.ratio.padStart(24),
    ].join(''),
  );
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const out = join(ROOT, 'bench-results', 'sim-detector.json');
writeFileSync(
  out,
  JSON.stringify(
    {
      bench: 'sim-detector',
      streams: count,
      minutes,
      events,
      node: process.version,
      date: new Date().toISOString(),
      rows,
    },
    null,
    1,
  ),
);
console.log(`wrote ${out}`);
