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
 * Then the load test's movement scenario in process (see `runLoadShape`) at 1,000 to 4,000 clients.
 *
 * Run: npx tsx server/bench/subscriptions-fanout.bench.ts
 */
import { loadavg } from 'node:os';
import seedrandom from 'seedrandom';
import { createEngine, createSchema, defineModule, t, table } from '../src/engine';
import { createSubscriptions } from '../src/engine/tooling';
import { BinaryWriter, compileRowCodec, compileUpdateCodec } from '../src/protocol';
import { columnShapes } from '../src/engine/schema';
import { percentile, report, type Figure } from './harness';
import { benchWorld, populate, SERVER } from './net-bench-world';

const ENTITIES = 2_000;
const SIDE = 1_000;
const SPEED = 0.5;
const RADIUS = 98;
const CLIENT_COUNTS = [500, 1_000, 2_000, 5_000];
const WARMUP = 3;
const TICKS = 12;
const SHAPE_CLIENTS = [1_000, 2_000, 4_000];

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
      subs.subscribe(h, 1, {
        table: 'mover',
        follow: { table: 'mover', key, radius: RADIUS, exitRadius: RADIUS * 1.1 },
      });
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

/**
 * The load test's movement scenario in process: one entity per client in a world of 1,000 square
 * units per client, each client following its own entity with a radius of 100 (cell 100, so no
 * cell lies fully inside an area), positions in i32 tenths, every entity stepping 4 units every
 * other tick on a persistent heading. Returns the median fan-out wall time and the subscription
 * work's CPU time per tick (the tick's CPU minus the same tick of an identical engine without
 * subscribers), which a busy machine distorts less than wall time.
 */
