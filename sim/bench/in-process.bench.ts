/**
 * In-process runner throughput: players on SDK loopback connections driving a real Frontier
 * engine in logical time. Prints a table and writes bench-results/sim-in-process.json.
 *
 *   npx tsx sim/bench/in-process.bench.ts [--players 100,300] [--minutes 0.5] [--seed bench]
 *
 * Each size plays `minutes` of logical time after a 10 s join window. "speed" is logical time over
 * wall time (2 = twice real time); "speed/CPU" divides by CPU time instead, which is steadier on a
 * shared machine. Ratios are against the first (smallest) size, measured in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMix } from '../src/behaviour/population';
import { runInProcess } from '../src/runners/in-process-runner';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg('players', '100,300').split(',').map(Number);
const minutes = Number(arg('minutes', '0.5'));
const seed = arg('seed', 'bench');

interface Row {
  players: number;
  ticks: number;
  logicalS: number;
  wallS: number;
  cpuS: number;
  speed: number;
  speedPerCpu: number;
  ticksPerS: number;
  callsPerS: number;
  playerSecondsPerCpuS: number;
  stateHash: string;
}

const rows: Row[] = [];
for (const players of sizes) {
  const cpu0 = process.cpuUsage();
  const r = await runInProcess({ mix: parseMix(undefined, players), seed, minutes, joinWindowMs: 10_000 });
  const c = process.cpuUsage(cpu0);
  const cpuS = (c.user + c.system) / 1e6;
  const calls = Object.values(r.totals.calls).reduce((s, n) => s + n, 0);
  rows.push({
    players,
    ticks: r.ticks,
    logicalS: r.virtualMs / 1000,
    wallS: r.wallMs / 1000,
    cpuS,
    speed: r.speedup,
    speedPerCpu: r.virtualMs / 1000 / cpuS,
    ticksPerS: r.ticksPerSecond,
    callsPerS: calls / (r.wallMs / 1000),
    playerSecondsPerCpuS: (players * r.virtualMs) / 1000 / cpuS,
    stateHash: r.stateHash,
  });
}

const base = rows[0]!;
const fmt = (v: number, d = 2) => v.toFixed(d);
console.log(`in-process runner, ${minutes} logical min per size (seed ${seed}); ratios against ${base.players} players`);
console.log(['players', 'ticks', 'wall s', 'CPU s', 'speed', 'speed/CPU', 'ticks/s', 'calls/s', 'player-s/CPU-s', 'vs base'].map((h) => h.padStart(15)).join(''));
for (const r of rows)
  console.log(
    [r.players, r.ticks, fmt(r.wallS, 1), fmt(r.cpuS, 1), `${fmt(r.speed)}x`, `${fmt(r.speedPerCpu)}x`, fmt(r.ticksPerS, 1), fmt(r.callsPerS, 0), fmt(r.playerSecondsPerCpuS, 0), `${fmt(r.playerSecondsPerCpuS / base.playerSecondsPerCpuS)}x`]
      .map((v) => String(v).padStart(15))
      .join(''),
  );
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const out = join(ROOT, 'bench-results', 'sim-in-process.json');
writeFileSync(out, JSON.stringify({ bench: 'sim-in-process', minutes, seed, node: process.version, date: new Date().toISOString(), baseline: base.players, rows }, null, 1));
console.log(`wrote ${out}`);
