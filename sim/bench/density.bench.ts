/**
 * How crowded an in-process run gets, before and after the world's start area (issue 18): for
 * each population, one run with everyone spawning at the spawn point (`spawnTilesPerPlayer: 0`,
 * the world as it was) and one with the world's default start area, in the same process. Every 10
 * logical seconds it samples players online and moving, their median and 90th-percentile distance
 * from the spawn point, and players in view per player: other players within 7 tiles (what a
 * bot's avatar query holds, with its exit margin; each of them that moves is one row update per
 * tick for that bot), all of them and the moving ones. The summary averages the samples taken once
 * everyone has joined and had `settle-s` to walk home. Prints a table; writes
 * bench-results/sim-density.json.
 *
 *   npx tsx sim/bench/density.bench.ts [--players 300,1000,2000] [--minutes 1.5] [--join-ms 20]
 *       [--settle-s 20] [--seed bench] [--variants before,after] [--home-scale auto|<factor>]
 *       [--out sim-density]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine, ModuleDef } from '@tickspace/server/engine';
import type { FrontierOptions } from '@tickspace/server/world';
import { parseMix, settleScale } from '../src/behaviour/population';
import { runInProcess } from '../src/runners/in-process-runner';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg('players', '300,1000,2000').split(',').map(Number);
const minutes = Number(arg('minutes', '1.5'));
const seed = arg('seed', 'bench');
const joinMsPerPlayer = Number(arg('join-ms', '20'));
const settleS = Number(arg('settle-s', '20'));
const variants = arg('variants', 'before,after').split(',');
const homeScaleArg = arg('home-scale', 'auto');
const NEAR_TILES = 7;

/** The world of each variant: "before" is everyone at the spawn point. */
const WORLDS: Record<string, FrontierOptions> = {
  before: { spawnTilesPerPlayer: 0 },
  after: {},
};

interface Sample {
  logicalS: number;
  online: number;
  moving: number;
  medianDistance: number;
  p90Distance: number;
  playersInView: number;
  movingInView: number;
}

type Avatar = { x: number; y: number; online: boolean; moving: boolean };

function sample(engine: Engine<ModuleDef>, logicalMs: number): Sample {
  const db = engine.db as unknown as {
    avatar: { iter(): Avatar[] };
    world_info: { find(k: number): { spawnX: number; spawnY: number } | undefined };
  };
  const info = db.world_info.find(0)!;
  const online = db.avatar.iter().filter((a) => a.online);
  // A uniform grid of NEAR_TILES cells: neighbours are in the 3x3 cells around a player.
  const cells = new Map<string, Avatar[]>();
  const cellOf = (a: Avatar) => `${Math.floor(a.x / NEAR_TILES)},${Math.floor(a.y / NEAR_TILES)}`;
  for (const a of online) {
    const key = cellOf(a);
    const list = cells.get(key);
    if (list === undefined) cells.set(key, [a]);
    else list.push(a);
  }
  let near = 0;
  let nearMoving = 0;
  for (const a of online) {
    const cx = Math.floor(a.x / NEAR_TILES);
    const cy = Math.floor(a.y / NEAR_TILES);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++)
        for (const b of cells.get(`${cx + dx},${cy + dy}`) ?? [])
          if (b !== a && Math.hypot(a.x - b.x, a.y - b.y) < NEAR_TILES) {
            near++;
            if (b.moving) nearMoving++;
          }
  }
  const d = online.map((a) => Math.hypot(a.x - info.spawnX, a.y - info.spawnY)).sort((x, y) => x - y);
  return {
    logicalS: logicalMs / 1000,
    online: online.length,
    moving: online.filter((a) => a.moving).length,
    medianDistance: d[d.length >> 1] ?? 0,
    p90Distance: d[Math.floor(d.length * 0.9)] ?? 0,
    playersInView: near / Math.max(1, online.length),
    movingInView: nearMoving / Math.max(1, online.length),
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

interface Run {
  variant: string;
  players: number;
  world: FrontierOptions;
  homeScale: number;
  joinMs: number;
  stateHash: string;
  /** Means over the samples from `joinMs + settle-s` on. */
  steady: {
    samples: number;
    medianDistance: number;
    p90Distance: number;
    playersInView: number;
    movingInView: number;
  };
  samples: Sample[];
}

const runs: Run[] = [];
const out = join(ROOT, 'bench-results', arg('out', 'sim-density') + '.json');
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
/** Written after every run: a long sweep keeps what it measured if it is stopped. */
const save = () =>
  writeFileSync(
    out,
    JSON.stringify(
      {
        bench: 'sim-density',
        minutes,
        seed,
        joinMsPerPlayer,
        settleS,
        nearTiles: NEAR_TILES,
        date: new Date().toISOString(),
        runs,
      },
      null,
      1,
    ),
  );
for (const players of sizes)
  for (const variant of variants) {
    const world = WORLDS[variant];
    if (world === undefined) throw new Error(`unknown variant ${variant}: before or after`);
    const joinMs = Math.max(10_000, players * joinMsPerPlayer);
    const homeScale = homeScaleArg === 'auto' ? settleScale(players) : Number(homeScaleArg);
    console.log(
      `${variant}: ${players} players, join over ${joinMs / 1000} s, settle scale ${homeScale.toFixed(2)}, seed ${seed}`,
    );
    let engine: Engine<ModuleDef> | undefined;
    const samples: Sample[] = [];
    const r = await runInProcess({
      mix: parseMix(undefined, players),
      seed,
      minutes,
      joinWindowMs: joinMs,
      homeScale,
      world,
      onEngine: (e) => (engine = e),
      progressEveryMs: 10_000,
      progressWallMs: Number.POSITIVE_INFINITY,
      onProgress: (p) => {
        const s = sample(engine!, p.virtualMs);
        samples.push(s);
        console.log(
          `  ${String(s.logicalS).padStart(5)} s  online ${String(s.online).padStart(5)}  moving ${String(s.moving).padStart(5)}  from spawn: median ${s.medianDistance.toFixed(0).padStart(4)}, p90 ${s.p90Distance.toFixed(0).padStart(4)} tiles  in view ${s.playersInView.toFixed(1)} (moving ${s.movingInView.toFixed(1)})`,
        );
      },
    });
    const steady = samples.filter((s) => s.logicalS * 1000 >= joinMs + settleS * 1000);
    runs.push({
      variant,
      players,
      world,
      homeScale,
      joinMs,
      stateHash: r.stateHash,
      steady: {
        samples: steady.length,
        medianDistance: mean(steady.map((s) => s.medianDistance)),
        p90Distance: mean(steady.map((s) => s.p90Distance)),
        playersInView: mean(steady.map((s) => s.playersInView)),
        movingInView: mean(steady.map((s) => s.movingInView)),
      },
      samples,
    });
    save();
  }

console.log('\nvariant  players  median/p90 from spawn  players in view  moving in view  vs before');
for (const run of runs) {
  const before = runs.find((r) => r.variant === 'before' && r.players === run.players);
  const s = run.steady;
  console.log(
    `${run.variant.padEnd(7)}  ${String(run.players).padStart(7)}  ${s.medianDistance.toFixed(0).padStart(10)} / ${s.p90Distance.toFixed(0).padStart(4)}  ${s.playersInView.toFixed(2).padStart(15)}  ${s.movingInView.toFixed(2).padStart(14)}  ${before === undefined ? '' : `${(s.playersInView / before.steady.playersInView).toFixed(2)}x`}`,
  );
}
save();
console.log(`wrote ${out}`);