function runLoadShape(clients: number): {
  fanoutMs: number;
  cpuMs: number;
  diffMs: number;
  bytesPerClient: number;
} {
  const UNIT = 10;
  const side = Math.floor(Math.sqrt(clients * 1000) * UNIT);
  const rng = seedrandom.alea(`shape-${clients}`);
  const start = Array.from(
    { length: clients },
    () => [Math.round(rng() * side), Math.round(rng() * side), rng() * Math.PI * 2] as const,
  );
  const make = () => {
    const schema = createSchema({
      entity: table(
        { public: true, spatial: { x: 'x', y: 'y', cellSize: 100 * UNIT } },
        { id: t.u32().primaryKey(), x: t.i32(), y: t.i32() },
      ),
    });
    const walk = seedrandom.alea('walk');
    const heading = start.map((s) => s[2]);
    let parity = 0;
    const spawn = schema.reducer('spawn', {}, (ctx) => {
      start.forEach(([x, y], id) => ctx.db.entity.insert({ id, x, y }));
    });
    const step = schema.reducer('step', {}, (ctx) => {
      parity ^= 1;
      for (let id = parity; id < clients; id += 2) {
        const e = ctx.db.entity.find(id)!;
        if (walk() < 0.1) heading[id] = heading[id]! + (walk() - 0.5) * Math.PI;
        const nx = Math.min(side, Math.max(0, e.x + Math.round(Math.cos(heading[id]!) * 4 * UNIT)));
        const ny = Math.min(side, Math.max(0, e.y + Math.round(Math.sin(heading[id]!) * 4 * UNIT)));
        ctx.db.entity.update({ id, x: nx, y: ny });
      }
    });
    const engine = createEngine({
      module: defineModule(schema, { reducers: [spawn, step] as const }),
      seed: 'shape',
    });
    engine.enqueue(SERVER, 'spawn', {});
    engine.runTick();
    return engine;
  };
  const engine = make();
  const bare = make();
  const subs = createSubscriptions(engine);
  let bytes = 0;
  const sink = { bufferedAmount: 0, send: (f: Uint8Array) => void (bytes += f.length) };
  for (let c = 0; c < clients; c++)
    subs.subscribe(subs.addClient(SERVER, sink), 1, {
      table: 'entity',
      follow: { table: 'entity', key: c, radius: 100 * UNIT },
    });
  const store = engine.tables.entity!;
  const codec = compileRowCodec(columnShapes(store.def.columns));
  const update = compileUpdateCodec(codec.columns, store.pkColumns);
  const w = new BinaryWriter(1 << 16);
  let lastSent = Array.from({ length: clients }, () => new Map<unknown, Readonly<Record<string, unknown>>>());
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const fanout: number[] = [];
  const diff: number[] = [];
  let withSubs = 0;
  let without = 0;
  for (let i = 0; i < WARMUP + TICKS * 2; i++) {
    if (i === WARMUP) bytes = 0;
    const c0 = cpu();
    engine.enqueue(SERVER, 'step', {});
    engine.runTick();
    const c1 = cpu();
    bare.enqueue(SERVER, 'step', {});
    bare.runTick();
    const c2 = cpu();
    // Re-run + diff baseline: each client's circle re-run and diffed against what it was last sent.
    const t0 = performance.now();
    const nextSent: Map<unknown, Readonly<Record<string, unknown>>>[] = [];
    for (let c = 0; c < clients; c++) {
      const me = store.find(c)!;
      const rows = store.withinRadius(me.x as number, me.y as number, 100 * UNIT);
      const prev = lastSent[c]!;
      const next = new Map<unknown, Readonly<Record<string, unknown>>>();
      w.reset();
      for (const row of rows) {
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
    const diffMs = performance.now() - t0;
    if (i < WARMUP) continue;
    withSubs += c1 - c0;
    without += c2 - c1;
    fanout.push(subs.stats().lastFanoutMs);
    diff.push(diffMs);
  }
  subs.dispose();
  return {
    fanoutMs: percentile(fanout, 0.5),
    cpuMs: (withSubs - without) / (TICKS * 2),
    diffMs: percentile(diff, 0.5),
    bytesPerClient: bytes / (TICKS * 2) / clients,
  };
}

const figures: Figure[] = [];
const results: Record<string, Result> = {};
const shapes: Record<string, ReturnType<typeof runLoadShape>> = {};
for (const clients of SHAPE_CLIENTS) {
  const label = `load-test shape, ${clients} clients following their own entity`;
  const r = runLoadShape(clients);
  shapes[label] = r;
  figures.push(
    {
      name: `${label}: fan-out per tick (median wall)`,
      value: r.fanoutMs,
      unit: 'ms',
      ratio: r.diffMs / r.fanoutMs,
      baseline: 're-run + diff (x faster)',
    },
    { name: `${label}: subscription CPU per tick (mean)`, value: r.cpuMs, unit: 'ms' },
    { name: `${label}: baseline re-run + diff per tick`, value: r.diffMs, unit: 'ms' },
    { name: `${label}: bytes per client per tick`, value: r.bytesPerClient, unit: 'B' },
  );
}
for (const follow of [false, true]) {
  for (const clients of CLIENT_COUNTS) {
    const label = `${clients} clients, ${follow ? 'following entities' : 'fixed areas'}`;
    const r = run(clients, follow);
    results[label] = r;
    figures.push(
      {
        name: `${label}: fan-out CPU per tick (median)`,
        value: r.fanoutMs,
        unit: 'ms',
        ratio: r.diffMs / r.fanoutMs,
        baseline: 're-run + diff (x faster)',
      },
      { name: `${label}: baseline re-run + diff per tick`, value: r.diffMs, unit: 'ms' },
      {
        name: `${label}: baseline re-encode whole rows per tick`,
        value: r.naiveMs,
        unit: 'ms',
        ratio: r.naiveMs / r.fanoutMs,
        baseline: 'fan-out (x faster; >1 means the baseline is slower)',
      },
      {
        name: `${label}: encodes per tick (shared runs + rows)`,
        value: r.encodesPerTick,
        unit: 'ops',
        ratio: r.naiveEncodesPerTick / r.encodesPerTick,
        baseline: 'naive row encodes (x fewer)',
      },
      {
        name: `${label}: bytes sent per tick`,
        value: r.bytesPerTick,
        unit: 'B',
        ratio: r.naiveBytesPerTick / r.bytesPerTick,
        baseline: 'naive full rows (x fewer)',
      },
    );
  }
}
report('net-subscriptions-fanout', figures, {
  entities: ENTITIES,
  side: SIDE,
  radius: RADIUS,
  ticks: TICKS,
  results,
  shapes,
  loadAverage: loadavg(),
});
