/**
 * What the visibility budget costs a tick (issue 15): the same world twice in one process, 500
 * clients each subscribed to a table whose visibility rule shows a client its own rows, every row
 * changing every tick; one engine's subscriptions have no budget (`visibilityBudgetMs: 0`), the
 * other the default (one V8-timed run per fan-out). Rounds alternate between the two so a noisy
 * neighbour hits both; the figure is the median over rounds of the mean tick (calls + commit +
 * fan-out), and the ratio is budgeted over unbudgeted.
 * Run: `node --import tsx server/bench/visibility-budget.bench.ts [clients] [rounds]`.
 */
import { createEngine, createSchema, defineModule, t, table, toIdentity, type Identity } from '../src/engine';
import { createSubscriptions } from '../src/engine/tooling';
import { DEFAULT_VISIBILITY_BUDGET_MS } from '../src/engine/subscriptions/visibility-guard';
import { TickBudget } from '../src/engine/sandbox/tick-budget';
import { percentile, report } from './harness';

const CLIENTS = Number(process.argv[2] ?? 500);
const ROUNDS = Number(process.argv[3] ?? 15);
const TICKS_PER_ROUND = 100;

const schema = createSchema({
  item: table(
    { public: true, visibility: (row, viewer) => row.owner === viewer },
    { id: t.u32().primaryKey(), owner: t.identity(), qty: t.u32() },
  ),
});
const bump = schema.reducer('bump', { n: t.u32() }, (ctx, { n }) => {
  for (let id = 0; id < n; id++) {
    const row = ctx.db.item.find(id)!;
    ctx.db.item.update({ ...row, qty: row.qty + 1 });
  }
});
const module = defineModule(schema, {
  reducers: [bump],
  init: (ctx) => {
    for (let id = 0; id < CLIENTS; id++) ctx.db.item.insert({ id, owner: who(id), qty: 0 });
  },
});

function who(n: number): Identity {
  return toIdentity(n.toString(16).padStart(32, '0'));
}

function world(visibilityBudgetMs: number) {
  const engine = createEngine({ module, tickMs: 50 });
  engine.runTick();
  const subs = createSubscriptions(engine, { visibilityBudgetMs });
  let bytes = 0;
  for (let i = 0; i < CLIENTS; i++) {
    const handle = subs.addClient(who(i), { bufferedAmount: 0, send: (f) => void (bytes += f.length) });
    subs.subscribe(handle, 1, { table: 'item' });
  }
  const round = (): number => {
    const started = performance.now();
    for (let i = 0; i < TICKS_PER_ROUND; i++) {
      engine.enqueue(who(0), 'bump', { n: CLIENTS });
      engine.runTick();
    }
    return (performance.now() - started) / TICKS_PER_ROUND;
  };
  return { round, bytes: () => bytes };
}

const plain = world(0);
const budgeted = world(DEFAULT_VISIBILITY_BUDGET_MS);
// Warm-up: JIT for both.
plain.round();
budgeted.round();
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) {
    a.push(plain.round());
    b.push(budgeted.round());
  } else {
    b.push(budgeted.round());
    a.push(plain.round());
  }
}
if (plain.bytes() !== budgeted.bytes()) throw new Error('the two worlds sent different bytes');

// One timed run of nothing: the fixed cost the budget adds per stretch of work.
const empty = new TickBudget(DEFAULT_VISIBILITY_BUDGET_MS, 'bench');
const runs = 2000;
const started = performance.now();
for (let i = 0; i < runs; i++) empty.run(() => {});
const perRunMs = (performance.now() - started) / runs;

const plainMs = percentile(a, 0.5);
const budgetedMs = percentile(b, 0.5);
report(
  'visibility-budget',
  [
    {
      name: `${CLIENTS} clients, every row changing: tick without a visibility budget (median of round means)`,
      value: plainMs,
      unit: 'ms',
    },
    {
      name: `${CLIENTS} clients, every row changing: tick with visibilityBudgetMs ${DEFAULT_VISIBILITY_BUDGET_MS}`,
      value: budgetedMs,
      unit: 'ms',
      ratio: budgetedMs / plainMs,
      baseline: 'the same world without a budget, same run',
    },
    { name: 'one timed run of empty work (TickBudget.run)', value: perRunMs, unit: 'ms' },
  ],
  { clients: CLIENTS, rounds: ROUNDS, ticksPerRound: TICKS_PER_ROUND },
);
