import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_TABLE } from '../../src/engine/system-tables';
import {
  createEngine,
  createSchema,
  defineModule,
  t,
  table,
  type Engine,
  type ModuleDef,
} from '../../src/engine';
import { openDatabase, replayRange } from '../../src/engine/tooling';
import { alice, bob } from '../engine/fixtures';
import { drive, dump, openBank, quietLogger, tempDir, type BankDb } from './helpers';

/** One client action of the bank module. */
const action = fc.oneof(
  fc.record({
    r: fc.constant('open' as const),
    id: fc.nat(6),
    who: fc.boolean(),
    balance: fc.bigInt({ min: -5n, max: 500n }),
  }),
  fc.record({
    r: fc.constant('transfer' as const),
    from: fc.nat(6),
    to: fc.nat(6),
    amount: fc.bigInt({ min: 0n, max: 80n }),
  }),
  fc.record({
    r: fc.constant('spawn' as const),
    x: fc.integer({ min: -50, max: 50 }),
    y: fc.integer({ min: -50, max: 50 }),
  }),
  fc.record({ r: fc.constant('bump' as const), times: fc.nat(3) }),
  fc.record({ r: fc.constant('crash' as const), after: fc.nat(2) }),
  fc.record({ r: fc.constant('later' as const), inMs: fc.nat(200), everyMs: fc.constantFrom(0, 0, 100) }),
  fc.record({ r: fc.constant('connect' as const), who: fc.boolean() }),
  fc.record({ r: fc.constant('snapshot' as const) }),
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

/** Queues one action (or takes a snapshot); returns a promise to await before the next tick. */
function queue(db: BankDb, a: Action): Promise<unknown> | undefined {
  const e = db.engine;
  const who = 'who' in a && a.who ? alice : bob;
  switch (a.r) {
    case 'open':
      e.enqueue(who, 'open', { id: a.id, name: `n${a.id}`, balance: a.balance });
      return undefined;
    case 'transfer':
      e.enqueue(alice, 'transfer', { from: a.from, to: a.to, amount: a.amount });
      return undefined;
    case 'spawn':
      e.enqueue(bob, 'spawn', { kind: 'k', x: a.x, y: a.y });
      return undefined;
    case 'bump':
      e.enqueue(alice, 'bump', { times: a.times });
      return undefined;
    case 'crash':
      e.enqueue(alice, 'crash', { after: a.after });
      return undefined;
    case 'later':
      e.enqueue(alice, 'later', { inMs: a.inMs, everyMs: a.everyMs });
      return undefined;
    case 'connect':
      e.connect(who);
      return undefined;
    case 'snapshot':
      return db.snapshot();
  }
}

/** Runs the ticks, recording a picture of the live state and its hash after each. */
async function run(db: BankDb, ticks: Action[][]) {
  const states = new Map<number, { hash: string; tables: Record<string, string[]> }>();
  states.set(0, { hash: db.engine.stateHash, tables: dump(db.engine.tables) });
  for (const list of ticks) {
    const waits: Promise<unknown>[] = [];
    for (const a of list) {
      const p = queue(db, a);
      if (p !== undefined) waits.push(p);
    }
    const record = db.engine.runTick();
    states.set(record.tick, { hash: record.stateHash, tables: dump(db.engine.tables) });
    await Promise.all(waits);
  }
  await db.engine.flush();
  return states;
}

const historyArb = fc.array(fc.array(action, { maxLength: 5 }), { minLength: 1, maxLength: 25 });
const optionsArb = fc.record({
  everyTicks: fc.constantFrom(0, 3, 7),
  segmentBytes: fc.constantFrom(1024, 4096, 1 << 20),
});

describe('time travel', () => {
  it('asOf(t) equals the state the live run had at tick t, for every t (property)', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, optionsArb, async (ticks, opts) => {
        const db = await openBank(tempDir(), {
          snapshotEveryTicks: opts.everyTicks,
          segmentBytes: opts.segmentBytes,
          snapshotSliceMs: 0,
        });
        try {
          const states = await run(db, ticks);
          for (const [tick, live] of states) {
            const view = await db.asOf(tick);
            expect(view.tick).toBe(tick);
            expect(view.stateHash).toBe(live.hash);
            expect(dump(view.tables)).toEqual(live.tables);
          }
        } finally {
          await db.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('asOf after a restart reads the same past (recovered index, snapshots from disk)', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { snapshotEveryTicks: 10, segmentBytes: 2048 });
    const hashes = await drive(db, 45);
    await db.snapshot();
    await db.close();
    const again = await openBank(dir, { snapshotEveryTicks: 10, segmentBytes: 2048 });
    for (const tick of [0, 1, 9, 10, 11, 33, 45])
      expect((await again.asOf(tick)).stateHash).toBe(hashes.get(tick) ?? '0000000000000000');
    await expect(again.asOf(46)).rejects.toMatchObject({ code: 'TICK_OUT_OF_RANGE' });
    await expect(again.asOf(-1)).rejects.toMatchObject({ code: 'TICK_OUT_OF_RANGE' });
    const view = await again.asOf(2);
    expect(() => (view.db.account as unknown as { insert(r: unknown): void }).insert({ id: 9 })).toThrow(
      /outside a reducer/,
    );
    await again.close();
  });

  it('history lists every version of a row with tick, call and sender', async () => {
    const db = await openBank(tempDir());
    const e = db.engine;
    e.enqueue(alice, 'open', { id: 1, name: 'a', balance: 10n });
    e.enqueue(bob, 'open', { id: 2, name: 'b', balance: 0n });
    e.runTick();
    e.runTick();
    e.enqueue(bob, 'transfer', { from: 1, to: 2, amount: 4n });
    e.enqueue(bob, 'transfer', { from: 1, to: 2, amount: 400n }); // fails: no version
    e.runTick();
    const versions = await db.history('account', 1);
    expect(versions.map((v) => [v.tick, v.kind, v.row?.balance, v.call?.reducer, v.call?.sender])).toEqual([
      [1, 'insert', 10n, 'open', alice],
      [3, 'update', 6n, 'transfer', bob],
    ]);
    expect(versions[1]!.call!.index).toBe(0);
    expect(await db.history('account', 99)).toEqual([]);
    await expect(db.history('nope', 1)).rejects.toMatchObject({ code: 'UNKNOWN_TABLE' });
    // Composite keys are tuples.
    e.enqueueSystem(
      '__admin',
      () => void e.tables.membership!.insert({ group: 3, member: 1, role: 'owner' }),
    );
    e.runTick();
    e.enqueueSystem('__admin', () => void e.tables.membership!.delete([3, 1]));
    e.runTick();
    expect(
      (await db.history('membership', [3, 1])).map((v) => [v.tick, v.kind, v.row?.role, v.call?.reducer]),
    ).toEqual([
      [4, 'insert', 'owner', '__admin'],
      [5, 'delete', undefined, '__admin'],
    ]);
    await db.close();
  });

  it('rewind restores a past tick as a new logged transaction that replays and can be undone (property)', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.nat(), fc.boolean(), async (ticks, pick, shift) => {
        const db = await openBank(tempDir(), { snapshotEveryTicks: 4, segmentBytes: 2048 });
        try {
          const states = await run(db, ticks);
          const target = pick % (db.engine.tick + 1);
          const rewind = (await db.prepareRewind(target, { shiftSchedules: shift })).enqueue();
          db.engine.runTick();
          const result = await rewind;
          const moduleTables = (d: Record<string, string[]>) =>
            Object.fromEntries(Object.entries(d).filter(([n]) => n !== SCHEDULE_TABLE));
          expect(result.target).toBe(target);
          if (shift) {
            // Shifted schedules keep their remaining delay, so none fires in the rewind tick.
            expect(moduleTables(dump(db.engine.tables))).toEqual(moduleTables(states.get(target)!.tables));
          } else {
            // Unshifted, the rewind transaction itself leaves exactly the past state (overdue schedules fire after it).
            expect(result.stateHash).toBe(states.get(target)!.hash);
          }
          // History after the target is kept.
          expect((await db.asOf(result.tick - 1)).stateHash).toBe(states.get(result.tick - 1)!.hash);
          // Undo: rewind to the tick before the rewind.
          const undo = (await db.prepareRewind(result.tick - 1, { shiftSchedules: false })).enqueue();
          db.engine.runTick();
          expect((await undo).stateHash).toBe(states.get(result.tick - 1)!.hash);
          const report = await db.replay();
          expect(report.divergence).toBeUndefined();
          expect(report.verifiedTicks).toBe(db.engine.tick);
        } finally {
          await db.close();
        }
      }),
      { numRuns: 20 },
    );
  });

  it('rewind rewrites unique-column swaps and restores deleted rows', async () => {
    const db = await openBank(tempDir());
    const e = db.engine;
    e.enqueue(alice, 'open', { id: 1, name: 'x', balance: 1n });
    e.enqueue(alice, 'open', { id: 2, name: 'y', balance: 2n });
    e.runTick();
    // Swap names through a system transaction (reducers cannot, the unique index forbids the middle state in one step).
    e.enqueueSystem('__admin', () => {
      const accounts = e.tables.account!;
      accounts.update({ ...accounts.find(1)!, name: 'tmp' });
      accounts.update({ ...accounts.find(2)!, name: 'x' });
      accounts.update({ ...accounts.find(1)!, name: 'y' });
    });
    e.runTick();
    expect(e.db.account.find(1)!.name).toBe('y');
    const r = (await db.prepareRewind(1)).enqueue();
    e.runTick();
    const stats = await r;
    expect([e.db.account.find(1)!.name, e.db.account.find(2)!.name]).toEqual(['x', 'y']);
    expect(stats.updated + stats.inserted).toBeGreaterThan(0);
    // System calls replay from their logged changes.
    expect((await db.replay()).ok).toBe(true);
    await db.close();
  });
});

