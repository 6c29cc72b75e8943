import { createSchema, defineModule, ReducerError, t, table } from '@tickspace/server/engine';

/** Balance every account starts with. */
const INITIAL_BALANCE = 1_000_000_000n;

/**
 * The keynote benchmark module (SpacetimeDB's): a table of accounts and a `transfer` reducer that
 * moves an amount between two of them, refusing overdrafts. Accounts are created by init.
 * @example
 * const engine = createEngine({ module: createTransferModule(100_000) });
 */
export function createTransferModule(accounts: number) {
  const schema = createSchema({
    account: table({ public: false }, { id: t.u32().primaryKey(), balance: t.i64() }),
  });
  const transfer = schema.reducer(
    'transfer',
    { from: t.u32(), to: t.u32(), amount: t.i64() },
    (ctx, { from, to, amount }) => {
      const a = ctx.db.account.find(from);
      const b = ctx.db.account.find(to);
      if (a === undefined || b === undefined)
        throw new ReducerError('NO_ACCOUNT', `account ${a === undefined ? from : to} does not exist`);
      if (amount <= 0n) throw new ReducerError('BAD_AMOUNT', `amount must be positive, got ${amount}`);
      if (a.balance < amount)
        throw new ReducerError('INSUFFICIENT_FUNDS', `account ${from} holds ${a.balance}, needs ${amount}`);
      ctx.db.account.update({ id: from, balance: a.balance - amount });
      ctx.db.account.update({ id: to, balance: b.balance + amount });
    },
  );
  return defineModule(schema, {
    reducers: [transfer] as const,
    init: (ctx) => {
      for (let id = 0; id < accounts; id++) ctx.db.account.insert({ id, balance: INITIAL_BALANCE });
    },
  });
}

/** The transfer module's type, for typed client connections. */
export type TransferModule = ReturnType<typeof createTransferModule>;
