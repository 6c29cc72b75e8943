/**
 * The sandbox's cost on the engine keynote transfer (issue 15): the same reducer unsandboxed before
 * lockdown (what runs today), unsandboxed after lockdown, evaluated in a SES Compartment, and in
 * a Compartment under serve's 1,000 ms tick budget (one vm-timeout run per tick). All in one run, each
 * measured in several interleaved rounds; ratios against the first. Goal: at most 10% overhead.
 * Run: `node --max-semi-space-size=64 --import tsx server/bench/sandbox.bench.ts`.
 */
import { keynoteModule } from './keynote-module';
import { createEngine, toIdentity, type ModuleDef } from '../src/engine';
import { ensureLockdown, loadModuleText } from '../src/engine/sandbox';
import { opsPerSecond, report, type Figure } from './harness';

const sender = toIdentity('c'.repeat(32));
const ACCOUNTS = 100_000;
const BATCH = 20_000;

// One source for both: the host evaluates it as code below, the sandbox as this text.
const MODULE_TEXT = `
import { createSchema, defineModule, ReducerError, t, table } from '@tickspace/server/engine';
const schema = createSchema({ account: table({}, { id: t.u32().primaryKey(), balance: t.i64() }) });
const transfer = schema.reducer('transfer', { from: t.u32(), to: t.u32(), amount: t.i64() }, (ctx, { from, to, amount }) => {
  const a = ctx.db.account.find(from);
  const b = ctx.db.account.find(to);
  if (a === undefined || b === undefined) throw new ReducerError('NO_ACCOUNT', 'no such account');
  if (a.balance < amount) throw new ReducerError('INSUFFICIENT_FUNDS', 'insufficient funds');
  ctx.db.account.update({ id: from, balance: a.balance - amount });
  ctx.db.account.update({ id: to, balance: b.balance + amount });
});
export default defineModule(schema, {
  reducers: [transfer],
  init: (ctx) => { for (let i = 0; i < ${ACCOUNTS}; i++) ctx.db.account.insert({ id: i, balance: 1000000000n }); },
});
`;

function hostModule(): ModuleDef {
  return keynoteModule(ACCOUNTS);
}

const args: { from: number; to: number; amount: bigint }[] = [];
let seq = 1;
for (let i = 0; i < BATCH; i++) {
  seq = (seq * 1103515245 + 12345) >>> 0;
  const from = seq % ACCOUNTS;
  seq = (seq * 1103515245 + 12345) >>> 0;
  args.push({ from, to: seq % ACCOUNTS, amount: 1n });
}

/** tx/s of the keynote transfer in ticks of 20,000 calls (median of 5 rounds of >= 300 ms). */
function measure(module: ModuleDef, tickBudgetMs?: number): number {
  const engine = createEngine({ module, ...(tickBudgetMs === undefined ? {} : { tickBudgetMs }) });
  engine.runTick();
  return opsPerSecond(() => {
    for (let i = 0; i < BATCH; i++) engine.enqueue(sender, 'transfer', args[i]);
    engine.runTick();
  }, BATCH);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ROUNDS = 3;
const before: number[] = [];
for (let r = 0; r < ROUNDS; r++) before.push(measure(hostModule()));
await ensureLockdown();
const sandboxed = (await loadModuleText(MODULE_TEXT, 'keynote.ts')).module;
const after: number[] = [];
const inCompartment: number[] = [];
const withBudget: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  after.push(measure(hostModule()));
  inCompartment.push(measure(sandboxed));
  withBudget.push(measure(sandboxed, 1000));
}
const base = median(before);
const figures: Figure[] = [
  { name: 'keynote transfer, unsandboxed, before lockdown (baseline)', value: base, unit: 'tx/s' },
  ...(
    [
      ['keynote transfer, unsandboxed, after lockdown', median(after)],
      ['keynote transfer, in a SES Compartment', median(inCompartment)],
      [
        "keynote transfer, in a Compartment with the 1,000 ms tick budget (serve's default)",
        median(withBudget),
      ],
    ] as const
  ).map(([name, value]) => ({
    name,
    value,
    unit: 'tx/s',
    ratio: base / value,
    baseline: 'unsandboxed before lockdown (slowdown)',
  })),
];
report('sandbox', figures, {
  rounds: { before, after, inCompartment, withBudget },
  callsPerTick: BATCH,
  accounts: ACCOUNTS,
  overheadPercent: (base / median(withBudget) - 1) * 100,
});