describe('replay', () => {
  const s = createSchema({
    thing: table({ public: true }, { id: t.u32().primaryKey(), level: t.u8(), luck: t.f64() }),
  });
  const v1 = defineModule(s, {
    reducers: [
      s.reducer(
        'make',
        { id: t.u32() },
        (ctx, { id }) => void ctx.db.thing.insert({ id, level: 1, luck: ctx.rng() }),
      ),
    ],
  });
  const v2 = defineModule(s, {
    reducers: [
      s.reducer(
        'make',
        { id: t.u32() },
        (ctx, { id }) => void ctx.db.thing.insert({ id, level: id > 3 ? 2 : 1, luck: ctx.rng() }),
      ),
    ],
  });
  const flaky = defineModule(s, {
    reducers: [
      s.reducer(
        'make',
        { id: t.u32() },
        (ctx, { id }) => void ctx.db.thing.insert({ id, level: 1, luck: Math.random() }),
      ),
    ],
  });

  async function logWith(module: ModuleDef, dir = tempDir()) {
    const db = await openDatabase({
      dir,
      module,
      seed: 's',
      durability: 'never',
      snapshotEveryTicks: 0,
      snapshotEveryBytes: 0,
      logger: quietLogger().logger,
    });
    for (let i = 1; i <= 6; i++) {
      db.engine.enqueue(alice, 'make', { id: i });
      db.engine.runTick();
    }
    await db.engine.flush();
    return db;
  }

  it('verifies a deterministic module over the whole log, and from a mid-log start', async () => {
    const db = await logWith(v1);
    expect(await db.replay()).toMatchObject({
      ok: true,
      from: 1,
      to: 6,
      verifiedTicks: 6,
      calls: 7,
      changes: 6,
    });
    expect(await db.replay(4, 5)).toMatchObject({ ok: true, verifiedTicks: 2 });
    await expect(db.replay(0, 2)).rejects.toMatchObject({ code: 'TICK_OUT_OF_RANGE' });
    await expect(db.replay(2, 9)).rejects.toMatchObject({ code: 'TICK_OUT_OF_RANGE' });
    await db.close();
  });

  it('reports the first divergence of changed reducer code precisely', async () => {
    const db = await logWith(v1);
    const engine = createEngine({ module: v2, seed: 's', tickMs: 50 }) as unknown as Engine<ModuleDef>;
    const report = await replayRange(db.store, engine, 1, 6);
    expect(report.ok).toBe(false);
    expect(report.verifiedTicks).toBe(3);
    expect(report.divergence).toMatchObject({ tick: 4, kind: 'change', changeIndex: 0, callIndex: 0 });
    expect(report.divergence!.message).toMatch(
      /^tick 4 change 0 \(table 'thing', call 0 'make'\): the log has insert into 'thing' \{"id":4,"level":1,.*the replay produced insert into 'thing' \{"id":4,"level":2,/,
    );
    await db.close();
  });

  it('catches a reducer that reads Math.random', async () => {
    const db = await logWith(flaky);
    const report = await db.replay();
    expect(report.divergence).toMatchObject({ tick: 1, kind: 'change' });
    await db.close();
  });

  it('catches a different seed (ctx.rng draws differ)', async () => {
    const db = await logWith(v1);
    const report = await replayRange(
      db.store,
      createEngine({ module: v1, seed: 'other', tickMs: 50 }) as unknown as Engine<ModuleDef>,
      1,
      6,
    );
    expect(report.divergence).toMatchObject({ tick: 1, kind: 'change' });
    await db.close();
  });
});
