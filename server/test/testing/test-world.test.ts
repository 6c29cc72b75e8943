import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSchema, defineModule, ReducerError, t, table } from '../../src/engine';
import { createTestWorld } from '../../src/testing';

const schema = createSchema({
  account: table({ public: true }, { id: t.u32().primaryKey(), owner: t.identity(), balance: t.i64() }),
  clock: table({ public: true }, { id: t.u8().primaryKey(), ticks: t.u32() }),
});
const open = schema.reducer(
  'open',
  { id: t.u32() },
  (ctx, { id }) => void ctx.db.account.insert({ id, owner: ctx.sender, balance: 100n }),
);
const pay = schema.reducer('pay', { from: t.u32(), to: t.u32(), amount: t.i64() }, (ctx, a) => {
  const from = ctx.db.account.find(a.from);
  const to = ctx.db.account.find(a.to);
  if (!from || !to || from.owner !== ctx.sender) throw new ReducerError('NOT_YOURS', 'not your account');
  ctx.db.account.update({ ...from, balance: from.balance - a.amount });
  ctx.db.account.update({ ...to, balance: to.balance + a.amount });
});
const count = schema.reducer('count', {}, (ctx) => {
  const row = ctx.db.clock.find(0);
  if (row) ctx.db.clock.update({ ...row, ticks: row.ticks + 1 });
  else ctx.db.clock.insert({ id: 0, ticks: 1 });
});
const bank = defineModule(schema, {
  reducers: [open, pay, count],
  init: (ctx) => void ctx.schedule('count', {}, { inMs: 50, everyMs: 50 }),
});

describe('createTestWorld', () => {
  it('runs two players in logical time, with time travel and history', async () => {
    const world = await createTestWorld(bank);
    const alice = await world.player('alice');
    const bob = await world.player('bob');
    expect(alice.identity).not.toBe(bob.identity);
    await world.settle(alice.subscribe({ table: 'account' }).applied);
    await world.settle(alice.reducers.open({ id: 1 }));
    // A call sent before tick() runs in that very tick, and its promise has settled when tick() resolves.
    let opened = false;
    void bob.reducers.open({ id: 2 }).then(() => (opened = true));
    const record = await world.tick();
    expect(world.db.account.find(2)?.owner).toBe(bob.identity);
    expect(record.tick).toBe(world.currentTick);
    expect(opened).toBe(true);
    await world.settle(alice.reducers.pay({ from: 1, to: 2, amount: 30n }));
    expect(alice.db.account.find(2)?.balance).toBe(130n);
    const refused = await world.settle(bob.reducers.pay({ from: 1, to: 2, amount: 1n })).catch((e) => e.code);
    expect(refused).toBe('NOT_YOURS');
    const payTick = (await world.history('account', 1)).find((v) => v.reducer === 'pay')!;
    expect(payTick.sender).toBe('alice');
    const before = await world.asOf(payTick.tick - 1);
    expect(before.db.account.find(1)?.balance).toBe(100n);
    expect(world.db.account.find(1)?.balance).toBe(70n);
    const dir = world.database.paths.dir;
    await world.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('gives the same name the same identity in every world, and refuses a second player of that name', async () => {
    const a = await createTestWorld(bank);
    const b = await createTestWorld(bank);
    const [x, y] = [await a.player('alice'), await b.player('alice')];
    expect(x.identity).toBe(y.identity);
    await expect(a.player('alice')).rejects.toThrow(/already a player named 'alice'/);
    await a.close();
    await b.close();
  });

  it('advances logical time by tickMs per tick, and settle gives up after maxSettleTicks', async () => {
    const world = await createTestWorld(bank, { maxSettleTicks: 3 });
    await world.tick(); // init schedules the counter
    const start = world.database.engine.now;
    const ticks = world.db.clock.find(0)?.ticks ?? 0;
    await world.tick(4);
    expect(world.database.engine.now - start).toBe(200);
    expect(world.currentTick).toBe(5);
    expect(world.db.clock.find(0)?.ticks).toBe(ticks + 4); // the schedule ran once per tick
    await expect(world.settle(new Promise(() => {}))).rejects.toThrow(/not settled after 3 ticks/);
    await expect(world.tick(0)).rejects.toThrow(RangeError);
    await world.close();
  });
});
