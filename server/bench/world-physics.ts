/**
 * Frontier physics step: 2,000 players walking on real terrain, per rapier build.
 *
 * Compares @dimforge/rapier2d-compat 0.19.3 (baseline), @dimforge/rapier2d-compat 0.21 and
 * @dimforge/rapier2d-deterministic-compat 0.20, with the open-ground prefilter (what Frontier runs)
 * and with every move through rapier's character controller. The step includes reading intents
 * and writing positions to the tables. Also reports each build's final state hash, to show which
 * builds agree bit for bit.
 *
 *   npx tsx server/bench/world-physics.ts
 */
import R019 from '@dimforge/rapier2d-compat';
import RDET020 from '@dimforge/rapier2d-deterministic-compat';
import R021 from 'rapier2d-compat-021';
import seedrandom from 'seedrandom';
import type { Rapier } from '../src/world';
import { percentile, report, type Figure } from './harness';
import { spreadWorld } from './world-bench-kit';

const PLAYERS = Number(process.env.PLAYERS ?? 2000);
const WARMUP_TICKS = 30;
const TICKS = Number(process.env.TICKS ?? 120);

const builds: { name: string; rapier: Rapier }[] = [
  { name: 'rapier2d-compat 0.19.3', rapier: R019 as unknown as Rapier },
  { name: 'rapier2d-compat 0.21.0', rapier: R021 as unknown as Rapier },
  { name: 'rapier2d-deterministic-compat 0.20.0', rapier: RDET020 as unknown as Rapier },
];

const quiet = console.warn;
console.warn = (...a: unknown[]) =>
  String(a[0]).includes('deprecated parameters') ? undefined : quiet(...a);
for (const b of builds) await b.rapier.init();
console.warn = quiet;

interface Run {
  build: string;
  prefilter: boolean;
  p50: number;
  p99: number;
  cpu50: number;
  cpu99: number;
  rapierShare: number;
  usPerRapierMove: number;
  hash: string;
}

async function run(build: (typeof builds)[number], prefilter: boolean): Promise<Run> {
  const { frontier, engine, ids } = await spreadWorld(PLAYERS, 768, {
    rapier: build.rapier,
    physicsPrefilter: prefilter,
  });
  const rng = seedrandom.alea('physics-bench');
  const samples: number[] = [];
  const cpu: number[] = [];
  const stats = frontier.physicsStats(engine);
  let rapierBefore = 0;
  let freeBefore = 0;
  for (let t = 0; t < WARMUP_TICKS + TICKS; t++) {
    // Everybody keeps walking; a few turn each tick (turning is a reducer call, not physics).
    for (const id of ids)
      if (rng() < 1 / 40)
        engine.enqueue(id, 'move', {
          dx: Math.fround(Math.cos(rng() * 7) * 0.99),
          dy: Math.fround(Math.sin(rng() * 7) * 0.99),
        });
    if (t === WARMUP_TICKS) {
      rapierBefore = stats.rapierMoves;
      freeBefore = stats.freeMoves;
    }
    engine.runTick();
    if (t >= WARMUP_TICKS) {
      samples.push(frontier.lastStep.physicsMs);
      cpu.push(frontier.lastStep.physicsCpuMs);
    }
  }
  const rapierMoves = stats.rapierMoves - rapierBefore;
  const freeMoves = stats.freeMoves - freeBefore;
  return {
    build: build.name,
    prefilter,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    cpu50: percentile(cpu, 0.5),
    cpu99: percentile(cpu, 0.99),
    rapierShare: rapierMoves / Math.max(1, rapierMoves + freeMoves),
    usPerRapierMove: 0,
    hash: engine.stateHash,
  };
}

const runs: Run[] = [];
for (const prefilter of [true, false]) for (const b of builds) runs.push(await run(b, prefilter));
// Cost per rapier move: the difference between all-rapier and prefiltered steps, per extra rapier move.
for (const r of runs.filter((x) => !x.prefilter)) {
  const withFilter = runs.find((x) => x.prefilter && x.build === r.build)!;
  r.usPerRapierMove = ((r.cpu50 - withFilter.cpu50) * 1000) / (PLAYERS * (1 - withFilter.rapierShare));
}

const base = runs[0]!;
const figures: Figure[] = [];
for (const r of runs) {
  const label = `${r.build}${r.prefilter ? '' : ' (every move through rapier)'}`;
  figures.push({
    name: `${label}: step CPU p50`,
    value: r.cpu50,
    unit: 'ms',
    ratio: r.cpu50 / base.cpu50,
    baseline: `${base.build} CPU p50`,
  });
  figures.push({
    name: `${label}: step CPU p99`,
    value: r.cpu99,
    unit: 'ms',
    ratio: r.cpu99 / base.cpu99,
    baseline: `${base.build} CPU p99`,
  });
  figures.push({
    name: `${label}: step wall p50`,
    value: r.p50,
    unit: 'ms',
    ratio: r.p50 / base.p50,
    baseline: `${base.build} wall p50`,
  });
  figures.push({
    name: `${label}: step wall p99`,
    value: r.p99,
    unit: 'ms',
    ratio: r.p99 / base.p99,
    baseline: `${base.build} wall p99`,
  });
  figures.push({ name: `${label}: moves through rapier`, value: r.rapierShare * 100, unit: '%' });
  if (!r.prefilter)
    figures.push({ name: `${label}: CPU per extra rapier move`, value: r.usPerRapierMove, unit: 'us' });
}
report('world-physics', figures, {
  players: PLAYERS,
  ticks: TICKS,
  goal: 'physics step for 2,000 moving players under 10 ms per tick',
  note: 'CPU = this process during the step (includes reading intents and writing positions); wall includes waiting for a CPU on a shared machine',
  loadavg: (await import('node:os')).loadavg(),
  hashes: Object.fromEntries(runs.map((r) => [`${r.build}${r.prefilter ? '' : ' all-rapier'}`, r.hash])),
  pinned: 'rapier2d-deterministic-compat 0.20.0',
});
console.log('\nfinal state hash per build (equal hashes = bit-identical positions):');
for (const r of runs) console.log(`  ${r.hash}  ${r.build}${r.prefilter ? '' : ' (all rapier)'}`);
