/**
 * Recovery time for a log of 1,000,000 reducer calls (goal: under 2 s), with no snapshot (replay
 * everything from tick 0) and with a recent snapshot, against the time to merely read and
 * checksum the same segment files, measured in the same run.
 *
 *   npx tsx server/bench/log-recovery.ts [calls=1000000] [callsPerTick=100]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, scanSegment } from '../src/engine/tooling';
import { report, type Figure } from './harness';
import { benchDir, dirBytes, lcg, players, world } from './log-world';

const CALLS = Number(process.argv[2] ?? 1_000_000);
const PER_TICK = Number(process.argv[3] ?? 100);
const ROWS = 10_000;
const TICKS = Math.ceil(CALLS / PER_TICK);
const quiet = { error: () => {}, warn: () => {} };

const dir = benchDir('recovery');
const genStart = performance.now();
{
  const db = await openDatabase({
    dir,
    module: world,
    seed: 'bench',
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    logger: quiet,
  });
  db.engine.enqueue(players[0]!, 'spawn', { id: 1, count: ROWS });
  db.engine.runTick();
  const rand = lcg(11);
  for (let t = 0; t < TICKS; t++) {
    for (let c = 0; c < PER_TICK; c++)
      db.engine.enqueue(players[c % players.length]!, 'move', { id: 1 + (rand() % ROWS), dx: 1, dy: -1 });
    db.engine.runTick();
  }
  await db.close();
}
const genMs = performance.now() - genStart;
const logBytes = dirBytes(path.join(dir, 'log'));
console.log(
  `generated ${TICKS} ticks, ${TICKS * PER_TICK} calls, ${(logBytes / 1e6).toFixed(1)} MB of log in ${(genMs / 1000).toFixed(1)} s`,
);

function best(n: number, run: () => number): number {
  let min = Infinity;
  for (let i = 0; i < n; i++) min = Math.min(min, run());
  return min;
}

// Baselines: read every segment; read and verify every record's checksum.
const segments = fs
  .readdirSync(path.join(dir, 'log'))
  .sort()
  .map((n) => path.join(dir, 'log', n));
const readMs = best(3, () => {
  const t0 = performance.now();
  for (const f of segments) fs.readFileSync(f);
  return performance.now() - t0;
});
const scanMs = best(3, () => {
  const t0 = performance.now();
  segments.forEach((f, i) =>
    scanSegment(fs.readFileSync(f), {
      nameTick: Number(path.basename(f).slice(0, 20)),
      isLast: i === segments.length - 1,
    }),
  );
  return performance.now() - t0;
});

let replayed = 0;
let finalTick = 0;
const fullRuns: number[] = [];
const fullCpu: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const db = await openDatabase({
    dir,
    module: world,
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    logger: quiet,
  });
  fullRuns.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  fullCpu.push((c.user + c.system) / 1000);
  replayed = db.recovery.replayedTicks;
  finalTick = db.recovery.lastTick;
  await db.close();
}
const full = Math.min(...fullRuns);
const fullCpuMs = Math.min(...fullCpu);

// With a snapshot 1,000 ticks before the end (the default policy keeps one within 6,000 ticks or 32 MB).
const snapDir = benchDir('recovery-snap');
{
  const db = await openDatabase({
    dir: snapDir,
    module: world,
    seed: 'bench',
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    logger: quiet,
  });
  db.engine.enqueue(players[0]!, 'spawn', { id: 1, count: ROWS });
  db.engine.runTick();
  const rand = lcg(11);
  for (let t = 0; t < TICKS; t++) {
    for (let c = 0; c < PER_TICK; c++)
      db.engine.enqueue(players[c % players.length]!, 'move', { id: 1 + (rand() % ROWS), dx: 1, dy: -1 });
    db.engine.runTick();
    if (t === TICKS - 1000) await db.snapshot();
  }
  await db.close();
}
const snapRuns: number[] = [];
let snapReplayed = 0;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const db = await openDatabase({
    dir: snapDir,
    module: world,
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    logger: quiet,
  });
  snapRuns.push(performance.now() - t0);
  snapReplayed = db.recovery.replayedTicks;
  await db.close();
}
const withSnap = Math.min(...snapRuns);

const figures: Figure[] = [
  { name: 'log size', value: logBytes / 1e6, unit: 'MB' },
  { name: 'reducer calls in the log', value: TICKS * PER_TICK, unit: 'calls' },
  { name: 'baseline: read every segment', value: readMs, unit: 'ms' },
  {
    name: 'baseline: read + verify every checksum',
    value: scanMs,
    unit: 'ms',
    ratio: scanMs / readMs,
    baseline: 'read',
  },
  {
    name: `recovery from tick 0 (${replayed} ticks, no snapshot)`,
    value: full,
    unit: 'ms',
    ratio: full / scanMs,
    baseline: 'read+verify',
  },
  { name: '  CPU time of that recovery (all threads, incl. GC)', value: fullCpuMs, unit: 'ms' },
  { name: '  recovered calls per second (wall)', value: (TICKS * PER_TICK) / (full / 1000), unit: 'calls/s' },
  {
    name: `recovery from a snapshot + ${snapReplayed} ticks`,
    value: withSnap,
    unit: 'ms',
    ratio: withSnap / full,
    baseline: 'from tick 0',
  },
];
report('log-recovery', figures, {
  ticks: finalTick,
  callsPerTick: PER_TICK,
  rows: ROWS,
  goalMs: 2000,
  meetsGoal: full < 2000,
  fullRuns,
  fullCpu,
  snapRuns,
  loadAverage: os.loadavg(),
});
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(snapDir, { recursive: true, force: true });
