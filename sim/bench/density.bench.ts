/**
 * How crowded an in-process run gets: every 10 logical seconds, players online and moving, their
 * median and 90th-percentile distance from the spawn point, and the mean number of other players
 * within 7 tiles (what a bot's avatar query holds, with its exit margin; each of them that moves
 * is one row update per tick for that bot). Writes bench-results/sim-density-<players>.json.
 *
 *   npx tsx sim/bench/density.bench.ts [--players 1000] [--minutes 1.5] [--join-ms 20] [--seed bench] [--home-scale auto|<factor>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine, ModuleDef } from '@tickspace/server/engine';
import { parseMix, settleScale } from '../src/behaviour/population';
import { runInProcess } from '../src/runners/in-process-runner';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const players = Number(arg('players', '1000'));
const minutes = Number(arg('minutes', '1.5'));
const seed = arg('seed', 'bench');
const joinMs = Math.max(10_000, players * Number(arg('join-ms', '20')));
const homeScale =
  arg('home-scale', 'auto') === 'auto' ? settleScale(players) : Number(arg('home-scale', '1'));
const NEAR_TILES = 7;

interface Sample {
  logicalS: number;
  online: number;
  moving: number;
  medianDistance: number;
  p90Distance: number;
  neighbours: number;
}

type Avatar = { x: number; y: number; online: boolean; moving: boolean };
let engine: Engine<ModuleDef> | undefined;
const samples: Sample[] = [];
const sample = (logicalMs: number) => {
  const db = engine!.db as unknown as {
    avatar: { iter(): Avatar[] };
    world_info: { find(k: number): { spawnX: number; spawnY: number } | undefined };
  };
  const info = db.world_info.find(0)!;
  const online = db.avatar.iter().filter((a) => a.online);
  // A uniform grid of NEAR_TILES cells: neighbours are in the 3x3 cells around a player.
  const cells = new Map<string, Avatar[]>();
  const cellOf = (a: Avatar) => `${Math.floor(a.x / NEAR_TILES)},${Math.floor(a.y / NEAR_TILES)}`;
  for (const a of online) cells.set(cellOf(a), [...(cells.get(cellOf(a)) ?? []), a]);
  let near = 0;
  for (const a of online) {
    const cx = Math.floor(a.x / NEAR_TILES);
    const cy = Math.floor(a.y / NEAR_TILES);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++)
        for (const b of cells.get(`${cx + dx},${cy + dy}`) ?? [])
          if (b !== a && Math.hypot(a.x - b.x, a.y - b.y) < NEAR_TILES) near++;
  }
  const d = online.map((a) => Math.hypot(a.x - info.spawnX, a.y - info.spawnY)).sort((x, y) => x - y);
  const s: Sample = {
    logicalS: logicalMs / 1000,
    online: online.length,
    moving: online.filter((a) => a.moving).length,
    medianDistance: d[d.length >> 1] ?? 0,
    p90Distance: d[Math.floor(d.length * 0.9)] ?? 0,
    neighbours: near / Math.max(1, online.length),
  };
  samples.push(s);
  console.log(
    `${String(s.logicalS).padStart(5)} s  online ${String(s.online).padStart(5)}  moving ${String(s.moving).padStart(5)}  distance from spawn: median ${s.medianDistance.toFixed(0).padStart(4)}, p90 ${s.p90Distance.toFixed(0).padStart(4)} tiles  players within ${NEAR_TILES} tiles ${s.neighbours.toFixed(1)}`,
  );
};

console.log(
  `${players} players, join over ${joinMs / 1000} s, settle scale ${homeScale.toFixed(2)}, seed ${seed}`,
);
const r = await runInProcess({
  mix: parseMix(undefined, players),
  seed,
  minutes,
  joinWindowMs: joinMs,
  homeScale,
  onEngine: (e) => (engine = e),
  progressEveryMs: 10_000,
  progressWallMs: Number.POSITIVE_INFINITY,
  onProgress: (p) => sample(p.virtualMs),
});
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const out = join(ROOT, 'bench-results', `sim-density-${players}.json`);
writeFileSync(
  out,
  JSON.stringify(
    {
      bench: 'sim-density',
      players,
      minutes,
      seed,
      joinMs,
      homeScale,
      nearTiles: NEAR_TILES,
      date: new Date().toISOString(),
      stateHash: r.stateHash,
      samples,
    },
    null,
    1,
  ),
);
console.log(`wrote ${out}`);
