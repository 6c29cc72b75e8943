/**
 * Server CPU per tick for subscription fan-out to 500 ... 5,000 clients (in-process sinks that
 * count bytes), 2,000 moving entities, each client seeing ~60 of them through a radius query:
 * fixed areas, and areas following a moving entity. Baselines in the same run, both producing one
 * frame per client per tick:
 * - "re-run + diff": every client's query re-run every tick, diffed against what the client was
 *   last sent, changes encoded per client (what the issue calls re-running all queries each tick);
 * - "re-encode": every client's query re-run and every visible row re-encoded whole, no diffing
 *   (cheaper per tick than a diff, but it sends full state every tick).
 *
 * Run: npx tsx server/bench/subscriptions-fanout.bench.ts
 */
import seedrandom from 'seedrandom';
import { createEngine, createSubscriptions } from '../src/engine';
import { BinaryWriter, compileRowCodec, compileUpdateCodec } from '../src/protocol';
import { columnShapes } from '../src/engine';
import { percentile, report, type Figure } from './harness';
import { benchWorld, populate, SERVER } from './net-bench-world';

const ENTITIES = 2_000;
const SIDE = 1_000;
const SPEED = 0.5;
const RADIUS = 98;
const CLIENT_COUNTS = [500, 1_000, 2_000, 5_000];
const WARMUP = 3;
const TICKS = 12;

interface Result {
  fanoutMs: number;
  diffMs: number;
  naiveMs: number;
  bytesPerTick: number;
  naiveBytesPerTick: number;
  encodesPerTick: number;
  naiveEncodesPerTick: number;
  framesPerTick: number;
}

function run(clients: number, follow: boolean): Result {
  const { module } = benchWorld(ENTITIES, SIDE, SPEED, 'fanout');
  const engine = createEngine({ module, seed: 'fanout' });
  populate(engine);
  const subs = createSubscriptions(engine);
  const rng = seedrandom.alea(`clients-${clients}`);
  let bytes = 0;
  let frames = 0;
  const sink = { bufferedAmount: 0, send: (f: Uint8Array) => ((bytes += f.length), frames++) };
  const centres: (() => [number, number])[] = [];
  const store = engine.tables.mover!;
  for (let c = 0; c < clients; c++) {
    const h = subs.addClient(SERVER, sink);
    if (follow) {
      const key = Math.floor(rng() * ENTITIES);
      subs.subscribe(h, 1, { table: 'mover', follow: { table: 'mover', key, radius: RADIUS, exitRadius: RADIUS * 1.1 } });
      centres.push(() => {
        const r = store.find(key)!;
        return [r.x as number, r.y as number];
      });
    } else {
      const x = rng() * SIDE;
      const y = rng() * SIDE;
      subs.subscribe(h, 1, { table: 'mover', near: { x, y, radius: RADIUS } });
      centres.push(() => [x, y]);
    }
  }
  const codec = compileRowCodec(columnShapes(store.def.columns));
  const update = compileUpdateCodec(codec.columns, store.pkColumns);
  const w = new BinaryWriter(1 << 16);
  const fanout: number[] = [];
  const naive: number[] = [];
  const diff: number[] = [];
  let lastSent = centres.map(() => new Map<unknown, Readonly<Record<string, unknown>>>());
  let naiveBytes = 0;
  let naiveEncodes = 0;
  let encodes = 0;
  bytes = frames = 0;
  for (let i = 0; i < WARMUP + TICKS; i++) {
    const before = subs.stats();
    engine.enqueue(SERVER, 'step', { float: true, fixed: false });
    engine.runTick();
    const after = subs.stats();
    // The naive server: every client's query re-run and every visible row re-encoded, every tick.
    const t0 = performance.now();
    let nb = 0;
    let ne = 0;
    for (let c = 0; c < clients; c++) {
      const [x, y] = centres[c]!();
      const rows = store.withinRadius(x, y, RADIUS);
      w.reset();
      for (let r = 0; r < rows.length; r++) codec.encode(w, rows[r]!);
      w.toBytes();
      nb += w.length;
      ne += rows.length;
    }
    const naiveMs = performance.now() - t0;
    // The re-run + diff server: same queries, diffed per client against what it was last sent.
    const t1 = performance.now();
    const nextSent: Map<unknown, Readonly<Record<string, unknown>>>[] = [];
    for (let c = 0; c < clients; c++) {
      const [x, y] = centres[c]!();
      const rows = store.withinRadius(x, y, RADIUS);
      const prev = lastSent[c]!;
      const next = new Map<unknown, Readonly<Record<string, unknown>>>();
      w.reset();
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const old = prev.get(row.id);
        if (old === undefined) codec.encode(w, row);
        else if (old !== row) update.encode(w, old, row);
        next.set(row.id, row);
      }
      for (const k of prev.keys()) if (!next.has(k)) w.uvar(k as number);
      nextSent.push(next);
      w.toBytes();
    }
    lastSent = nextSent;
    const diffMs = performance.now() - t1;
    if (i < WARMUP) {
      bytes = frames = 0;
      continue;
    }
    fanout.push(after.lastFanoutMs);
    naive.push(naiveMs);
    diff.push(diffMs);
    naiveBytes += nb;
    naiveEncodes += ne;
    encodes += after.chunksEncoded - before.chunksEncoded + (after.rowsEncoded - before.rowsEncoded);
  }
  subs.dispose();
  return {
    fanoutMs: percentile(fanout, 0.5),
    diffMs: percentile(diff, 0.5),
    naiveMs: percentile(naive, 0.5),
    bytesPerTick: bytes / TICKS,
    naiveBytesPerTick: naiveBytes / TICKS,
    encodesPerTick: encodes / TICKS,
    naiveEncodesPerTick: naiveEncodes / TICKS,
    framesPerTick: frames / TICKS,
  };
}

const figures: Figure[] = [];
const results: Record<string, Result> = {};
for (const follow of [false, true]) {
  for (const clients of CLIENT_COUNTS) {
    const label = `${clients} clients, ${follow ? 'following entities' : 'fixed areas'}`;
    const r = run(clients, follow);
    results[label] = r;
    figures.push(
      { name: `${label}: fan-out CPU per tick (median)`, value: r.fanoutMs, unit: 'ms', ratio: r.diffMs / r.fanoutMs, baseline: 're-run + diff (x faster)' },
      { name: `${label}: baseline re-run + diff per tick`, value: r.diffMs, unit: 'ms' },
      { name: `${label}: baseline re-encode whole rows per tick`, value: r.naiveMs, unit: 'ms', ratio: r.naiveMs / r.fanoutMs, baseline: 'fan-out (x faster; >1 means the baseline is slower)' },
      { name: `${label}: encodes per tick (shared runs + rows)`, value: r.encodesPerTick, unit: 'ops', ratio: r.naiveEncodesPerTick / r.encodesPerTick, baseline: 'naive row encodes (x fewer)' },
      { name: `${label}: bytes sent per tick`, value: r.bytesPerTick, unit: 'B', ratio: r.naiveBytesPerTick / r.bytesPerTick, baseline: 'naive full rows (x fewer)' },
    );
  }
}
report('net-subscriptions-fanout', figures, { entities: ENTITIES, side: SIDE, radius: RADIUS, ticks: TICKS, results });
