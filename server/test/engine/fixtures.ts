import { createSchema, defineModule, ReducerError, t, table, toIdentity } from '../../src/engine';

/** A small bank + positions module used across engine tests. */
export const schema = createSchema({
  account: table(
    { public: true },
    {
      id: t.u32().primaryKey(),
      owner: t.identity().index('hash'),
      name: t.string().unique(),
      balance: t.i64(),
      level: t.u8().index('btree'),
    },
  ),
  entity: table(
    {
      public: true,
      spatial: { x: 'x', y: 'y', cellSize: 8 },
      indexes: [{ name: 'kind_level', columns: ['kind', 'level'] }],
    },
    {
      id: t.u32().primaryKey().autoInc(),
      kind: t.string(),
      level: t.u16(),
      x: t.f32(),
      y: t.f32(),
      note: t.optional(t.string()),
    },
  ),
  counter: table({ public: false }, { id: t.u8().primaryKey(), value: t.u32(), lastTick: t.u32() }),
  membership: table(
    { public: true, primaryKey: ['group', 'member'] },
    { group: t.u16(), member: t.u32(), role: t.string() },
  ),
});

const open = schema.reducer('open', { id: t.u32(), name: t.string(), balance: t.i64() }, (ctx, args) => {
  ctx.db.account.insert({ ...args, owner: ctx.sender, level: 1 });
});

const transfer = schema.reducer(
  'transfer',
  { from: t.u32(), to: t.u32(), amount: t.i64() },
  (ctx, { from, to, amount }) => {
    const a = ctx.db.account.find(from);
    const b = ctx.db.account.find(to);
    if (a === undefined || b === undefined)
      throw new ReducerError('NO_ACCOUNT', `account ${a === undefined ? from : to} does not exist`);
    if (a.balance < amount)
      throw new ReducerError('INSUFFICIENT_FUNDS', `account ${from} holds ${a.balance}, needs ${amount}`);
    ctx.db.account.update({ ...a, balance: a.balance - amount });
    ctx.db.account.update({ ...b, balance: b.balance + amount });
  },
);

const spawn = schema.reducer('spawn', { kind: t.string(), x: t.f32(), y: t.f32() }, (ctx, { kind, x, y }) => {
  ctx.db.entity.insert({ kind, level: Math.floor(ctx.rng() * 10), x, y });
});

const bump = schema.reducer('bump', { times: t.u32() }, (ctx, { times }) => {
  const row = ctx.db.counter.find(1) ?? ctx.db.counter.insert({ id: 1, value: 0, lastTick: 0 });
  ctx.db.counter.update({ ...row, value: row.value + times, lastTick: ctx.tick });
});

const crash = schema.reducer('crash', { after: t.u32() }, (ctx, { after }) => {
  ctx.db.entity.insert({ kind: 'doomed', level: 0, x: 0, y: 0 });
  for (let i = 0; i < after; i++) ctx.db.entity.insert({ kind: 'doomed', level: 1, x: i, y: -i });
  throw new Error('boom');
});

const later = schema.reducer('later', { inMs: t.f64(), everyMs: t.f64() }, (ctx, { inMs, everyMs }) => {
  ctx.schedule('bump', { times: 1 }, everyMs > 0 ? { inMs, everyMs } : { inMs });
});

export const bank = defineModule(schema, {
  reducers: [open, transfer, spawn, bump, crash, later],
  init: (ctx) => {
    ctx.db.counter.insert({ id: 0, value: 42, lastTick: ctx.tick });
  },
  clientConnected: (ctx) => {
    const row = ctx.db.counter.find(2) ?? ctx.db.counter.insert({ id: 2, value: 0, lastTick: 0 });
    ctx.db.counter.update({ ...row, value: row.value + 1, lastTick: ctx.tick });
  },
});

export const alice = toIdentity('a'.repeat(32));
export const bob = toIdentity('b'.repeat(32));

/** A logger that collects instead of printing, so tests can assert on server faults. */
export function collectingLogger() {
  const errors: string[] = [];
  return { errors, logger: { error: (m: string) => errors.push(m), warn: (m: string) => errors.push(m) } };
}
