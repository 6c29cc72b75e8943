/**
 * A Frontier tick with 2,000 and 10,000 simulated players walking and gathering, in-process, with
 * the real commit log (encode + append; no fsync) and real area-of-interest subscriptions
 * (avatars, nodes, buildings, terrain, local chat following the player; frames counted, then
 * dropped) for SUBSCRIBERS of the players (default 250: the subscription engine's cost per
 * moving follow query is high enough that subscribing all 10,000 takes minutes per run).
 * Reports tick p50/p99 (wall and CPU) and its split in CPU time: reducers (client calls and
 * finishers), physics, commit, fan-out. The machine is shared, so wall time includes waiting for a
 * core; CPU time of this process is the steadier figure (it includes GC threads). Baseline for
 * ratios: the 2,000-player run.
 *
 *   npx tsx server/bench/world-tick.ts                           # both sizes
 *   PLAYERS=10000 SUBSCRIBERS=10000 npx tsx server/bench/world-tick.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { createSubscriptions, openDatabase, type Database } from '../src/engine/tooling';
import type { Engine, ModuleDef } from '../src/engine';
import { percentile, report, type Figure } from './harness';
import { botTick, spreadWorld, type FrontierEngine } from './world-bench-kit';

const sizes = process.env.PLAYERS === undefined ? [2000, 10000] : [Number(process.env.PLAYERS)];
const WARMUP = 20;
const TICKS = Number(process.env.TICKS ?? 60);
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 250);

interface Split {
  players: number;
  totalWall: number[];
  totalCpu: number[];
  world: number[];
  reducers: number[];
  physics: number[];
  commit: number[];
  fanout: number[];
  calls: number[];
  movers: number[];
  bytesPerTick: number;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function run(players: number): Promise<Split> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontier-bench-'));
  let db: Database<ModuleDef> | undefined;
  const quiet = { error: (m: string, e?: unknown) => console.error(m, e), warn: () => {} };
  // Same density at both sizes: one player per ~150 tiles of land area.
  const spread = Math.round(Math.sqrt(players * 150));
  const { frontier, engine, ids } = await spreadWorld(players, spread, {}, 'bench', async (module) => {
    db = await openDatabase({
      dir,
      module,
      seed: 'bench',
      tickMs: 50,
      durability: 'never',
      confirm: 'immediate',
      snapshotEveryTicks: 0,
      snapshotEveryBytes: 0,
      logger: quiet,
    });
    return db.engine as unknown as FrontierEngine;
  });
  // CPU marks: the commit log's encode and append are timed where they run; a commit hook after
  // the log's and before the subscriptions' marks the end of commit, a fan-out hook after the
  // subscriptions' marks the end of fan-out.
  let commitCpu = 0;
  const codec = db!.store.codec;
  const encode = codec.encodeFramed.bind(codec);
  codec.encodeFramed = (record) => {
    const c = cpuNow();
    const out = encode(record);
    commitCpu += cpuNow() - c;
    return out;
  };
  const writer = db!.writer!;
  const append = writer.append.bind(writer);
  writer.append = (tick, framed) => {
    const c = cpuNow();
    append(tick, framed);
    commitCpu += cpuNow() - c;
  };
  let afterCommit = 0;
  let afterFanout = 0;
  engine.onCommit(() => void (afterCommit = cpuNow()));
  const subs = createSubscriptions(engine as unknown as Engine<ModuleDef>, {
    maxQueryCells: 4096,
    highWatermarkBytes: Number.MAX_SAFE_INTEGER,
    lowWatermarkBytes: 0,
  });
  engine.onTick(() => void (afterFanout = cpuNow()));
  let bytes = 0;
  const sink = { bufferedAmount: 0, send: (f: Uint8Array) => void (bytes += f.length) };
  const started = performance.now();
  for (const id of ids.slice(0, SUBSCRIBERS)) {
    const h = subs.addClient(id, sink);
    subs.subscribe(h, 1, {
      table: 'avatar',
      follow: { table: 'avatar', key: id, radius: 24, exitRadius: 28 },
    });
    subs.subscribe(h, 2, {
      table: 'resource_node',
      follow: { table: 'avatar', key: id, radius: 24, exitRadius: 28 },
    });
    subs.subscribe(h, 3, {
      table: 'building',
      follow: { table: 'avatar', key: id, radius: 24, exitRadius: 28 },
    });
    subs.subscribe(h, 4, {
      table: 'terrain_chunk',
      follow: { table: 'avatar', key: id, radius: 48, exitRadius: 64 },
    });
    subs.subscribe(h, 5, {
      table: 'chat_message',
      follow: { table: 'avatar', key: id, radius: 24, exitRadius: 28 },
    });
  }
  const subscribeMs = performance.now() - started;
  const rng = seedrandom.alea(`tick-bench/${players}`);
  const s: Split = {
    players,
    totalWall: [],
    totalCpu: [],
    world: [],
    reducers: [],
    physics: [],
    commit: [],
    fanout: [],
    calls: [],
    movers: [],
    bytesPerTick: 0,
  };
  let bytesAtStart = 0;
  for (let t = 0; t < WARMUP + TICKS; t++) {
    const calls = botTick(engine, ids, rng);
    commitCpu = 0;
    const cpu0 = cpuNow();
    const w0 = performance.now();
    engine.runTick();
    await engine.flush();
    const wall = performance.now() - w0;
    const cpu1 = cpuNow();
    if (t === WARMUP) bytesAtStart = bytes;
    if (t < WARMUP) continue;
    const physics = frontier.lastStep.physicsCpuMs;
    const reducers = afterCommit - cpu0 - commitCpu - physics;
    s.totalWall.push(wall);
    s.totalCpu.push(cpu1 - cpu0);
    s.physics.push(physics);
    s.reducers.push(reducers);
    s.commit.push(commitCpu);
    s.fanout.push(afterFanout - afterCommit);
    s.world.push(afterCommit - cpu0);
    s.calls.push(calls);
    s.movers.push(frontier.lastStep.movers);
  }
  s.bytesPerTick = (bytes - bytesAtStart) / TICKS;
  console.log(
    `${players} players: subscribe ${subscribeMs.toFixed(0)} ms, ${subs.stats().queries} queries, ${engine.db.terrain_chunk.count()} chunks, ${engine.db.resource_node.count()} nodes, physics cache ${frontier.physics(engine).size} chunks / ${frontier.physics(engine).worlds} rapier worlds`,
  );
  subs.dispose();
  await db!.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return s;
}

const results: Split[] = [];
for (const n of sizes) results.push(await run(n));
const base = results[0]!;
const figures: Figure[] = [];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
for (const r of results) {
  const ratio = (v: number, b: number, name: string) =>
    r === base ? {} : { ratio: v / b, baseline: `${base.players} players ${name}` };
  const p = (xs: number[], q: number) => percentile(xs, q);
  figures.push({
    name: `${r.players} players: tick wall p50`,
    value: p(r.totalWall, 0.5),
    unit: 'ms',
    ...ratio(p(r.totalWall, 0.5), p(base.totalWall, 0.5), 'wall p50'),
  });
  figures.push({
    name: `${r.players} players: tick wall p99`,
    value: p(r.totalWall, 0.99),
    unit: 'ms',
    ...ratio(p(r.totalWall, 0.99), p(base.totalWall, 0.99), 'wall p99'),
  });
  figures.push({
    name: `${r.players} players: tick CPU p50`,
    value: p(r.totalCpu, 0.5),
    unit: 'ms',
    ...ratio(p(r.totalCpu, 0.5), p(base.totalCpu, 0.5), 'CPU p50'),
  });
  figures.push({
    name: `${r.players} players: tick CPU p99`,
    value: p(r.totalCpu, 0.99),
    unit: 'ms',
    ...ratio(p(r.totalCpu, 0.99), p(base.totalCpu, 0.99), 'CPU p99'),
  });
  figures.push({
    name: `${r.players} players: reducers + physics + commit CPU p50`,
    value: p(r.world, 0.5),
    unit: 'ms',
    ...ratio(p(r.world, 0.5), p(base.world, 0.5), 'p50'),
  });
  figures.push({
    name: `${r.players} players: reducers + physics + commit CPU p99`,
    value: p(r.world, 0.99),
    unit: 'ms',
    ...ratio(p(r.world, 0.99), p(base.world, 0.99), 'p99'),
  });
  for (const [part, xs] of [
    ['reducers', r.reducers],
    ['physics', r.physics],
    ['commit', r.commit],
    [`fan-out (${Math.min(SUBSCRIBERS, r.players)} subscribed clients)`, r.fanout],
  ] as const) {
    figures.push({ name: `${r.players} players: ${part} CPU p50`, value: p(xs, 0.5), unit: 'ms' });
    figures.push({ name: `${r.players} players: ${part} CPU p99`, value: p(xs, 0.99), unit: 'ms' });
  }
  figures.push({
    name: `${r.players} players: walking per tick (mean)`,
    value: mean(r.movers),
    unit: 'players',
  });
  figures.push({
    name: `${r.players} players: client calls per tick (mean)`,
    value: mean(r.calls),
    unit: 'calls',
  });
  figures.push({
    name: `${r.players} players: subscription bytes per tick`,
    value: r.bytesPerTick,
    unit: 'B',
  });
}
report('world-tick', figures, {
  ticks: TICKS,
  subscribers: SUBSCRIBERS,
  goal: '10,000 players within 50 ms p99 on one core',
  note: 'wall times include waiting for the CPU on a shared 2-core machine; CPU is this process only (includes GC threads)',
  loadavg: os.loadavg(),
});
