import { describe, expect, it } from 'vitest';
import { CALL_ORIGIN, createEngine, createSchema, defineModule, t, table } from '../../src/engine';
import { SCHEDULE_TABLE } from '../../src/engine/system-tables';
import { alice, bank } from './fixtures';

function firingTicks(engine: ReturnType<typeof createEngine>, ticks: number, reducer: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < ticks; i++) {
    const record = engine.runTick();
    for (const call of record.calls)
      if (call.origin === CALL_ORIGIN.SCHEDULE && call.reducer === reducer) out.push(record.tick);
  }
  return out;
}

describe('scheduled reducers', () => {
  it('fire once at the first tick whose logical time reaches the scheduled time', () => {
    const engine = createEngine({ module: bank, tickMs: 50 });
    engine.enqueue(alice, 'later', { inMs: 120, everyMs: 0 });
    // Scheduled during tick 1 (now = 50): due at 170 ms, i.e. tick 4 (200 ms).
    expect(firingTicks(engine, 8, 'bump')).toEqual([4]);
    expect(engine.tables[SCHEDULE_TABLE]!.count()).toBe(0);
  });

  it('repeat from the scheduled time without drift', () => {
    const engine = createEngine({ module: bank, tickMs: 50 });
    engine.enqueue(alice, 'later', { inMs: 0, everyMs: 75 });
    // Scheduled at 50 ms: fires at 50+0 -> tick 2 (never the scheduling tick), then 125 -> 3, 200 -> 4, 275 -> 6, 350 -> 7, 425 -> 9.
    expect(firingTicks(engine, 9, 'bump')).toEqual([2, 3, 4, 6, 7, 9]);
  });

  it('can be cancelled', () => {
    const schema = createSchema({
      ids: table({}, { id: t.u32().primaryKey(), schedule: t.u32() }),
      hits: table({}, { id: t.u32().primaryKey().autoInc(), tick: t.u32() }),
    });
    const hit = schema.reducer('hit', {}, (ctx) => {
      ctx.db.hits.insert({ tick: ctx.tick });
    });
    const arm = schema.reducer('arm', {}, (ctx) => {
      ctx.db.ids.insert({ id: 1, schedule: ctx.schedule('hit', {}, { atTick: ctx.tick + 1, everyMs: 50 }) });
    });
    const disarm = schema.reducer('disarm', {}, (ctx) => {
      if (!ctx.cancelSchedule(ctx.db.ids.find(1)!.schedule)) throw new Error('schedule missing');
    });
    const engine = createEngine({ module: defineModule(schema, { reducers: [hit, arm, disarm] }) });
    engine.enqueue(alice, 'arm', {});
    engine.runTick();
    engine.runTick();
    engine.runTick();
    engine.enqueue(alice, 'disarm', {});
    engine.runTick();
    engine.runTick();
    expect(engine.db.hits.iter().map((r) => r.tick)).toEqual([2, 3]);
  });

  it('survive a restore of the tables (they are rows)', () => {
    const engine = createEngine({ module: bank, tickMs: 50 });
    engine.enqueue(alice, 'later', { inMs: 200, everyMs: 0 });
    engine.runTick();
    const state = {
      tick: engine.tick,
      tables: Object.fromEntries(
        engine.tableList.map((s) => [s.name, { rows: s.iter(), autoInc: s.autoInc }]),
      ),
    };
    const restored = createEngine({ module: bank, tickMs: 50 });
    restored.restore(state);
    expect(firingTicks(restored, 6, 'bump')).toEqual([5]);
    expect(restored.db.counter.find(1)?.lastTick).toBe(5);
  });

  it('keep running the reducer schedule even when the scheduled call fails', () => {
    const schema = createSchema({ n: table({}, { id: t.u32().primaryKey(), v: t.u32() }) });
    const flaky = schema.reducer('flaky', {}, (ctx) => {
      if (ctx.tick % 2 === 0) throw new Error('even tick');
      const row = ctx.db.n.find(1);
      if (row) ctx.db.n.update({ id: 1, v: row.v + 1 });
      else ctx.db.n.insert({ id: 1, v: 1 });
    });
    const engine = createEngine({
      module: defineModule(schema, {
        reducers: [flaky],
        init: (ctx) => void ctx.schedule('flaky', {}, { atTick: 1, everyMs: 50 }),
      }),
      logger: { error: () => {}, warn: () => {} },
    });
    for (let i = 0; i < 7; i++) engine.runTick();
    // Due from tick 2 (never the scheduling tick): odd ticks 3, 5, 7 succeed.
    expect(engine.db.n.find(1)?.v).toBe(3);
  });

  it('a failed one-shot is used up: what it scheduled rolls back with it, and ctx.scheduled names the schedule', async () => {
    const schema = createSchema({
      seen: table(
        {},
        { id: t.u32().primaryKey().autoInc(), tick: t.u32(), schedule: t.u32(), everyMs: t.f64() },
      ),
    });
    const again = schema.reducer('again', {}, (ctx) => {
      ctx.db.seen.insert({ tick: ctx.tick, schedule: ctx.scheduled!.id, everyMs: ctx.scheduled!.everyMs });
      ctx.schedule('again', {}, { atTick: ctx.tick + 1 });
      if (ctx.tick === 4) throw new Error('fails at tick 4');
    });
    const probe = schema.reducer('probe', {}, (ctx) => {
      if (ctx.scheduled !== undefined) throw new Error('a client call has no schedule');
    });
    let first = 0;
    let every = 0;
    const engine = createEngine({
      module: defineModule(schema, {
        reducers: [again, probe],
        init: (ctx) => {
          first = ctx.schedule('again', {}, { atTick: ctx.tick + 1 });
          every = ctx.schedule('probe', {}, { atTick: 100, everyMs: 250 });
        },
      }),
      tickMs: 50,
      logger: { error: () => {}, warn: () => {} },
    });
    engine.runTick();
    engine.runTick();
    // After a tick whose last call was scheduled: a client call must not see that schedule.
    const probed = engine.call(alice, 'probe', {});
    for (let i = 0; i < 6; i++) engine.runTick();
    expect(await probed).toEqual({ ok: true });
    // Ticks 2 and 3 ran and rescheduled; tick 4 failed, so its reschedule rolled back: no tick 5.
    const seen = engine.db.seen.iter().map((r) => [r.tick, r.everyMs]);
    expect(seen).toEqual([
      [2, 0],
      [3, 0],
    ]);
    expect(engine.db.seen.find(1)!.schedule).toBe(first);
    expect(engine.tables[SCHEDULE_TABLE]!.iter().map((r) => r.id)).toEqual([every]);
  });

  it('rejects intervals shorter than a tick and unknown reducers', async () => {
    const schema = createSchema({ n: table({}, { id: t.u32().primaryKey() }) });
    const fast = schema.reducer('fast', { ms: t.f64(), name: t.string() }, (ctx, { ms, name }) => {
      ctx.schedule(name, {}, { inMs: 0, everyMs: ms });
    });
    const engine = createEngine({ module: defineModule(schema, { reducers: [fast] }), tickMs: 50 });
    const short = engine.call(alice, 'fast', { ms: 10, name: 'fast' });
    const unknown = engine.call(alice, 'fast', { ms: 100, name: 'missing' });
    engine.runTick();
    expect(await short).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await unknown).toMatchObject({ ok: false, code: 'UNKNOWN_REDUCER' });
  });

  it("ctx.schedulesOf lists one reducer's pending schedules in id order, whatever the store order", () => {
    const schema = createSchema({
      seen: table({}, { id: t.u32().primaryKey().autoInc(), ids: t.string() }),
    });
    const work = schema.reducer('work', {}, () => {});
    const other = schema.reducer('other', {}, () => {});
    const look = schema.reducer('look', {}, (ctx) => {
      ctx.db.seen.insert({ ids: JSON.stringify(ctx.schedulesOf('work')) });
    });
    const made: number[] = [];
    const engine = createEngine({
      module: defineModule(schema, {
        reducers: [work, other, look],
        init: (ctx) => {
          made.push(ctx.schedule('work', {}, { atTick: 100, everyMs: 50 }));
          ctx.schedule('other', {}, { atTick: 100 });
          made.push(ctx.schedule('work', {}, { atTick: 200 }));
          made.push(ctx.schedule('work', {}, { atTick: 300, everyMs: 100 }));
          // A removal swaps the last row into the first one's place: storage order is no longer id order.
          ctx.cancelSchedule(made.shift()!);
        },
      }),
      tickMs: 50,
    });
    engine.runTick();
    engine.enqueue(alice, 'look', {});
    engine.runTick();
    const stored = engine.tables[SCHEDULE_TABLE]!.iter().map((r) => r.id as number);
    expect(stored).not.toEqual([...stored].sort((a, b) => a - b));
    expect(JSON.parse(engine.db.seen.find(1)!.ids)).toEqual([
      { id: made[0], everyMs: 0 },
      { id: made[1], everyMs: 100 },
    ]);
  });
});
