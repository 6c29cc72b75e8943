/**
 * Snapshot time and tick stall for 100,000 rows: a live 20 Hz tick loop (100 moves per tick, fsync
 * per tick) keeps running while a snapshot is written in slices; tick intervals during the
 * snapshot are compared with intervals before it; the baseline, in the same run and loop, is the
 * same rows encoded in one synchronous pass (what an unsliced snapshot would stall for).
 *
 *   npx tsx server/bench/log-snapshot.ts [rows=100000]
 */
import fs from 'node:fs';
import os from 'node:os';
import { BinaryWriter, compileRowCodec } from '../src/protocol';
import { captureSnapshot, crc32c, openDatabase } from '../src/engine/tooling';
import type { Engine, ModuleDef } from '../src/engine';
import { percentile, report, type Figure } from './harness';
import { benchDir, lcg, players, world } from './log-world';

const ROWS = Number(process.argv[2] ?? 100_000);
const dir = benchDir('snapshot');
const quiet = { error: () => {}, warn: () => {} };

async function measure(sliceMs: number) {
  fs.rmSync(dir, { recursive: true, force: true });
  const db = await openDatabase({
    dir,
    module: world,
    seed: 'bench',
    tickMs: 50,
    durability: 'tick',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    snapshotSliceMs: sliceMs,
    logger: quiet,
  });
  const e = db.engine;
  for (let id = 1; id <= ROWS; id += 10_000)
    e.enqueue(players[0]!, 'spawn', { id, count: Math.min(10_000, ROWS - id + 1) });
  e.runTick();
  await e.flush();
  const rand = lcg(5);
  const starts: number[] = [];
  e.onCommit(() => {
    starts.push(performance.now());
    for (let c = 0; c < 100; c++)
      e.enqueue(players[c % players.length]!, 'move', { id: 1 + (rand() % ROWS), dx: 1, dy: 1 });
  });
  e.start();
  const waitTicks = async (n: number) => {
    for (let i = 0; i < n; i++) await e.nextTick();
  };
  await waitTicks(40); // 2 s of ticks before
  const before = starts.length;
  const c0 = performance.now();
  const captured = captureSnapshot(e as unknown as Engine<ModuleDef>);
  const captureMs = performance.now() - c0;
  const snapStart = performance.now();
  const result = await db.snapshot();
  const snapEnd = performance.now();
  await waitTicks(10);
  // Baseline in the same loop: encode the same rows in one synchronous pass, as an unsliced snapshot would.
  const blockStart = performance.now();
  const naiveMs = await new Promise<number>((resolve) =>
    setImmediate(() => {
      const t0 = performance.now();
      const w = new BinaryWriter(1 << 20);
      for (const t of captured.tables) {
        const codec = compileRowCodec(db.store.schema.tables.find((x) => x.name === t.name)!.columns);
        for (const row of t.rows) codec.encode(w, row);
      }
      crc32c(w.view());
      resolve(performance.now() - t0);
    }),
  );
  const blockEnd = performance.now();
  await waitTicks(5);
  await db.close();
  const intervals = (from: number, to: number) => {
    const out: number[] = [];
    for (let i = Math.max(1, from); i < to; i++) out.push(starts[i]! - starts[i - 1]!);
    return out;
  };
  const spanning = (a: number, b: number) =>
    intervals(
      starts.findIndex((t) => t >= a),
      starts.findIndex((t) => t > b) + 1,
    );
  return {
    result,
    captureMs,
    baseline: intervals(5, before),
    during: spanning(snapStart, snapEnd),
    naiveMs,
    duringNaive: spanning(blockStart, blockEnd),
  };
}

const sliced = await measure(4);
const figures: Figure[] = [
  { name: `snapshot of ${ROWS} rows (+ schedule table)`, value: sliced.result.bytes / 1e6, unit: 'MB' },
  { name: 'capture (synchronous row-array copies)', value: sliced.captureMs, unit: 'ms' },
  {
    name: 'snapshot wall time (encode in slices, write, fsync, rename)',
    value: sliced.result.totalMs,
    unit: 'ms',
  },
  {
    name: '  longest synchronous slice (the stall a tick can see)',
    value: sliced.result.maxSliceMs,
    unit: 'ms',
    ratio: sliced.result.maxSliceMs / sliced.naiveMs,
    baseline: 'unsliced encode',
  },
  { name: '  slices', value: sliced.result.slices, unit: 'slices' },
  { name: 'baseline: unsliced encode + checksum of the same rows', value: sliced.naiveMs, unit: 'ms' },
  { name: 'tick interval before the snapshot, p50', value: percentile(sliced.baseline, 0.5), unit: 'ms' },
  { name: 'tick interval before the snapshot, max', value: Math.max(...sliced.baseline), unit: 'ms' },
  { name: 'tick interval during the snapshot, p50', value: percentile(sliced.during, 0.5), unit: 'ms' },
  {
    name: 'tick interval during the snapshot, max',
    value: Math.max(...sliced.during),
    unit: 'ms',
    ratio: Math.max(...sliced.during) / Math.max(...sliced.baseline),
    baseline: 'max before',
  },
  {
    name: 'baseline: tick interval around the unsliced encode, max',
    value: Math.max(...sliced.duringNaive),
    unit: 'ms',
  },
];
report('log-snapshot', figures, {
  rows: ROWS,
  ticksDuringSnapshot: sliced.during.length,
  loadAverage: os.loadavg(),
});
fs.rmSync(dir, { recursive: true, force: true });
