/**
 * In-process runner throughput: players on SDK loopback connections driving a real Frontier
 * engine in logical time. Prints a table and writes bench-results/sim-in-process.json.
 *
 *   npx tsx sim/bench/in-process.bench.ts [--players 300,1000] [--minutes 0.5] [--seed bench]
 *       [--join-ms 20] [--settle-s 30] [--home-scale auto|<factor>] [--out sim-in-process]
 *
 * Every size joins over `join-ms` per player (at least 10 s), walks home for `settle-s` more, and
 * is then measured for `minutes` of logical time: the steady state a long run spends its time in,
 * not the crowd at the spawn point. "speed" is logical time over wall time in that window (2 = twice
 * real time); "speed/CPU" divides by the process's CPU time instead (steadier on a shared machine;
 * above 1 CPU-s per wall-s when the garbage collector runs in parallel). "whole" is the speed over
 * the whole run, warm-up included. Ratios are player-seconds per CPU-second against the first
 * (smallest) size, measured in the same run: 1.00x at every size means the cost is linear.
 * `--home-scale 1` turns off the population-scaled settle distance (for an A/B in one run).
 * `--variants` runs every size in each of these worlds, in this order (issue 18's A/B in one run):
 * `before` (everyone spawns at the spawn point, every bot decodes its own frames), `spread` (the
 * world's start area), `after` (the start area and rows shared between the bots' caches).
 * Ratios are then also against the first variant of the same size.
 * `--threads 0,2` runs every size and variant on the in-process runner (0) and on the threaded
 * runner with that many bot threads (the engine on the main thread); CPU is the whole process's,
 * every thread's, so speed/CPU shows what the threads cost and speed what they bring.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrontierOptions } from '@tickspace/server/world';
import { parseMix, settleScale } from '../src/behaviour/population';
import { runInProcess } from '../src/runners/in-process-runner';
import { runThreaded } from '../src/runners/threaded-runner';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg('players', '300,1000').split(',').map(Number);
const minutes = Number(arg('minutes', '0.5'));
const seed = arg('seed', 'bench');
const joinMsPerPlayer = Number(arg('join-ms', '20'));
const settleS = Number(arg('settle-s', '30'));
const homeScaleArg = arg('home-scale', 'auto');
const outName = arg('out', 'sim-in-process');
const variants = arg('variants', 'after').split(',');
const threadCounts = arg('threads', '0').split(',').map(Number);
const VARIANTS: Record<string, { world: FrontierOptions; sharedRows: boolean }> = {
  before: { world: { spawnTilesPerPlayer: 0 }, sharedRows: false },
  spread: { world: {}, sharedRows: false },
  after: { world: {}, sharedRows: true },
};

interface Row {
  variant: string;
  /** Bot threads (0: the in-process runner, bots on the engine's thread). */
  threads: number;
  players: number;
  homeScale: number;
  joinS: number;
  warmupS: number;
  ticks: number;
  logicalS: number;
  wallS: number;
  cpuS: number;
  speed: number;
  speedPerCpu: number;
  speedWhole: number;
  callsPerS: number;
  playerSecondsPerCpuS: number;
  heapMB: number;
  stateHash: string;
}

const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
const rows: Row[] = [];
const out = join(ROOT, 'bench-results', `${outName}.json`);
/** Written after every run (a long sweep keeps what it measured if it is stopped) and at the end. */
function save(): void {
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  writeFileSync(
    out,
    JSON.stringify(
      {
        bench: 'sim-in-process',
        minutes,
        seed,
        joinMsPerPlayer,
        settleS,
        homeScale: homeScaleArg,
        variants,
        threads: threadCounts,
        node: process.version,
        date: new Date().toISOString(),
        loadAverage: load,
        baseline: rows[0]?.players,
        rows,
      },
      null,
      1,
    ),
  );
}

