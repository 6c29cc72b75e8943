/**
 * Engine benchmarks (issue: engine core). Run: `npx tsx server/bench/engine.bench.ts`.
 * Every figure is paired with a baseline measured in the same run; ratios are what we quote.
 */
import { keynoteModule } from './keynote-module';
import { createEngine, createSchema, defineModule, t, table, toIdentity, type Identity } from '../src/engine';
import { opsPerSecond, percentile, report, type Figure } from './harness';

const sender = toIdentity('c'.repeat(32));
const figures: Figure[] = [];

// ---- 1. single-row update reducer vs the same update on a plain Map ------------------------------
{
  const schema = createSchema({ counter: table({}, { id: t.u32().primaryKey(), value: t.u32() }) });
  const bump = schema.reducer('bump', { id: t.u32() }, (ctx, { id }) => {
    const row = ctx.db.counter.find(id)!;
    ctx.db.counter.update({ id, value: (row.value + 1) >>> 0 });
  });
  const engine = createEngine({
    module: defineModule(schema, {
      reducers: [bump],
      init: (ctx) => void ctx.db.counter.insert({ id: 1, value: 0 }),
    }),
  });
  engine.runTick();
  const batch = 10_000;
  const engineRate = opsPerSecond(() => {
    for (let i = 0; i < batch; i++) engine.enqueue(sender, 'bump', { id: 1 });
    engine.runTick();
  }, batch);
  const map = new Map<number, { id: number; value: number }>([[1, { id: 1, value: 0 }]]);
  const mapRate = opsPerSecond(() => {
    for (let i = 0; i < batch; i++) {
      const row = map.get(1)!;
      map.set(1, { id: 1, value: (row.value + 1) >>> 0 });
    }
  }, batch);
  figures.push({ name: 'plain Map update (baseline)', value: mapRate, unit: 'ops/s' });
  figures.push({
    name: 'single-row update reducer',
    value: engineRate,
    unit: 'calls/s',
    ratio: mapRate / engineRate,
    baseline: 'plain Map (slowdown)',
  });
}

// ---- 2. the keynote transfer: read two of 100,000 accounts, check funds, debit and credit --------
{
  const accounts = 100_000;
  const engine = createEngine({ module: keynoteModule(accounts) });
  engine.runTick();
  const batch = 20_000;
  let seq = 1;
  const args: { from: number; to: number; amount: bigint }[] = [];
  for (let i = 0; i < batch; i++) {
    seq = (seq * 1103515245 + 12345) >>> 0;
    const from = seq % accounts;
    seq = (seq * 1103515245 + 12345) >>> 0;
    args.push({ from, to: seq % accounts, amount: 1n });
  }
  const rate = opsPerSecond(() => {
    for (let i = 0; i < batch; i++) engine.enqueue(sender, 'transfer', args[i]);
    engine.runTick();
  }, batch);
  // The same calls in ticks of 1,000 (a 20 Hz server at 20,000 tx/s): a tick's records die young.
  const perTick = 1_000;
  const rateSmallTicks = opsPerSecond(() => {
    for (let i = 0; i < batch; i++) {
      engine.enqueue(sender, 'transfer', args[i]);
      if (i % perTick === perTick - 1) engine.runTick();
    }
  }, batch);
  const map = new Map<number, { id: number; balance: bigint }>();
  for (let i = 0; i < accounts; i++) map.set(i, { id: i, balance: 1_000_000_000n });
  const mapRate = opsPerSecond(() => {
    for (let i = 0; i < batch; i++) {
      const { from, to, amount } = args[i]!;
      const a = map.get(from)!;
      const b = map.get(to)!;
      if (a.balance < amount) continue;
      map.set(from, { id: from, balance: a.balance - amount });
      map.set(to, { id: to, balance: map.get(to)!.balance + amount });
      void b;
    }
  }, batch);
  figures.push({ name: 'keynote transfer on plain Map (baseline)', value: mapRate, unit: 'tx/s' });
  figures.push({
    name: 'keynote transfer reducer (100k accounts)',
    value: rate,
    unit: 'tx/s',
    ratio: mapRate / rate,
    baseline: 'plain Map (slowdown)',
  });
  figures.push({
    name: 'keynote transfer reducer, 1,000 calls per tick',
    value: rateSmallTicks,
    unit: 'tx/s',
    ratio: mapRate / rateSmallTicks,
    baseline: 'plain Map (slowdown)',
  });
}

