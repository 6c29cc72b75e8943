/**
 * `asOf` latency as history grows: 20 Hz history of 10,000 rows that all keep changing
 * (`changesPerTick` updates per tick), default snapshot policy. At checkpoints while the history
 * grows, times asOf(random past tick), asOf(the worst tick: just before the next snapshot) and,
 * as the baseline measured in the same run, the same worst tick rebuilt from tick 0 without
 * snapshots. Goal: under 1 s for any tick of one hour.
 *
 *   npx tsx server/bench/log-asof.ts [minutes=60] [changesPerTick=50]
 */
import fs from 'node:fs';
import os from 'node:os';
import { LogStore, openDatabase } from '../src/engine/tooling';
import { createEngine, type Engine, type ModuleDef } from '../src/engine';
import { percentile, report, type Figure } from './harness';
import { benchDir, dirBytes, lcg, players, world } from './log-world';

const MINUTES = Number(process.argv[2] ?? 60);
const PER_TICK = Number(process.argv[3] ?? 50);
const ROWS = 10_000;
const TICKS = MINUTES * 60 * 20;
const dir = benchDir('asof');
const quiet = { error: () => {}, warn: () => {} };

const db = await openDatabase({ dir, module: world, seed: 'bench', durability: 'never', logger: quiet }); // default snapshot policy
const e = db.engine;
e.enqueue(players[0]!, 'spawn', { id: 1, count: ROWS });
e.runTick();
const rand = lcg(3);
const tick = () => {
  // One system transaction per tick moving PER_TICK units: the history, not the call dispatch, is under test.
  e.enqueueSystem('__drift', () => {
    const units = e.tables.unit!;
    for (let i = 0; i < PER_TICK; i++) {
      const u = units.find(1 + (rand() % ROWS))!;
      units.update({
        ...u,
        x: (u.x as number) + 0.5,
        hp: ((u.hp as number) + 1) % 1000,
        gold: (u.gold as bigint) + 1n,
      });
    }
  });
  e.runTick();
};

let lastCpuMs = 0;
async function timeAsOf(t: number): Promise<number> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const view = await db.asOf(t);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  lastCpuMs = (c.user + c.system) / 1000;
  if (view.tick !== t) throw new Error(`asOf(${t}) returned tick ${view.tick}`);
  return ms;
}

/** The same rebuild with every snapshot hidden: replay from tick 0. */
async function fromZero(t: number): Promise<number> {
  const store = new LogStore(db.store.paths, db.store.codec);
  store.snapshots = [];
  store.lastTick = db.store.lastTick;
  const engine = createEngine({ module: world, seed: 'bench' }) as unknown as Engine<ModuleDef>;
  const t0 = performance.now();
  await store.materialize(t, engine);
  return performance.now() - t0;
}

const checkpoints = [0.1, 0.25, 0.5, 1].map((f) => Math.round(f * TICKS));
const rows: {
  minutes: number;
  ticks: number;
  logMB: number;
  snapshots: number;
  randomP50: number;
  randomMax: number;
  worstTick: number;
  worst: number;
  worstCpu: number;
  fromZero: number | undefined;
}[] = [];
let genMs = 0;
for (let i = 1; i <= TICKS; i++) {
  const g = performance.now();
  tick();
  genMs += performance.now() - g;
  if (i % 500 === 0) await db.snapshotsSettled();
  if (checkpoints.includes(i)) {
    await db.snapshotsSettled();
    const last = db.store.lastTick;
    const samples: number[] = [];
    for (let k = 0; k < 10; k++) samples.push(await timeAsOf(1 + (rand() % last)));
    // Worst case: the tick before the newest snapshot replays a whole snapshot interval.
    const snaps = db.store.snapshots.map((s) => s.tick);
    const worstTick = snaps.length >= 1 ? snaps[snaps.length - 1]! - 1 : last;
    let worst = Infinity;
    let worstCpu = Infinity;
    for (let k = 0; k < 2; k++) {
      worst = Math.min(worst, await timeAsOf(worstTick));
      worstCpu = Math.min(worstCpu, lastCpuMs);
    }
    rows.push({
      minutes: Math.round((last / 20 / 60) * 10) / 10,
      ticks: last,
      logMB: Math.round(dirBytes(db.store.paths.log) / 1e5) / 10,
      snapshots: snaps.length,
      randomP50: percentile(samples, 0.5),
      randomMax: Math.max(...samples),
      worstTick,
      worst,
      worstCpu,
      // The no-snapshot baseline grows with history; measured at the first two checkpoints only to keep the run short.
      fromZero: rows.length < 2 ? await fromZero(worstTick) : undefined,
    });
    const r = rows.at(-1)!;
    console.log(
      `  history ${r.minutes} min: asOf p50 ${r.randomP50.toFixed(0)} ms, worst ${worst.toFixed(0)} ms (${worstCpu.toFixed(0)} ms CPU), from tick 0 ${r.fromZero?.toFixed(0) ?? '-'} ms`,
    );
  }
}
await db.close();

const figures: Figure[] = [];
for (const r of rows) {
  figures.push({
    name: `${r.minutes} min history (${r.ticks} ticks, ${r.logMB} MB, ${r.snapshots} snapshots): asOf random tick p50`,
    value: r.randomP50,
    unit: 'ms',
  });
  figures.push({ name: `  asOf random tick, max of 10`, value: r.randomMax, unit: 'ms' });
  const vsZero =
    r.fromZero === undefined ? {} : { ratio: r.worst / r.fromZero, baseline: 'same tick from tick 0' };
  figures.push({
    name: `  asOf worst tick (${r.worstTick}, a full snapshot interval to replay)`,
    value: r.worst,
    unit: 'ms',
    ...vsZero,
  });
  figures.push({ name: `  asOf worst tick, CPU time`, value: r.worstCpu, unit: 'ms' });
  if (r.fromZero !== undefined)
    figures.push({
      name: `  baseline: tick ${r.worstTick} rebuilt from tick 0 (no snapshots)`,
      value: r.fromZero,
      unit: 'ms',
    });
}
const worstOverall = Math.max(...rows.map((r) => Math.max(r.worst, r.randomMax)));
report('log-asof', figures, {
  minutes: MINUTES,
  changesPerTick: PER_TICK,
  rows: ROWS,
  generationSeconds: genMs / 1000,
  goalMs: 1000,
  worstMs: worstOverall,
  meetsGoal: worstOverall < 1000,
  loadAverage: os.loadavg(),
});
fs.rmSync(dir, { recursive: true, force: true });