for (const players of sizes)
  for (const variant of variants)
    for (const threads of threadCounts) {
      const setup = VARIANTS[variant];
      if (setup === undefined) throw new Error(`unknown variant ${variant}: before, spread or after`);
      const joinMs = Math.max(10_000, players * joinMsPerPlayer);
      const warmupMs = joinMs + settleS * 1000;
      const homeScale = homeScaleArg === 'auto' ? settleScale(players) : Number(homeScaleArg);
      let mark: { wall: number; cpu: NodeJS.CpuUsage; now: number } | undefined;
      let calls = 0;
      let ticks = 0;
      const run =
        threads === 0
          ? runInProcess
          : (o: Parameters<typeof runThreaded>[0]) => runThreaded({ ...o, threads });
      const r = await run({
        mix: parseMix(undefined, players),
        seed,
        minutes: (warmupMs + minutes * 60_000) / 60_000,
        joinWindowMs: joinMs,
        homeScale,
        world: setup.world,
        sharedRows: setup.sharedRows,
        onTick: (record) => {
          if (mark === undefined && record.now >= warmupMs)
            mark = { wall: performance.now(), cpu: process.cpuUsage(), now: record.now };
          if (mark === undefined) return;
          calls += record.calls.length;
          ticks++;
        },
      });
      const wallS = (performance.now() - mark!.wall) / 1000;
      const cpuS = cpuSeconds(process.cpuUsage(mark!.cpu));
      const logicalS = (r.virtualMs - mark!.now) / 1000;
      rows.push({
        variant,
        threads,
        players,
        homeScale,
        joinS: joinMs / 1000,
        warmupS: warmupMs / 1000,
        ticks,
        logicalS,
        wallS,
        cpuS,
        speed: logicalS / wallS,
        speedPerCpu: logicalS / cpuS,
        speedWhole: r.speedup,
        callsPerS: calls / wallS,
        playerSecondsPerCpuS: (players * logicalS) / cpuS,
        heapMB: process.memoryUsage().heapUsed / 2 ** 20,
        stateHash: r.stateHash,
      });
      console.log(
        `${variant}, ${threads === 0 ? 'in process' : `${threads} bot threads`}, ${players} players: ${((players * logicalS) / cpuS).toFixed(0)} player-s per CPU-s, ${(logicalS / wallS).toFixed(2)}x real time in the measured window (${r.speedup.toFixed(2)}x over the whole run), final state hash ${r.stateHash}`,
      );
      save();
    }

const base = rows[0]!;
const fmt = (v: number, d = 2) => v.toFixed(d);
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(
  `in-process runner, ${minutes} logical min per size after join + ${settleS} s (seed ${seed}, load average ${load}); ratios against ${base.players} players`,
);
console.log(
  [
    'variant',
    'threads',
    'players',
    'home scale',
    'warm-up s',
    'wall s',
    'CPU s',
    'speed',
    'speed/CPU',
    'whole',
    'calls/s',
    'player-s/CPU-s',
    'vs base',
    'vs variant 1',
  ]
    .map((h) => h.padStart(15))
    .join(''),
);
for (const r of rows)
  console.log(
    [
      r.variant,
      r.threads,
      r.players,
      fmt(r.homeScale),
      fmt(r.warmupS, 0),
      fmt(r.wallS, 1),
      fmt(r.cpuS, 1),
      `${fmt(r.speed)}x`,
      `${fmt(r.speedPerCpu)}x`,
      `${fmt(r.speedWhole)}x`,
      fmt(r.callsPerS, 0),
      fmt(r.playerSecondsPerCpuS, 0),
      `${fmt(r.playerSecondsPerCpuS / base.playerSecondsPerCpuS)}x`,
      `${fmt(r.playerSecondsPerCpuS / rows.find((q) => q.players === r.players)!.playerSecondsPerCpuS)}x`,
    ]
      .map((v) => String(v).padStart(15))
      .join(''),
  );
save();
console.log(`wrote ${out}`);
