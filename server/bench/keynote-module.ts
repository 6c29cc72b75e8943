/**
 * The keynote transfer, the engine benchmarks' common workload: `accounts` accounts holding
 * 1,000,000,000 each, and `transfer { from, to, amount }` reading both, checking funds, debiting
 * one and crediting the other.
 */
import { createSchema, defineModule, ReducerError, t, table } from '../src/engine';

/** The keynote module over `accounts` accounts (ids 0 to accounts - 1). */
export function keynoteModule(accounts: number) {
  const schema = createSchema({ account: table({}, { id: t.u32().primaryKey(), balance: t.i64() }) });
  const transfer = schema.reducer(
    'transfer',
    { from: t.u32(), to: t.u32(), amount: t.i64() },
    (ctx, { from, to, amount }) => {
      const a = ctx.db.account.find(from);
      const b = ctx.db.account.find(to);
      if (a === undefined || b === undefined) throw new ReducerError('NO_ACCOUNT', 'no such account');
      if (a.balance < amount) throw new ReducerError('INSUFFICIENT_FUNDS', 'insufficient funds');
      ctx.db.account.update({ id: from, balance: a.balance - amount });
      ctx.db.account.update({ id: to, balance: b.balance + amount });
    },
  );
  return defineModule(schema, {
    reducers: [transfer] as const,
    init: (ctx) => {
      for (let i = 0; i < accounts; i++) ctx.db.account.insert({ id: i, balance: 1_000_000_000n });
    },
  });
}
