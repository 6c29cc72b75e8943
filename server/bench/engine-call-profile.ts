/**
 * What one engine call costs, in figures the shared machine's load does not move: bytes allocated
 * per call (heap growth over a batch run inside one young generation, no collection in between)
 * and the allocation sites (V8's sampling heap profiler, collected objects included), for the
 * keynote transfer and the single-row update of `engine.bench.ts`, beside the same logic on a `Map`.
 * Run: `node --max-semi-space-size=512 --min-semi-space-size=512 --import tsx server/bench/engine-call-profile.ts [alloc|sites|cpu]`
 * (`cpu [update]`: the keynote, or the update, alone for about 5 s, for `node --cpu-prof`; `fixed [update]`:
 * 1,000,000 calls between two printed markers, for `node --trace-gc-nvp`).
 *
 * What it showed (issue 14): a keynote call allocates 700 to 735 bytes against the `Map`'s 160, and
 * the young-generation collections of a 20,000-call tick copy 169 to 182 bytes of every call (its
 * records live until the tick commits). Object-literal sites are pretenured by V8 once their
 * objects are seen to survive, class instances never: making the change record a class tripled
 * the bytes copied (about 490 per keynote call), and making the queued call an object literal
 * halved them (84 to 87) in four runs of six but raised them to 245 in the other two, where V8 did
 * not pretenure the site. Neither is kept: the gain depends on V8's pretenuring decisions. Records
 * that do not outlive their call by being objects (a struct-of-arrays change list and call list
 * read by the log and the subscriptions) are what would remove the copying.
 */
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { createEngine, createSchema, defineModule, t, table, toIdentity } from '../src/engine';
import { keynoteModule } from './keynote-module';

const sender = toIdentity('c'.repeat(32));
const ACCOUNTS = 100_000;

function keynote(): { run: (n: number) => void; map: (n: number) => void } {
  const engine = createEngine({ module: keynoteModule(ACCOUNTS) });
  engine.runTick();
  const args: { from: number; to: number; amount: bigint }[] = [];
  let seq = 1;
  for (let i = 0; i < 20_000; i++) {
    seq = (seq * 1103515245 + 12345) >>> 0;
    const from = seq % ACCOUNTS;
    seq = (seq * 1103515245 + 12345) >>> 0;
    args.push({ from, to: seq % ACCOUNTS, amount: 1n });
  }
  const map = new Map<number, { id: number; balance: bigint }>();
  for (let i = 0; i < ACCOUNTS; i++) map.set(i, { id: i, balance: 1_000_000_000n });
  return {
    run: (n) => {
      for (let i = 0; i < n; i++) engine.enqueue(sender, 'transfer', args[i % args.length]);
      engine.runTick();
    },
    map: (n) => {
      for (let i = 0; i < n; i++) {
        const { from, to, amount } = args[i % args.length]!;
        const a = map.get(from)!;
        if (a.balance < amount) continue;
        map.set(from, { id: from, balance: a.balance - amount });
        map.set(to, { id: to, balance: map.get(to)!.balance + amount });
      }
    },
  };
}

function update(): { run: (n: number) => void; map: (n: number) => void } {
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
  const args = { id: 1 };
  const map = new Map<number, { id: number; value: number }>([[1, { id: 1, value: 0 }]]);
  return {
    run: (n) => {
      for (let i = 0; i < n; i++) engine.enqueue(sender, 'bump', args);
      engine.runTick();
    },
    map: (n) => {
      for (let i = 0; i < n; i++) map.set(1, { id: 1, value: (map.get(1)!.value + 1) >>> 0 });
    },
  };
}

let collections = 0;
new PerformanceObserver((list) => (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Bytes the heap grew by per operation over `n` operations, or NaN if a collection ran meanwhile. */
async function bytesPerOp(work: (n: number) => void, n: number): Promise<number> {
  for (let i = 0; i < 20; i++) work(n); // optimised before it is measured
  globalThis.gc?.();
  await settle();
  await settle();
  const before = collections;
  const used = process.memoryUsage().heapUsed;
  work(n);
  const grown = process.memoryUsage().heapUsed - used;
  await settle();
  await settle();
  if (process.env.DEBUG_ALLOC) console.log({ before, after: collections, grown });
  return collections === before ? grown / n : NaN;
}

const mode = process.argv[2] ?? 'alloc';
const workloads = { keynote: keynote(), 'single-row update': update() };
if (mode === 'alloc') {
  const rows = [];
  for (const [name, w] of Object.entries(workloads))
    rows.push({
      workload: name,
      'engine B/call': (await bytesPerOp(w.run, 10_000)).toFixed(1),
      'Map B/op': (await bytesPerOp(w.map, 10_000)).toFixed(1),
    });
  console.table(rows);
  if (globalThis.gc === undefined) console.log('(run with --expose-gc for a settled heap before each batch)');
} else if (mode === 'sites') {
  const session = new Session();
  session.connect();
  for (const [name, w] of Object.entries(workloads)) {
    for (let i = 0; i < 20; i++) w.run(10_000);
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const calls = 200_000;
    for (let i = 0; i < calls / 10_000; i++) w.run(10_000);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    const bySite = new Map<string, number>();
    const walk = (node: (typeof profile)['head']): void => {
      const f = node.callFrame;
      const site = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    const total = [...bySite.values()].reduce((a, b) => a + b, 0);
    console.log(`\n## ${name}: ${(total / calls).toFixed(1)} sampled B/call`);
    console.table(
      [...bySite]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([site, bytes]) => ({ site, 'B/call': (bytes / calls).toFixed(1) })),
    );
  }
  session.disconnect();
} else if (mode === 'cpu') {
  const w = workloads[process.argv[3] === 'update' ? 'single-row update' : 'keynote'];
  const until = performance.now() + 5_000;
  let calls = 0;
  while (performance.now() < until) {
    w.run(20_000);
    calls += 20_000;
  }
  console.log(`${calls} keynote calls`);
} else if (mode === 'fixed') {
  // A fixed count of calls between two markers, after a warm-up: for `--trace-gc-nvp`, whose
  // lines between the markers give the bytes each collection copied, a count the load does not move.
  const w = workloads[process.argv[3] === 'update' ? 'single-row update' : 'keynote'];
  for (let i = 0; i < 20; i++) w.run(20_000);
  console.log('BEGIN');
  for (let i = 0; i < 50; i++) w.run(20_000);
  console.log(`END ${50 * 20_000}`);
} else throw new Error(`mode is alloc, sites, cpu or fixed, got ${mode}`);