// ---- 3. spatial radius query over 100,000 rows vs brute force -----------------------------------
{
  const rows = 100_000;
  const schema = createSchema({
    entity: table(
      { spatial: { x: 'x', y: 'y', cellSize: 32 } },
      { id: t.u32().primaryKey(), x: t.f32(), y: t.f32() },
    ),
  });
  let seed = 7;
  const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const engine = createEngine({
    module: defineModule(schema, {
      reducers: [],
      init: (ctx) => {
        for (let i = 0; i < rows; i++) ctx.db.entity.insert({ id: i, x: rnd() * 4096, y: rnd() * 4096 });
      },
    }),
  });
  engine.runTick();
  const table0 = engine.tables.entity!;
  const all = table0.iter();
  const centres = Array.from({ length: 64 }, () => [rnd() * 4096, rnd() * 4096] as const);
  let found = 0;
  const gridRate = opsPerSecond(() => {
    for (const [x, y] of centres) found += table0.withinRadius(x, y, 64).length;
  }, centres.length);
  let brute = 0;
  const bruteRate = opsPerSecond(
    () => {
      for (const [x, y] of centres) {
        for (let i = 0; i < all.length; i++) {
          const dx = (all[i]!.x as number) - x;
          const dy = (all[i]!.y as number) - y;
          if (dx * dx + dy * dy <= 4096) brute++;
        }
      }
    },
    centres.length,
    { rounds: 3, minMs: 200 },
  );
  figures.push({ name: 'radius-64 query, brute-force scan (baseline)', value: bruteRate, unit: 'queries/s' });
  figures.push({
    name: 'radius-64 query, spatial grid (100k rows)',
    value: gridRate,
    unit: 'queries/s',
    ratio: gridRate / bruteRate,
    baseline: 'brute force (speedup)',
  });
  if (found === 0 || brute === 0) throw new Error('queries found nothing: benchmark is broken');
}

// ---- 4. a tick with 10,000 rows updated -----------------------------------------------------------
{
  const rows = 10_000;
  const schema = createSchema({
    mover: table(
      { spatial: { x: 'x', y: 'y', cellSize: 32 } },
      { id: t.u32().primaryKey(), owner: t.identity(), x: t.f32(), y: t.f32() },
    ),
  });
  const step = schema.reducer('step', { id: t.u32(), dx: t.f32(), dy: t.f32() }, (ctx, { id, dx, dy }) => {
    const row = ctx.db.mover.find(id)!;
    ctx.db.mover.update({ ...row, x: row.x + dx, y: row.y + dy });
  });
  const owners: Identity[] = Array.from({ length: 16 }, (_, i) =>
    toIdentity(i.toString(16).padStart(32, '0')),
  );
  const engine = createEngine({
    module: defineModule(schema, {
      reducers: [step],
      init: (ctx) => {
        for (let i = 0; i < rows; i++)
          ctx.db.mover.insert({
            id: i,
            owner: owners[i % 16]!,
            x: (i % 100) * 10,
            y: Math.floor(i / 100) * 10,
          });
      },
    }),
  });
  engine.runTick();
  const durations: number[] = [];
  for (let tick = 0; tick < 200; tick++) {
    for (let i = 0; i < rows; i++)
      engine.enqueue(owners[i % 16]!, 'step', {
        id: i,
        dx: ((tick + i) % 3) - 1,
        dy: ((tick * 7 + i) % 3) - 1,
      });
    const started = performance.now();
    engine.runTick();
    durations.push(performance.now() - started);
  }
  // Baseline: the same 10,000 updates applied to a plain Map, per tick.
  const map = new Map<number, { id: number; x: number; y: number }>();
  for (let i = 0; i < rows; i++) map.set(i, { id: i, x: i, y: i });
  const base: number[] = [];
  for (let tick = 0; tick < 200; tick++) {
    const started = performance.now();
    for (let i = 0; i < rows; i++) {
      const r = map.get(i)!;
      map.set(i, { id: i, x: r.x + 1, y: r.y - 1 });
    }
    base.push(performance.now() - started);
  }
  const p50 = percentile(durations, 0.5);
  figures.push({
    name: '10k updates on a plain Map, p50 (baseline)',
    value: percentile(base, 0.5),
    unit: 'ms',
  });
  figures.push({
    name: 'tick with 10k row updates, p50',
    value: p50,
    unit: 'ms',
    ratio: p50 / percentile(base, 0.5),
    baseline: 'plain Map (slowdown)',
  });
  figures.push({ name: 'tick with 10k row updates, p99', value: percentile(durations, 0.99), unit: 'ms' });
}

// A run under another young generation (as `npm start` runs the server) gets its own file.
const semiSpace = process.execArgv.find((a) => a.startsWith('--max-semi-space-size='))?.split('=')[1];
report(semiSpace === undefined ? 'engine' : `engine-semi-space-${semiSpace}mb`, figures, {
  execArgv: process.execArgv,
});
